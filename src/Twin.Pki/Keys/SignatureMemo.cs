using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Twin.Pki.Keys;

/// <summary>
/// Remembers the last signature check of an immutable signed object (certificate, CRL) against one key.
/// Relying parties check the same chain again and again; the bytes cannot change, so neither can the answer.
/// </summary>
/// <remarks>
/// Objects parsed anew for every request (an EST client's certificate, a CMP signer's, the anchors of an allow-list) are
/// different instances with the same bytes: <see cref="Check(PublicKey, ReadOnlySpan{byte}, Func{PublicKey, bool})"/> also asks a
/// process-wide table keyed by SHA-256 over the signed object's DER and the key's SubjectPublicKeyInfo, so an answer found once is
/// found again for the same bytes — the answer is a function of those bytes alone.
/// </remarks>
internal sealed class SignatureMemo
{
    private sealed record Entry(PublicKey Key, bool Valid);

    // Bounded: a stream of distinct certificates cannot grow it past this; it starts over instead (one verification each again).
    private const int SharedCapacity = 4096;
    private static readonly ConcurrentDictionary<Digest, bool> s_shared = new();
    private static int s_sharedCount;

    private Entry? _last;

    internal bool Check(PublicKey key, Func<PublicKey, bool> verify)
    {
        var last = Volatile.Read(ref _last);
        if (last is not null && last.Key.Equals(key)) return last.Valid;
        var valid = verify(key);
        Volatile.Write(ref _last, new Entry(key, valid));
        return valid;
    }

    /// <summary>As <see cref="Check(PublicKey, Func{PublicKey, bool})"/>, and shared by every object with the same <paramref name="signedDer"/>.</summary>
    internal bool Check(PublicKey key, ReadOnlySpan<byte> signedDer, Func<PublicKey, bool> verify)
    {
        var last = Volatile.Read(ref _last);
        if (last is not null && last.Key.Equals(key)) return last.Valid;
        var digest = Digest.Of(signedDer, key.SubjectPublicKeyInfo);
        if (!s_shared.TryGetValue(digest, out var valid))
        {
            valid = verify(key);
            if (Interlocked.Increment(ref s_sharedCount) > SharedCapacity)
            {
                s_shared.Clear();
                Interlocked.Exchange(ref s_sharedCount, 1);
            }
            s_shared[digest] = valid;
        }
        Volatile.Write(ref _last, new Entry(key, valid));
        return valid;
    }

    // SHA-256 over (length of the DER, the DER, the key): the length prefix keeps the split between the two unambiguous.
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Digest(ulong A, ulong B, ulong C, ulong D)
    {
        public static Digest Of(ReadOnlySpan<byte> der, ReadOnlySpan<byte> key)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            Span<byte> length = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, der.Length);
            hash.AppendData(length);
            hash.AppendData(der);
            hash.AppendData(key);
            Span<byte> value = stackalloc byte[32];
            hash.GetHashAndReset(value);
            var words = MemoryMarshal.Cast<byte, ulong>(value);
            return new Digest(words[0], words[1], words[2], words[3]);
        }
    }
}

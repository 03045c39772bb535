namespace Twin.Pki.Keys;

/// <summary>
/// Remembers the last signature check of an immutable signed object (certificate, CRL) against one key.
/// Relying parties check the same chain again and again; the bytes cannot change, so neither can the answer.
/// </summary>
internal sealed class SignatureMemo
{
    private sealed record Entry(PublicKey Key, bool Valid);

    private Entry? _last;

    internal bool Check(PublicKey key, Func<PublicKey, bool> verify)
    {
        var last = Volatile.Read(ref _last);
        if (last is not null && last.Key.Equals(key)) return last.Valid;
        var valid = verify(key);
        Volatile.Write(ref _last, new Entry(key, valid));
        return valid;
    }
}

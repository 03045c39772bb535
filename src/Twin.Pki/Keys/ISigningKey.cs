namespace Twin.Pki.Keys;

/// <summary>
/// A private key that can sign but need not reveal itself: a software key, a key inside a
/// simulated secure element, or a key on a PKCS#11 token. CAs, CMS signers and OCSP responders sign through it.
/// </summary>
public interface ISigningKey
{
    /// <summary>The key's algorithm; it fixes the signature algorithm (see <see cref="KeyAlgorithm"/>).</summary>
    KeyAlgorithm Algorithm { get; }

    /// <summary>The public half.</summary>
    PublicKey PublicKey { get; }

    /// <summary>Signs <paramref name="data"/> (the whole message, not a digest) and returns the signature as it goes into an X.509 or CMS structure.</summary>
    byte[] Sign(ReadOnlySpan<byte> data);
}

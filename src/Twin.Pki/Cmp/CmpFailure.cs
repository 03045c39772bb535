using Org.BouncyCastle.Asn1;

namespace Twin.Pki.Cmp;

/// <summary>PKIFailureInfo (RFC 4210 §5.2.3): the numeric value is the bit's position in the BIT STRING.</summary>
public enum CmpFailure
{
    /// <summary>Unrecognized or unsupported algorithm identifier.</summary>
    BadAlg = 0,
    /// <summary>Integrity check failed (for example, the signature or MAC did not verify).</summary>
    BadMessageCheck = 1,
    /// <summary>Transaction not permitted or supported.</summary>
    BadRequest = 2,
    /// <summary>messageTime was not sufficiently close to the system time.</summary>
    BadTime = 3,
    /// <summary>No certificate could be found matching the provided criteria.</summary>
    BadCertId = 4,
    /// <summary>The data submitted has the wrong format.</summary>
    BadDataFormat = 5,
    /// <summary>The authority indicated in the request is different from the one creating the response.</summary>
    WrongAuthority = 6,
    /// <summary>The requester's data is incorrect.</summary>
    IncorrectData = 7,
    /// <summary>A timestamp was absent but required.</summary>
    MissingTimeStamp = 8,
    /// <summary>The proof of possession failed.</summary>
    BadPop = 9,
    /// <summary>The certificate has already been revoked.</summary>
    CertRevoked = 10,
    /// <summary>The certificate has already been confirmed.</summary>
    CertConfirmed = 11,
    /// <summary>Invalid integrity: password-based where signature was expected or the reverse.</summary>
    WrongIntegrity = 12,
    /// <summary>Invalid recipient nonce, either missing or wrong value.</summary>
    BadRecipientNonce = 13,
    /// <summary>The TSA's time source is not available.</summary>
    TimeNotAvailable = 14,
    /// <summary>The requested policy is not supported.</summary>
    UnacceptedPolicy = 15,
    /// <summary>The requested extension is not supported.</summary>
    UnacceptedExtension = 16,
    /// <summary>The additional information requested could not be understood or is not available.</summary>
    AddInfoNotAvailable = 17,
    /// <summary>Invalid sender nonce, either missing or wrong size.</summary>
    BadSenderNonce = 18,
    /// <summary>Invalid certificate template or missing mandatory information.</summary>
    BadCertTemplate = 19,
    /// <summary>The signer of the message is unknown or not trusted.</summary>
    SignerNotTrusted = 20,
    /// <summary>The transaction identifier is already in use.</summary>
    TransactionIdInUse = 21,
    /// <summary>The version of the message is not supported.</summary>
    UnsupportedVersion = 22,
    /// <summary>The sender was not authorized to make the preceding request or perform the preceding action.</summary>
    NotAuthorized = 23,
    /// <summary>The request cannot be handled due to system unavailability.</summary>
    SystemUnavail = 24,
    /// <summary>The request cannot be handled due to system failure.</summary>
    SystemFailure = 25,
    /// <summary>The certificate cannot be issued because a duplicate certificate already exists.</summary>
    DuplicateCertReq = 26,
}

/// <summary>A CMP request refused for a reason the protocol names: the responder answers with this failure.</summary>
public sealed class CmpException : PkiException
{
    /// <summary>Creates the exception with the PKIFailureInfo bit and a message that names what is wrong.</summary>
    public CmpException(CmpFailure failure, string message) : base(message) => Failure = failure;

    /// <summary>Creates the exception with the PKIFailureInfo bit, a message and the underlying cause.</summary>
    public CmpException(CmpFailure failure, string message, Exception inner) : base(message, inner) => Failure = failure;

    /// <summary>The PKIFailureInfo bit the error message carries.</summary>
    public CmpFailure Failure { get; }
}

internal static class CmpFailureBits
{
    // A named BIT STRING is DER-encoded without trailing zero bits (X.690 §11.2.2).
    internal static DerBitString Encode(CmpFailure failure)
    {
        var bit = (int)failure;
        var bytes = new byte[bit / 8 + 1];
        bytes[bit / 8] = (byte)(0x80 >> (bit % 8));
        return new DerBitString(bytes, 7 - bit % 8);
    }

    internal static IReadOnlyList<CmpFailure> Decode(DerBitString? bits)
    {
        if (bits is null) return [];
        var bytes = bits.GetBytes();
        var found = new List<CmpFailure>();
        foreach (var f in Enum.GetValues<CmpFailure>())
        {
            var bit = (int)f;
            if (bit / 8 < bytes.Length && (bytes[bit / 8] & (0x80 >> (bit % 8))) != 0) found.Add(f);
        }
        return found;
    }
}

using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cmp;

namespace Twin.Pki.Cmp;

/// <summary>
/// What an RA does to a message it passes on (RFC 9483 §5.2.3.2, replacing protection): the body,
/// transactionID, nonces and generalInfo stay; sender, recipient, messageTime and the protection are its own.
/// </summary>
public static class CmpForwarding
{
    /// <summary><paramref name="message"/> re-protected by <paramref name="from"/> for <paramref name="recipient"/>; extraCerts keep the original ones after the new protection certificate.</summary>
    public static byte[] Reprotect(CmpMessage message, CmpSender from, string? recipient)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(from);
        var h = message.Inner.Header;
        var pvno = h.Pvno.IntValueExact;
        var bytes = CmpWriter.Write(from, recipient, pvno, h.TransactionID?.GetOctets(), h.SenderNonce?.GetOctets() ?? CmpWriter.NewNonce(from.Random), h.RecipNonce?.GetOctets(),
            false, message.Inner.Body, message.ExtraCerts, h.GetGeneralInfo());
        return bytes;
    }
}

using Twin.Actors.Protocol.Commands;
using Twin.Pki.Revocation;

namespace Twin.Actors.Entities.Authority;

/// <summary>
/// Issuing-CA compromise: the CA asks its parent to revoke its certificate (cACompromise, on the parent's next
/// CRL at once) and to certify a replacement key, which takes over issuance under the same name. Whoever held a
/// certificate from the compromised key is named in the answer, to be re-enrolled.
/// </summary>
public sealed partial class CaActor
{
    private void Compromise(CompromiseCa command)
    {
        var reply = ReplyChannel();
        if (Refuse(reply, "compromise")) return;
        // The parent handles the revocation before the request for the replacement: one mailbox, in order.
        SendWork(_parent!, new RevokeCertificate(_ca!.Certificate.SerialNumber.Hex, RevocationReason.CACompromise, Id.Value), "ca-compromise");
        StartRekey("compromise", reply, command.ReenrollAfter);
    }
}

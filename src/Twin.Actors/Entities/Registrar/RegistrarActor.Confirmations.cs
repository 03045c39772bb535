using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;

namespace Twin.Actors.Entities.Registrar;

public sealed partial class RegistrarActor
{
    // What the journal keeps of a certificate awaiting certConf: the request as received, who sent it and how it was protected,
    // the certificate, and the senderNonce the certConf must echo. Never a secret or a private key.
    private ConfirmationAwaited Awaiting(Open open)
    {
        var x = open.Exchange;
        return new ConfirmationAwaited(_run, open.Since, Id, x.Transaction, x.Request.GetDer(), x.Origin, x.Credential.Kind.ToString(), x.Credential.Who, x.Credential.Reference,
            x.Credential.Certificate?.GetDer(), open.Issued.GetDer(), open.IssuerDer, open.OurNonce, open.Holder, open.CertReqId, open.FromUpstream);
    }

    // After a restart: every wait the journal has not closed is open again, oldest first. A one-time secret is derived again from its reference.
    private void ReopenConfirmations()
    {
        foreach (var w in _state.Pending.Values.OrderBy(p => p.At))
        {
            var kind = Enum.Parse<CredentialKind>(w.CredentialKind);
            var credential = new Credential(kind, w.Who, w.Reference, w.Reference is { } r ? SecretOf(r) : null, w.SignerDer is { } s ? Certificate.FromDer(s) : null);
            var exchange = new Exchange(CmpMessage.Decode(w.RequestDer), credential, _ => { }, w.Origin);
            AwaitConfirmation(new Open(exchange, Certificate.FromDer(w.CertificateDer), w.IssuerCertificateDer, w.ResponseNonce, w.Holder, w.CertReqId, w.FromUpstream, w.At));
        }
    }

    // A certConf later than the domain's confirmWaitTime: the certificate is revoked (it was never confirmed, RFC 4210 §5.3.18) and
    // the confirmation refused with certRevoked. An upstream's certificate is the upstream's to revoke on its own timeout.
    private bool Expired(CmpMessage m, Open open, Action<object> reply)
    {
        var deadline = open.Since.Add(_settings.ConfirmWaitTime);
        if (_clock.Now <= deadline) return false;
        var x = open.Exchange;
        _open.Remove(m.Header.TransactionHex);
        var serial = open.Issued.SerialNumber.Hex;
        Refuse(m, x.Credential, new Refusal(CmpFailure.CertRevoked,
            $"certConf for certificate {serial} came after the confirmation deadline {deadline} ({_settings.ConfirmWaitTime} after it was sent); {(open.FromUpstream ? "the upstream decides on it" : "the certificate is revoked")}"),
            x.Credential.Who, m.BodyName, reply, closes: true);
        if (!open.FromUpstream)
            SendWork(_ca, new RevokeCertificate(serial, Twin.Pki.Revocation.RevocationReason.CessationOfOperation, Id.Value), "revoke");
        return true;
    }
}

using Twin.Actors.Clock;
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
            var exchange = new Exchange(CmpMessage.Decode(w.RequestDer), CredentialOf(w), _ => { }, w.Origin);
            AwaitConfirmation(new Open(exchange, Certificate.FromDer(w.CertificateDer), w.IssuerCertificateDer, w.ResponseNonce, w.Holder, w.CertReqId, w.FromUpstream, w.At));
        }
    }

    private Credential CredentialOf(ConfirmationAwaited w) =>
        new(Enum.Parse<CredentialKind>(w.CredentialKind), w.Who, w.Reference, w.Reference is { } r ? SecretOf(r) : null, w.SignerDer is { } s ? Certificate.FromDer(s) : null);

    private static string DeadlineKey(string transaction) => "confirm:" + transaction;

    private SimInstant DeadlineOf(Open open) => open.Since.Add(_settings.ConfirmWaitTime);

    // The clock wakes the registrar at the deadline of every certificate it sends unconfirmed (RFC 9483 §4.1.1 confirmWaitTime).
    private void ScheduleDeadline(Open open) =>
        WakeAt(DeadlineOf(open), new ConfirmationDue(open.Exchange.Transaction, open.Since), DeadlineKey(open.Exchange.Transaction));

    // No certConf by the deadline: the certificate was never accepted, so the CA revokes it now, at the deadline, rather than when
    // (or if) a late certConf turns up. The decision closes the wait in the journal. An upstream's certificate is the upstream's to
    // revoke on its own timeout: the wait is closed, nothing revoked.
    private void OnConfirmationDue(ConfirmationDue due)
    {
        if (!_open.TryGetValue(due.Transaction, out var open) || open.Since != due.Since) return; // confirmed, rejected or replaced meanwhile
        _open.Remove(due.Transaction);
        var serial = open.Issued.SerialNumber.Hex;
        var x = open.Exchange;
        var reason = $"no certConf for certificate {serial} by the confirmation deadline {DeadlineOf(open)} ({_settings.ConfirmWaitTime} after it was sent); "
            + (open.FromUpstream ? "the upstream decides on it" : "revoking it (RFC 9483 §4.1.1)");
        Decide(x.Credential.Who, "certConf", open.FromUpstream ? RegistrarDecided.Refused : RegistrarDecided.Revoked, reason, due.Transaction, [], () => { }, CmpFailure.CertRevoked, closes: true);
        if (!open.FromUpstream)
            SendWork(_ca, new RevokeCertificate(serial, Twin.Pki.Revocation.RevocationReason.CessationOfOperation, Id.Value), "revoke");
    }

    // A certConf for a transaction whose wait ran out: refused with certRevoked (the certificate was revoked at the deadline).
    private bool Lapsed(CmpMessage m, Action<object> reply)
    {
        // Known from the journal's decision at the deadline, so a restart in between changes nothing (RegistrarState.Lapsed).
        if (_state.Lapsed is null || !_state.Lapsed.TryGetValue(m.Header.TransactionHex, out var lapsed)) return false; // null: a snapshot from before it existed
        var credential = CredentialOf(lapsed);
        var serial = Certificate.FromDer(lapsed.CertificateDer).SerialNumber.Hex;
        // Answered protected as the request was (the same secret or the registrar's signature), like any other answer in the transaction.
        Refuse(m, credential, new Refusal(CmpFailure.CertRevoked, $"certConf for certificate {serial} came after the confirmation deadline {lapsed.At.Add(_settings.ConfirmWaitTime)}; the certificate was revoked then."),
            credential.Who, m.BodyName, reply);
        return true;
    }

    // Whether certConf m comes from whoever made the request it confirms, protected the same way (RFC 9483 §4.1.1): with the
    // requester's secret — checked with the transaction's key when m carries the request's PBMParameter, else with one derived for m's
    // own, which then protects the answer — or with the requester's signature. The credential to answer with, or null when it does not.
    private static Credential? ProtectedLike(Credential credential, CmpMessage m) =>
        credential.Secret is { } secret
            ? m.VerifyMac(credential.MacKey, secret) is { } key ? credential with { MacKey = key } : null
            : m.Protection == CmpProtectionKind.Signature && credential.Certificate is { } signer && m.VerifySignature(signer.PublicKey) ? credential : null;

    // The requester's certConf again for a transaction whose certConf the upstream already answered with pkiConf, relayed and journaled:
    // the requester never heard the pkiConf (the registrar stopped before it went out, or it was lost on the way). RFC 9483 §3.5, §4.1.1
    // want a retransmitted certConf answered with pkiConf: it goes upstream again with the same transactionID — the upstream confirms
    // or answers as for a repeat — and its answer is relayed, nothing decided twice. A certConf that is not the requester's, or names
    // another certificate, is refused as before.
    private bool ConfirmedUpstream(CmpMessage m, Action<object> reply)
    {
        if (_settings.Upstream is null || _state.Settled is null || !_state.Settled.TryGetValue(m.Header.TransactionHex, out var settled)) return false;
        if (ProtectedLike(CredentialOf(settled), m) is not { } credential || m.Header.RecipNonce is not { } nonce || !nonce.AsSpan().SequenceEqual(settled.ResponseNonce)) return false;
        var issued = Certificate.FromDer(settled.CertificateDer);
        if (!m.Confirmations().Any(s => s.CertReqId == settled.CertReqId && s.CertHash.AsSpan().SequenceEqual(CertHash.Of(issued, s.HashAlgorithmOid)))) return false;
        var exchange = new Exchange(CmpMessage.Decode(settled.RequestDer), credential, reply, settled.Origin) { Repeat = true };
        _repeating.Add(m.Header.TransactionHex); // a refusal on the way (the upstream unreachable) is a reply only
        ForwardConfirmation(m, new Open(exchange, issued, settled.IssuerCertificateDer, settled.ResponseNonce, settled.Holder, settled.CertReqId, true, settled.At), reply);
        return true;
    }

    // The requester's certConf again for a transaction whose certConf this registrar already decided (in CA mode): the requester never
    // heard the pkiConf (lost on the way, or the registrar stopped before it went out). RFC 9483 §3.5, §4.1.1 want a retransmitted
    // certConf answered with pkiConf: answered again, protected as the request was, journaling nothing — the certificate was confirmed
    // (or rejected and revoked) once. A certConf that is not the requester's, does not echo the nonce, names another certificate or
    // turns the verdict around is refused with the failure the first certConf would have had.
    private bool ConfirmedHere(CmpMessage m, string who, Action<object> reply)
    {
        if (_state.Concluded is null || !_state.Concluded.TryGetValue(m.Header.TransactionHex, out var concluded)) return false;
        if (ProtectedLike(CredentialOf(concluded.Wait), m) is not { } credential)
        {
            Refuse(m, null, new Refusal(CmpFailure.BadMessageCheck, "certConf is not protected like the request it confirms."), who, m.BodyName, reply);
            return true;
        }
        if (m.Header.RecipNonce is not { } nonce || !nonce.AsSpan().SequenceEqual(concluded.Wait.ResponseNonce))
        {
            Refuse(m, credential, new Refusal(CmpFailure.BadRecipientNonce, "recipNonce is not the senderNonce of the response it confirms."), credential.Who, m.BodyName, reply);
            return true;
        }
        var issued = Certificate.FromDer(concluded.Wait.CertificateDer);
        var status = m.Confirmations().FirstOrDefault(s => s.CertReqId == concluded.Wait.CertReqId);
        if (status is null || !status.CertHash.AsSpan().SequenceEqual(CertHash.Of(issued, status.HashAlgorithmOid)))
        {
            Refuse(m, credential, new Refusal(CmpFailure.BadCertId, "certConf names no certificate of this transaction (certHash or certReqId differ)."), credential.Who, m.BodyName, reply);
            return true;
        }
        if (status.Accepted != concluded.Accepted)
        {
            var was = concluded.Accepted ? "confirmed" : "rejected (and revoked)";
            Refuse(m, credential, new Refusal(CmpFailure.BadRequest, $"certificate {issued.SerialNumber.Hex} of transaction {m.Header.TransactionHex} was already {was}; a repeated certConf cannot change that (RFC 9483 §4.1.1)."),
                credential.Who, m.BodyName, reply);
            return true;
        }
        reply(new CmpReply(CmpReplies.Confirmation(m, SenderFor(m, credential)), false));
        return true;
    }

    // A certConf later than the deadline while the wake-up has not been handled yet (both at one instant, or the wake still on its
    // way): the same outcome as at the deadline, and the confirmation refused with certRevoked.
    private bool Expired(CmpMessage m, Open open, Action<object> reply)
    {
        var deadline = DeadlineOf(open);
        if (_clock.Now <= deadline) return false;
        var x = open.Exchange;
        _open.Remove(m.Header.TransactionHex);
        CancelWake(DeadlineKey(m.Header.TransactionHex));
        var serial = open.Issued.SerialNumber.Hex;
        Refuse(m, x.Credential, new Refusal(CmpFailure.CertRevoked,
            $"certConf for certificate {serial} came after the confirmation deadline {deadline} ({_settings.ConfirmWaitTime} after it was sent); {(open.FromUpstream ? "the upstream decides on it" : "the certificate is revoked")}"),
            x.Credential.Who, m.BodyName, reply, closes: true);
        if (!open.FromUpstream)
            SendWork(_ca, new RevokeCertificate(serial, Twin.Pki.Revocation.RevocationReason.CessationOfOperation, Id.Value), "revoke");
        return true;
    }

    /// <summary>The clock's wake-up at the confirmation deadline of the certificate sent in <paramref name="Transaction"/> at <paramref name="Since"/>.</summary>
    public sealed record ConfirmationDue(string Transaction, SimInstant Since);
}

using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;

namespace Twin.Actors.Entities.Registrar;

public sealed partial class RegistrarActor
{
    // A certificate sent and not yet confirmed (RFC 9483 §4.1.1: certConf, then pkiConf), by transactionID.
    // Journaled as ConfirmationAwaited when sent, so a restarted registrar still accepts the certConf (RegistrarActor.Confirmations.cs).
    private sealed record Open(Exchange Exchange, Certificate Issued, byte[]? IssuerDer, byte[] OurNonce, EntityId Holder, int CertReqId, bool FromUpstream, SimInstant Since);

    // Certificates sent and not confirmed yet, bounded: a requester that never confirms cannot fill the registrar's memory.
    private const int MaxOpen = 10_000;
    private readonly Dictionary<string, Open> _open = new(StringComparer.Ordinal);
    private readonly Queue<string> _openOrder = new();
    // Transactions with a request at the CA or the upstream right now.
    private readonly HashSet<string> _busy = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reserved = new(StringComparer.Ordinal);

    private void AwaitConfirmation(Open open)
    {
        var tid = open.Exchange.Transaction;
        _open[tid] = open;
        _openOrder.Enqueue(tid);
        ScheduleDeadline(open);
        while (_open.Count > MaxOpen && _openOrder.TryDequeue(out var oldest)) _open.Remove(oldest);
    }

    private void Enroll(Exchange x)
    {
        var m = x.Request;
        var (template, notFound) = RegistrarPolicy.TemplateFor(_settings, m.Header.CertProfile);
        if (template is null) { Refuse(m, x.Credential, notFound!, x.Credential.Who, m.BodyName, x.Reply); return; }
        if (m.BodyType == CmpBodyType.Cr && x.Credential.Kind != CredentialKind.DomainCertificate
            || m.BodyType == CmpBodyType.Kur && x.Credential.Kind != CredentialKind.DomainCertificate)
        {
            Refuse(m, x.Credential, new Refusal(CmpFailure.NotAuthorized, $"{m.BodyName} must be signed with a certificate of domain '{_settings.Domain}' (RFC 9483 §4.1.2, §4.1.3)."), x.Credential.Who, m.BodyName, x.Reply);
            return;
        }
        object command;
        string subject;
        if (m.BodyType == CmpBodyType.P10cr)
        {
            var csr = m.P10Request();
            subject = csr.Subject;
            if (RegistrarPolicy.CheckRequest(_settings, template, subject, csr.PublicKey, csr.IsSignatureValid, "the PKCS#10 signature does not verify") is { } bad)
            { Refuse(m, x.Credential, bad, x.Credential.Who, m.BodyName, x.Reply); return; }
            command = new IssueFromCsr(HolderFor(x.Origin, x.Credential, subject), csr.GetDer(), template.Profile, template.Lifetime) { FirstSentAt = x.FirstSentAt };
        }
        else
        {
            var requests = m.CertRequests();
            if (requests.Count != 1)
            { Refuse(m, x.Credential, new Refusal(CmpFailure.BadRequest, $"{requests.Count} CertReqMsgs: the Lightweight CMP Profile allows exactly one (RFC 9483 §4.1.1)."), x.Credential.Who, m.BodyName, x.Reply); return; }
            var r = requests[0];
            // kur may leave the subject out: the old certificate's subject is kept (RFC 9483 §4.1.3).
            subject = r.Subject ?? (m.BodyType == CmpBodyType.Kur ? x.Credential.Certificate!.Subject : "");
            if (m.BodyType == CmpBodyType.Kur && r.PublicKey is { } newKey && newKey.Equals(x.Credential.Certificate!.PublicKey))
            { Refuse(m, x.Credential, new Refusal(CmpFailure.BadCertTemplate, "kur must certify a new key (RFC 9483 §4.1.3)."), x.Credential.Who, m.BodyName, x.Reply); return; }
            if (RegistrarPolicy.CheckRequest(_settings, template, subject, r.PublicKey, r.PopVerified, r.PopProblem) is { } bad)
            { Refuse(m, x.Credential, bad, x.Credential.Who, m.BodyName, x.Reply); return; }
            command = new IssueFromTemplate(HolderFor(x.Origin, x.Credential, subject), subject, r.PublicKey!.SubjectPublicKeyInfo, r.UriNames, r.DnsNames, template.Profile, template.Lifetime)
                { FirstSentAt = x.FirstSentAt };
        }
        if (x.Credential.Reference is { } reference) _reserved.Add(reference);
        _busy.Add(x.Transaction); // the transaction is in use from here on
        AskCa(x, command, Issued);
    }

    private bool Issued(Exchange x, object answer)
    {
        var m = x.Request;
        _busy.Remove(x.Transaction);
        if (x.Credential.Reference is { } reference) _reserved.Remove(reference);
        if (x.Repeat && answer is CertificateGranted again)
        {
            _repeating.Remove(x.Transaction);
            x.Reply(new CmpReply(CertificateReply(x, again, Certificate.FromDer(again.CertificateDer), out _), false)); // decided before: nothing journaled
            return true;
        }
        if (answer is not CertificateGranted granted)
        {
            var why = answer is CertificateRefused r ? r.Reason : $"unexpected answer {answer.GetType().Name}";
            Refuse(m, x.Credential, new Refusal(why.Contains("unreachable", StringComparison.Ordinal) || why.Contains("did not answer", StringComparison.Ordinal) ? CmpFailure.SystemUnavail : CmpFailure.BadCertTemplate,
                $"the CA refused: {why}"), x.Credential.Who, m.BodyName, x.Reply);
            return false;
        }
        var issued = Certificate.FromDer(granted.CertificateDer);
        var holder = HolderFor(x.Origin, x.Credential, issued.Subject);
        if (AnswerOnPool(x, granted, issued) is { } signing)
        {
            // From outside, implicitly confirmed: the answer is signed on the thread pool while the decision is written.
            Decide(x.Credential.Who, m.BodyName, RegistrarDecided.Granted,
                $"{CmpMessage.NameOf(CmpReplies.ResponseTo(m.BodyType))} with certificate {issued.SerialNumber.Hex} for '{issued.Subject}' (holder {holder}), implicitly confirmed", x.Transaction,
                Enrolled(x, holder, issued, granted.IssuerCertificateDer), () => ReplyWhenSigned(signing, x.Reply), reference: x.Credential.Reference, requestDigest: DigestOf(m));
            return true;
        }
        var der = CertificateReply(x, granted, issued, out var implicitConfirm);
        var reason = $"{CmpMessage.NameOf(CmpReplies.ResponseTo(m.BodyType))} with certificate {issued.SerialNumber.Hex} for '{issued.Subject}' (holder {holder}){(implicitConfirm ? ", implicitly confirmed" : ", awaiting certConf")}";
        var open = implicitConfirm ? null : new Open(x, issued, granted.IssuerCertificateDer, CmpMessage.Decode(der).Header.SenderNonce!, holder, 0, false, _clock.Now);
        var consequences = open is null ? Enrolled(x, holder, issued, granted.IssuerCertificateDer) : [Awaiting(open)];
        Decide(x.Credential.Who, m.BodyName, RegistrarDecided.Granted, reason, x.Transaction, consequences, () =>
        {
            if (open is not null) AwaitConfirmation(open);
            x.Reply(new CmpReply(der, false));
        }, reference: x.Credential.Reference, requestDigest: DigestOf(m));
        return true;
    }

    private byte[] CertificateReply(Exchange x, CertificateGranted granted, Certificate issued, out bool implicitConfirm)
    {
        implicitConfirm = x.Request.Header.ImplicitConfirm && _settings.GrantImplicitConfirm;
        return CertificateReplyMaker(x, granted, issued, implicitConfirm)();
    }

    // Everything the answer reads is taken here, on the actor; the function signs and encodes it, on any thread.
    private Func<byte[]> CertificateReplyMaker(Exchange x, CertificateGranted granted, Certificate issued, bool implicitConfirm)
    {
        var m = x.Request;
        // RFC 9483 §4.1.1: caPubs only with MAC protection (the requester has no trust anchor yet).
        var caPubs = x.Credential.Kind == CredentialKind.Secret ? OwnChain().Where(c => c.IsSelfSigned).ToList() : [];
        var sender = SenderFor(m, x.Credential);
        var extra = ExtraCertsFor(granted.IssuerCertificateDer);
        return () => CmpReplies.Certificate(m, sender, 0, issued, caPubs, implicitConfirm, extra);
    }

    // Certificates enrolled from outside become entities of the twin; a twin entity that asked in process journals its own installation.
    private List<Protocol.ITwinEvent> Enrolled(Exchange x, EntityId holder, Certificate issued, byte[]? issuerDer) =>
        x.Origin.StartsWith("entity:", StringComparison.Ordinal)
            ? []
            : [new DomainCertificateEnrolled(_run, _clock.Now, Id, holder, _settings.Domain, x.Request.BodyName, issued.GetDer(), issuerDer)];

    private void Confirm(CmpMessage m, string origin, Action<object> reply)
    {
        var who = $"unauthenticated:{origin}";
        if (!_open.TryGetValue(m.Header.TransactionHex, out var open))
        {
            if (Lapsed(m, reply) || ConfirmedUpstream(m, reply) || ConfirmedHere(m, who, reply)) return;
            Refuse(m, null, new Refusal(CmpFailure.BadRequest, $"no certificate of transaction {m.Header.TransactionHex} awaits confirmation."), who, m.BodyName, reply);
            return;
        }
        var x = open.Exchange;
        // The confirmation must come from whoever made the request, protected the same way (RFC 9483 §4.1.1).
        if (ProtectedLike(x.Credential, m) is null)
        {
            Refuse(m, null, new Refusal(CmpFailure.BadMessageCheck, "certConf is not protected like the request it confirms."), who, m.BodyName, reply);
            return;
        }
        if (m.Header.RecipNonce is not { } nonce || !nonce.AsSpan().SequenceEqual(open.OurNonce))
        {
            Refuse(m, x.Credential, new Refusal(CmpFailure.BadRecipientNonce, "recipNonce is not the senderNonce of the response it confirms."), x.Credential.Who, m.BodyName, reply);
            return;
        }
        if (Expired(m, open, reply)) return;
        if (open.FromUpstream)
        {
            ForwardConfirmation(m, open, reply);
            return;
        }
        var status = m.Confirmations().FirstOrDefault(s => s.CertReqId == open.CertReqId);
        if (status is null || !status.CertHash.AsSpan().SequenceEqual(CertHash.Of(open.Issued, status.HashAlgorithmOid)))
        {
            Refuse(m, x.Credential, new Refusal(CmpFailure.BadCertId, "certConf names no certificate of this transaction (certHash or certReqId differ)."), x.Credential.Who, m.BodyName, reply);
            return;
        }
        _open.Remove(m.Header.TransactionHex);
        CancelWake(DeadlineKey(m.Header.TransactionHex));
        var der = CmpReplies.Confirmation(m, SenderFor(m, x.Credential));
        if (status.Accepted)
        {
            Decide(x.Credential.Who, m.BodyName, RegistrarDecided.Confirmed, $"certificate {open.Issued.SerialNumber.Hex} confirmed; {open.Holder} holds it", m.Header.TransactionHex,
                Enrolled(x, open.Holder, open.Issued, open.IssuerDer), () => reply(new CmpReply(der, false)), closes: true);
            return;
        }
        // A certificate the requester rejects must not stay valid: the CA revokes it (RFC 9483 §4.1.1).
        Decide(x.Credential.Who, m.BodyName, RegistrarDecided.Rejected, $"the requester rejected certificate {open.Issued.SerialNumber.Hex}: {status.Reason ?? "no reason given"}; revoking it", m.Header.TransactionHex,
            [], () => reply(new CmpReply(der, false)), closes: true);
        SendWork(_ca, new RevokeCertificate(open.Issued.SerialNumber.Hex, Twin.Pki.Revocation.RevocationReason.CessationOfOperation, Id.Value), "revoke");
    }

    // The registrar's chain, and the issuing CA's certificate when the CA has a newer key than the chain holds (a rollover or migration).
    private List<Certificate> ExtraCertsFor(byte[]? issuerDer)
    {
        var chain = OwnChain().ToList();
        if (issuerDer is not null && !chain.Any(c => c.GetDer().AsSpan().SequenceEqual(issuerDer))) chain.Insert(0, Certificate.FromDer(issuerDer));
        return chain;
    }
}

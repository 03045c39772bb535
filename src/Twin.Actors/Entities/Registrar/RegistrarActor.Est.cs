using Akka.Actor;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;

namespace Twin.Actors.Entities.Registrar;

public sealed partial class RegistrarActor
{
    // The CA's answer to an EST issuance: who asked, how to answer them.
    private sealed record EstCaAnswered(EstEnrollRequest Request, Credential Credential, EntityId Holder, object Answer, Action<object> Reply, long Incarnation);

    // The verdict on an EST request from outside the twin, judged on the thread pool: the request, its parsed parts, and a refusal or the credential.
    private sealed record EstJudged(EstEnrollRequest Request, CertificationRequest Csr, EstVerdict Verdict, Action<object> Reply, long? Incarnation = null);

    // What judging an EST request found: the client's credential, or who was refused, with what status, reason and failure.
    private sealed record EstVerdict(Credential? Credential, string Who, int Status, string? Reason, CmpFailure Failure);

    // EST into an operator domain: the same client judgement, template and issuing CA as CMP (or, in RA mode, the upstream), and the same audit trail.
    private void HandleEst(EstEnrollRequest command)
    {
        if (!_state.IsReady)
        {
            HoldCurrent(); // decided once the registrar holds its certificate and chain (its trust anchors)
            return;
        }
        var reply = ReplyChannel();
        var what = "est:" + command.Operation;
        var who = $"unauthenticated:{command.Origin}";
        if (command.ClientCertificateDer is null)
        {
            RefuseEst(who, what, 401, "no TLS client certificate was presented (RFC 7030 §3.3.2).", CmpFailure.SignerNotTrusted, reply);
            return;
        }
        Certificate client;
        CertificationRequest csr;
        try
        {
            client = Certificate.FromDer(command.ClientCertificateDer);
            csr = CertificationRequest.FromDer(command.CsrDer);
        }
        catch (PkiException e)
        {
            RefuseEst(who, what, 400, e.Message, CmpFailure.BadDataFormat, reply);
            return;
        }
        // Everything the judgement reads is taken here, on the actor; the judgement itself (path validation of the client certificate, the
        // PKCS#10 signature) reads nothing else.
        var settings = WithManufacturers();
        var template = _settings.Templates[0];
        var now = _clock.Now;
        var trust = Trust();
        if (command.Origin.StartsWith("entity:", StringComparison.Ordinal))
        {
            // A twin entity's request is judged in place: seeded runs depend on the order the registrar's events come in.
            ContinueEst(new EstJudged(command, csr, JudgeEst(settings, template, client, csr, command.Operation, now, trust), reply));
            return;
        }
        // From outside the twin: judged on the thread pool, so requests arriving together are checked in parallel while the registrar
        // goes on serving; the outcome comes back to the actor, which alone decides and journals.
        var incarnation = BeginAway(CheckLabel);
        Task.Run(() => JudgeEst(settings, template, client, csr, command.Operation, now, trust)).PipeTo(Self,
            success: verdict => new EstJudged(command, csr, verdict, reply, incarnation),
            failure: e => new EstJudged(command, csr, new EstVerdict(null, $"cert:{client.Subject}#{client.SerialNumber.Hex}", 400, e.Message, CmpFailure.BadDataFormat), reply, incarnation));
    }

    private void OnEstJudged(EstJudged judged)
    {
        if (Returned(CheckLabel, judged.Incarnation!.Value)) ContinueEst(judged);
    }

    // Pure: the client, the operation and the request against the domain's settings, trust and template at one instant.
    private static EstVerdict JudgeEst(RegistrarSettings settings, DomainTemplate template, Certificate client, CertificationRequest csr, string operation, Clock.SimInstant now, DomainTrust trust)
    {
        var (credential, refusal) = RegistrarPolicy.AuthenticateCertificate(settings, client, [], now, trust, "TLS client certificate");
        if (credential is null) return new EstVerdict(null, $"cert:{client.Subject}#{client.SerialNumber.Hex}", 403, refusal!.Reason, refusal.Failure);
        if (operation == "simplereenroll" && credential.Kind != CredentialKind.DomainCertificate)
            return new EstVerdict(null, credential.Who, 403, $"simplereenroll needs a certificate of domain '{settings.Domain}' (RFC 7030 §4.2.2).", CmpFailure.NotAuthorized);
        if (operation == "simplereenroll" && DistinguishedNames.Normalize(csr.Subject) != client.Subject)
            return new EstVerdict(null, credential.Who, 400, $"simplereenroll keeps the subject of the certificate being renewed ('{client.Subject}'), not '{csr.Subject}' (RFC 7030 §4.2.2).", CmpFailure.BadCertTemplate);
        if (RegistrarPolicy.CheckRequest(settings, template, csr.Subject, csr.PublicKey, csr.IsSignatureValid, "the PKCS#10 signature does not verify") is { } bad)
            return new EstVerdict(null, credential.Who, 400, bad.Reason, bad.Failure);
        return new EstVerdict(credential, credential.Who, 200, null, CmpFailure.BadRequest);
    }

    private void ContinueEst(EstJudged judged)
    {
        var (command, csr, verdict, reply, _) = judged;
        var what = "est:" + command.Operation;
        if (verdict.Credential is not { } credential)
        {
            RefuseEst(verdict.Who, what, verdict.Status, verdict.Reason!, verdict.Failure, reply);
            return;
        }
        var template = _settings.Templates[0];
        if (_settings.Mode == RegistrarMode.Ra)
        {
            ForwardEst(command, credential, csr, reply); // EST in, CMP out
            return;
        }
        var holder = HolderFor($"est:{command.Origin}", credential, csr.Subject);
        var incarnation = BeginAway(CaLabel); // until the answer is handled, max mode must not move time
        // The PKCS#10 signature (the POP) was verified above: the CA certifies the checked key, subject and names without verifying
        // it again (as for CRMF). Only IP addresses travel solely in a PKCS#10.
        object issue = csr.RequestedIpAddresses.Count > 0
            ? new IssueFromCsr(holder, csr.GetDer(), template.Profile, template.Lifetime)
            : new IssueFromTemplate(holder, csr.Subject, csr.PublicKey.SubjectPublicKeyInfo, csr.RequestedUris, csr.RequestedDnsNames, template.Profile, template.Lifetime);
        _ca.Ask<object>(issue, CaTimeout).PipeTo(Self,
            success: answer => new EstCaAnswered(command, credential, holder, answer, reply, incarnation),
            failure: e => new EstCaAnswered(command, credential, holder, new CertificateRefused($"the CA did not answer: {e.Message}"), reply, incarnation));
    }

    private void OnEstCaAnswered(EstCaAnswered answered)
    {
        if (!Returned(CaLabel, answered.Incarnation, afterStored: true)) return;
        try
        {
            var what = "est:" + answered.Request.Operation;
            if (answered.Answer is not CertificateGranted granted)
            {
                var why = answered.Answer is CertificateRefused r ? r.Reason : $"unexpected answer {answered.Answer.GetType().Name}";
                RefuseEst(answered.Credential.Who, what, 503, $"the CA refused: {why}", CmpFailure.SystemUnavail, answered.Reply);
                return;
            }
            var issued = Certificate.FromDer(granted.CertificateDer);
            var holder = HolderFor($"est:{answered.Request.Origin}", answered.Credential, issued.Subject);
            var enrolled = new DomainCertificateEnrolled(_run, _clock.Now, Id, holder, _settings.Domain, what, issued.GetDer(), granted.IssuerCertificateDer);
            Decide(answered.Credential.Who, what, RegistrarDecided.Granted, $"certificate {issued.SerialNumber.Hex} for '{issued.Subject}' (holder {holder}, template '{_settings.Templates[0].Name}')",
                "", [enrolled], () => answered.Reply(new EstDecision(200, "issued", issued.GetDer(), _state.ChainDer, holder)));
        }
        finally
        {
            DoneWhenStored(CaLabel); // after the events the answer led to are stored
        }
    }

    private void RefuseEst(string who, string what, int status, string reason, CmpFailure failure, Action<object> reply) =>
        Decide(who, what, RegistrarDecided.Refused, reason, "", [], () => reply(new EstDecision(status, reason, null, [])), failure);
}

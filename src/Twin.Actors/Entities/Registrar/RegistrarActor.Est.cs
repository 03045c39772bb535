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
    private sealed record EstCaAnswered(EstEnrollRequest Request, Credential Credential, EntityId Holder, object Answer, Action<object> Reply);

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
        var (credential, refusal) = RegistrarPolicy.AuthenticateCertificate(WithManufacturers(), client, [], _clock.Now, Trust(), "TLS client certificate");
        if (credential is null)
        {
            RefuseEst($"cert:{client.Subject}#{client.SerialNumber.Hex}", what, 403, refusal!.Reason, refusal.Failure, reply);
            return;
        }
        if (command.Operation == "simplereenroll" && credential.Kind != CredentialKind.DomainCertificate)
        {
            RefuseEst(credential.Who, what, 403, $"simplereenroll needs a certificate of domain '{_settings.Domain}' (RFC 7030 §4.2.2).", CmpFailure.NotAuthorized, reply);
            return;
        }
        if (command.Operation == "simplereenroll" && DistinguishedNames.Normalize(csr.Subject) != client.Subject)
        {
            RefuseEst(credential.Who, what, 400, $"simplereenroll keeps the subject of the certificate being renewed ('{client.Subject}'), not '{csr.Subject}' (RFC 7030 §4.2.2).", CmpFailure.BadCertTemplate, reply);
            return;
        }
        var template = _settings.Templates[0];
        if (RegistrarPolicy.CheckRequest(_settings, template, csr.Subject, csr.PublicKey, csr.IsSignatureValid, "the PKCS#10 signature does not verify") is { } bad)
        {
            RefuseEst(credential.Who, what, 400, bad.Reason, bad.Failure, reply);
            return;
        }
        if (_settings.Mode == RegistrarMode.Ra)
        {
            ForwardEst(command, credential, csr, reply); // EST in, CMP out
            return;
        }
        var holder = HolderFor($"est:{command.Origin}", credential, csr.Subject);
        Work.Begin("registrar-ca"); // until the answer is handled, max mode must not move time
        // The PKCS#10 signature (the POP) was verified above: the CA certifies the checked key, subject and names without verifying
        // it again (as for CRMF). Only IP addresses travel solely in a PKCS#10.
        object issue = csr.RequestedIpAddresses.Count > 0
            ? new IssueFromCsr(holder, csr.GetDer(), template.Profile, template.Lifetime)
            : new IssueFromTemplate(holder, csr.Subject, csr.PublicKey.SubjectPublicKeyInfo, csr.RequestedUris, csr.RequestedDnsNames, template.Profile, template.Lifetime);
        _ca.Ask<object>(issue, CaTimeout).PipeTo(Self,
            success: answer => new EstCaAnswered(command, credential, holder, answer, reply),
            failure: e => new EstCaAnswered(command, credential, holder, new CertificateRefused($"the CA did not answer: {e.Message}"), reply));
    }

    private void OnEstCaAnswered(EstCaAnswered answered)
    {
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
            DeferAsync("registrar-ca", label => Work.Done(label)); // after the events the answer led to are stored
        }
    }

    private void RefuseEst(string who, string what, int status, string reason, CmpFailure failure, Action<object> reply) =>
        Decide(who, what, RegistrarDecided.Refused, reason, "", [], () => reply(new EstDecision(status, reason, null, [])), failure);
}

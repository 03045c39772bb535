using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;

namespace Twin.Actors.Entities.Registrar;

public sealed partial class RegistrarActor
{
    // An EST enrollment on its way through the upstream CA: judged here, then sent on as a p10cr signed with the registrar's own certificate.
    private sealed record EstForward(EstEnrollRequest Request, Credential Credential, CertificationRequest Csr, Action<object> Reply)
    {
        public string What => "est:" + Request.Operation;
    }

    // The upstream's answer to what was sent (Sent); Confirming is the certificate a certConf was about, Rejection why it was rejected.
    private sealed record EstUpstreamAnswered(EstForward Forward, CmpOutgoing Sent, byte[]? Der, string? Error, Certificate? Confirming, string? Rejection)
    {
        public long Incarnation { get; init; } // which start of the registrar awaits the answer (RegistrarActor.Answers.cs)

        public long Ticket { get; init; } // which of its EST exchanges upstream (RegistrarActor.Handover.cs)
    }

    // RA mode, EST in and CMP out (RFC 9483 §5.2): the client, the request and the template were checked like in CA mode; the
    // upstream gets the client's PKCS#10 unchanged in a p10cr (its signature is the POP), protected with the registrar's signature.
    private void ForwardEst(EstEnrollRequest command, Credential credential, CertificationRequest csr, Action<object> reply)
    {
        var forward = new EstForward(command, credential, csr, reply);
        // The exchange's number names its randomness (with the request): the EST requests decided before it, which the journal gives a
        // restarted registrar again, and those upstream now, which a start stopped alone hands to the next — so a restarted registrar
        // draws what the uninterrupted one would. (Counted per start, it began at 1 again after every restart.)
        var exchange = _state.EstDecided + _estInFlight.Count + 1;
        var random = _entropy.For(Id, "est-upstream", $"{Convert.ToHexStringLower(SHA256.HashData(command.CsrDer))}/{exchange}");
        var p10 = CmpRequests.P10(RaSender(random), _settings.Upstream!.Recipient, csr.GetDer(), implicitConfirm: true);
        SendEst(forward, p10, null, null);
    }

    private CmpSender RaSender(Twin.Pki.Keys.PkiRandom random) =>
        new(_settings.Subject, CmpProtector.Signature(_key!, _state.Certificate!, _state.ChainDer.Select(d => Certificate.FromDer(d)), random), _clock.Now.Utc, random);

    private void SendEst(EstForward forward, CmpOutgoing sent, Certificate? confirming, string? rejection)
    {
        var upstream = _settings.Upstream!;
        BeginAway(UpstreamLabel); // until the answer is handled, max mode must not move time; handed to the next start at a stop
        AwaitEstUpstream(new EstInFlight(forward, sent, confirming, rejection, _transport.ExchangeAsync(upstream.Url, sent.Der, CancellationToken.None)));
    }

    private void OnEstUpstreamAnswered(EstUpstreamAnswered a)
    {
        if (!Returned(UpstreamLabel, a.Incarnation, afterStored: true)) return;
        _estInFlight.Remove(a.Ticket);
        try
        {
            RelayEst(a);
        }
        catch (Twin.Pki.PkiException e)
        {
            // An answer that decodes but cannot be used (a malformed certificate in it): the client hears why.
            RefuseEst(a.Forward.Credential.Who, a.Forward.What, 502, $"upstream answer unusable: {e.Message}", CmpFailure.SystemFailure, a.Forward.Reply);
        }
        finally
        {
            DoneWhenStored(UpstreamLabel);
        }
    }

    private void RelayEst(EstUpstreamAnswered a)
    {
        var f = a.Forward;
        var upstream = _settings.Upstream!;
        if (a.Error is not null)
        {
            RefuseEst(f.Credential.Who, f.What, 503, $"upstream {upstream.Url} unreachable: {a.Error}", CmpFailure.SystemUnavail, f.Reply);
            return;
        }
        CmpMessage answer;
        try
        {
            answer = CmpMessage.Decode(a.Der!);
        }
        catch (CmpException e)
        {
            RefuseEst(f.Credential.Who, f.What, 502, $"upstream answer malformed: {e.Message}", CmpFailure.SystemFailure, f.Reply);
            return;
        }
        if (UpstreamProblem(answer, a.Sent) is { } problem)
        {
            RefuseEst(f.Credential.Who, f.What, 502, $"upstream answer refused: {problem}", CmpFailure.BadMessageCheck, f.Reply);
            return;
        }
        if (answer.BodyType == CmpBodyType.Error)
        {
            var status = answer.ErrorStatus();
            RefuseEst(f.Credential.Who, f.What, 502, $"upstream refused: {status.Text ?? "no reason given"}", status.Failures.Count > 0 ? status.Failures[0] : CmpFailure.SystemFailure, f.Reply);
            return;
        }
        if (a.Confirming is { } confirmed)
        {
            if (answer.BodyType != CmpBodyType.PkiConf)
            {
                RefuseEst(f.Credential.Who, f.What, 502, $"upstream answered certConf with {answer.BodyName}, not pkiConf.", CmpFailure.SystemFailure, f.Reply);
                return;
            }
            if (a.Rejection is { } rejected) RefuseEst(f.Credential.Who, f.What, 502, $"{rejected}; rejected upstream with certConf.", CmpFailure.BadCertTemplate, f.Reply);
            else GrantEst(f, confirmed, answer);
            return;
        }
        var response = answer.BodyType == CmpBodyType.Cp ? answer.CertResponses() : [];
        if (response is not [{ Certificate: { } issued } only] || !only.Status.Granted)
        {
            var why = response is [{ Status: var s }] ? s.Text ?? $"status {s.Status}" : $"{answer.BodyName} without exactly one certificate";
            RefuseEst(f.Credential.Who, f.What, 502, $"upstream did not issue: {why}", response is [{ Status.Failures: [var first, ..] }] ? first : CmpFailure.SystemFailure, f.Reply);
            return;
        }
        // The RA vouches for the key it checked: a certificate for another key must not reach the client (nor stay valid upstream).
        var mismatch = issued.PublicKey.Equals(f.Csr.PublicKey) ? null
            : $"the upstream certificate {issued.SerialNumber.Hex} ('{issued.Subject}') certifies public key {issued.PublicKey.Fingerprint}, not the requested {f.Csr.PublicKey.Fingerprint}";
        if (answer.Header.ImplicitConfirm)
        {
            if (mismatch is not null) RefuseEst(f.Credential.Who, f.What, 502, $"{mismatch}; the upstream confirmed it implicitly.", CmpFailure.BadCertTemplate, f.Reply);
            else GrantEst(f, issued, answer);
            return;
        }
        var random = _entropy.For(Id, "est-upstream-conf", answer.Header.TransactionHex);
        var certConf = CmpRequests.CertConf(RaSender(random), answer, issued, only.CertReqId, mismatch is null ? null : "public key differs from the request");
        SendEst(f, certConf, issued, mismatch);
    }

    private void GrantEst(EstForward f, Certificate issued, CmpMessage answer)
    {
        var holder = HolderFor($"est:{f.Request.Origin}", f.Credential, issued.Subject);
        var issuer = answer.ExtraCerts.Concat(answer.CaPubs()).FirstOrDefault(c => c.Subject == issued.Issuer && issued.IsSignedBy(c.PublicKey));
        var chain = issuer is null ? new List<byte[]>() : [issuer.GetDer()];
        var enrolled = new DomainCertificateEnrolled(_run, _clock.Now, Id, holder, _settings.Domain, f.What, issued.GetDer(), issuer?.GetDer());
        Decide(f.Credential.Who, f.What, RegistrarDecided.Forwarded,
            $"forwarded as p10cr to {_settings.Upstream!.Url}; certificate {issued.SerialNumber.Hex} for '{issued.Subject}' from '{issued.Issuer}' (holder {holder})",
            answer.Header.TransactionHex, [enrolled], () => f.Reply(new EstDecision(200, "issued", issued.GetDer(), chain, holder)));
    }

    // An upstream answer is authentic when it is MAC-protected with the shared secret, or signed by the configured upstream
    // certificate (or one it issued); it must belong to the transaction and echo the nonce of what was sent (RFC 9483 §3.1).
    private string? UpstreamProblem(CmpMessage answer, CmpOutgoing sent)
    {
        if (!(answer.Header.TransactionId ?? []).AsSpan().SequenceEqual(sent.TransactionId)) return "it belongs to another transaction";
        if (answer.Header.RecipNonce is not { } nonce || !nonce.AsSpan().SequenceEqual(sent.SenderNonce)) return "its recipNonce is not the senderNonce sent";
        return UpstreamProtectionProblem(answer);
    }

    private string? UpstreamProtectionProblem(CmpMessage answer)
    {
        var upstream = _settings.Upstream!;
        switch (answer.Protection)
        {
            case CmpProtectionKind.Mac:
                return answer.VerifyMac(Encoding.UTF8.GetBytes(upstream.Secret)) ? null : "its MAC does not verify with the shared secret";
            case CmpProtectionKind.Signature when upstream.CertificateDer is { } pinnedDer:
                var pinned = Certificate.FromDer(pinnedDer);
                // Without extraCerts (openssl leaves out a self-signed protection certificate) the configured certificate itself must have signed.
                var signer = answer.ProtectionCertificate ?? pinned;
                if (!(signer.Thumbprint == pinned.Thumbprint || (signer.Issuer == pinned.Subject && signer.IsSignedBy(pinned.PublicKey))))
                    return $"it is signed by '{signer.Subject}', neither the configured upstream certificate '{pinned.Subject}' nor one it issued";
                return answer.VerifySignature(signer.PublicKey) ? null : "its signature does not verify";
            case CmpProtectionKind.Signature:
                return "it is signed, and no upstream certificate is configured to check it (domain.upstream.certificate)";
            default:
                return "it is not protected";
        }
    }
}

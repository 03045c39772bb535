using System.Text;
using Akka.Event;
using Akka.Actor;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;

namespace Twin.Actors.Entities.Registrar;

public sealed partial class RegistrarActor
{
    /// <summary>The upstream CA's answer to a forwarded message (null with <paramref name="Error"/> when it could not be reached).</summary>
    private sealed record UpstreamAnswered(Exchange Exchange, byte[]? Der, string? Error, Open? Confirming)
    {
        public long Incarnation { get; init; } // which start of the registrar awaits the answer (RegistrarActor.Answers.cs)

        public long Ticket { get; init; } // which of its messages upstream (RegistrarActor.Handover.cs)
    }

    // RA mode: check what the domain demands locally, then pass the request on with the RA's own protection.
    private void Forward(Exchange x)
    {
        var m = x.Request;
        if (m.BodyType is CmpBodyType.Ir or CmpBodyType.Cr or CmpBodyType.Kur)
        {
            var (template, notFound) = RegistrarPolicy.TemplateFor(_settings, m.Header.CertProfile);
            var requests = m.CertRequests();
            var problem = template is null ? notFound
                : requests.Count != 1 ? new Refusal(CmpFailure.BadRequest, $"{requests.Count} CertReqMsgs: the Lightweight CMP Profile allows exactly one (RFC 9483 §4.1.1).")
                : RegistrarPolicy.CheckRequest(_settings, template, requests[0].Subject ?? x.Credential.Certificate?.Subject, requests[0].PublicKey, requests[0].PopVerified, requests[0].PopProblem);
            if (problem is not null) { Refuse(m, x.Credential, problem, x.Credential.Who, m.BodyName, x.Reply); return; }
        }
        else if (m.BodyType == CmpBodyType.P10cr && !m.P10Request().IsSignatureValid)
        {
            Refuse(m, x.Credential, new Refusal(CmpFailure.BadPop, "the PKCS#10 signature does not verify."), x.Credential.Who, m.BodyName, x.Reply);
            return;
        }
        if (x.Credential.Reference is { } reference) _reserved.Add(reference);
        _busy.Add(x.Transaction);
        Send(x, m, null);
    }

    private void Send(Exchange x, CmpMessage message, Open? confirming)
    {
        var upstream = _settings.Upstream!;
        var random = _entropy.For(Id, "upstream", message.Header.TransactionHex + "/" + message.BodyName);
        var protector = CmpProtector.PasswordBasedMac(Encoding.UTF8.GetBytes(upstream.Reference), Encoding.UTF8.GetBytes(upstream.Secret), random, mac: CmpMacAlgorithm.HmacSha256);
        // A twin entity's retransmission goes upstream as it went the first time: same transactionID, same nonce, same messageTime.
        var sentAt = confirming is null && x.FirstSentAt is { } first ? first : _clock.Now;
        var der = CmpForwarding.Reprotect(message, new CmpSender(_settings.Subject, protector, sentAt.Utc, random), upstream.Recipient);
        BeginAway(UpstreamLabel); // handed to the next start at a stop while the answer is still away (RegistrarActor.Handover.cs)
        AwaitUpstream(new InFlight(x, confirming, _transport.ExchangeAsync(upstream.Url, der, CancellationToken.None)));
    }

    private void OnUpstreamAnswered(UpstreamAnswered a)
    {
        if (!Returned(UpstreamLabel, a.Incarnation, afterStored: true)) return;
        _inFlight.Remove(a.Ticket);
        try
        {
            Relay(a);
        }
        catch (Twin.Pki.PkiException e)
        {
            // An upstream answer that decodes but cannot be used (a malformed body, a v1 certificate): the requester hears why.
            if (a.Confirming is { } c) _open.Remove(c.Exchange.Transaction);
            else _busy.Remove(a.Exchange.Transaction);
            var x = a.Exchange;
            Refuse(x.Request, x.Credential, new Refusal(CmpFailure.SystemFailure, $"upstream answer unusable: {e.Message}"), x.Credential.Who, x.Request.BodyName, a.Confirming?.Exchange.Reply ?? x.Reply, closes: a.Confirming is not null);
        }
        finally
        {
            DoneWhenStored(UpstreamLabel);
        }
    }

    private void Relay(UpstreamAnswered a)
    {
        var x = a.Exchange;
        var asked = a.Confirming is null ? x.Request : null;
        if (a.Confirming is { } answered) _open.Remove(answered.Exchange.Transaction); // whatever the upstream says, the wait is over
        else
        {
            _busy.Remove(x.Transaction);
            if (x.Credential.Reference is { } r) _reserved.Remove(r);
        }
        CmpMessage? answer = null;
        string? problem = a.Error is not null ? $"upstream {_settings.Upstream!.Url} unreachable: {a.Error}" : null;
        if (problem is null)
        {
            try { answer = CmpMessage.Decode(a.Der!); }
            catch (CmpException e) { problem = $"upstream answer malformed: {e.Message}"; }
        }
        if (answer is not null && problem is null && UpstreamProtectionProblem(answer) is { } unprotected)
            problem = $"upstream answer refused: {unprotected}";
        if (answer is not null && problem is null && !(answer.Header.TransactionId ?? []).AsSpan().SequenceEqual(x.Request.Header.TransactionId))
            problem = "upstream answer belongs to another transaction";
        var request = a.Confirming is null ? x.Request : null;
        if (problem is not null)
        {
            if (a.Confirming is { } c) _open.Remove(c.Exchange.Transaction);
            Refuse(request ?? x.Request, x.Credential, new Refusal(CmpFailure.SystemUnavail, problem), x.Credential.Who, (request ?? x.Request).BodyName, x.Reply, closes: a.Confirming is not null);
            return;
        }
        var toRequester = CmpForwarding.Reprotect(answer!, SenderFor(x.Request, x.Credential), x.Request.Header.Sender);
        var refused = answer!.BodyType == CmpBodyType.Error;
        var what = a.Confirming is null ? x.Request.BodyName : "certConf";
        var verdict = refused ? RegistrarDecided.Refused : RegistrarDecided.Forwarded;
        var reason = refused ? $"upstream refused: {answer.ErrorStatus().Text}" : $"forwarded to {_settings.Upstream!.Url}, which answered {answer.BodyName}";
        var events = new List<Protocol.ITwinEvent>();
        Certificate? issued = null;
        if (!refused && answer.BodyType is CmpBodyType.Ip or CmpBodyType.Cp or CmpBodyType.Kup && answer.CertResponses() is [{ Certificate: { } cert }])
        {
            issued = cert;
            // The RA vouches for the key it checked (POP): a certificate for another key must not reach the requester.
            if (RequestedKey(x.Request) is { } wanted && !cert.PublicKey.Equals(wanted))
            {
                if (!answer.Header.ImplicitConfirm) RejectUpstream(answer, cert);
                Refuse(x.Request, x.Credential, new Refusal(CmpFailure.BadCertTemplate,
                    $"the upstream certificate {cert.SerialNumber.Hex} ('{cert.Subject}') certifies public key {cert.PublicKey.Fingerprint}, not the requested {wanted.Fingerprint}; not relayed"),
                    x.Credential.Who, x.Request.BodyName, x.Reply);
                return;
            }
            if (answer.Header.ImplicitConfirm) events.AddRange(Enrolled(x, HolderFor(x.Origin, x.Credential, cert.Subject), cert, null));
        }
        if (a.Confirming is { } confirmed && answer.BodyType == CmpBodyType.PkiConf)
        {
            _open.Remove(confirmed.Exchange.Transaction);
            events.AddRange(Enrolled(x, confirmed.Holder, confirmed.Issued, null));
        }
        if (x.Repeat)
        {
            // Asked again for a requester's retransmission of a request (or certConf) forwarded before a restart: answered, nothing decided twice.
            _repeating.Remove(x.Transaction);
            (a.Confirming?.Exchange.Reply ?? x.Reply)(new CmpReply(toRequester, refused));
            return;
        }
        var open = issued is not null && !answer.Header.ImplicitConfirm
            ? new Open(x, issued, null, answer.Header.SenderNonce ?? [], HolderFor(x.Origin, x.Credential, issued.Subject), 0, true, _clock.Now) : null;
        if (open is not null) events.Add(Awaiting(open));
        Decide(x.Credential.Who, what, verdict, reason, x.Transaction, events, () =>
        {
            if (open is not null) AwaitConfirmation(open);
            (a.Confirming?.Exchange.Reply ?? x.Reply)(new CmpReply(toRequester, refused));
        }, refused && answer.ErrorStatus().Failures is { Count: > 0 } f ? f[0] : null, issued is null ? null : x.Credential.Reference, closes: a.Confirming is not null,
            requestDigest: a.Confirming is null ? DigestOf(x.Request) : null); // a retransmission of the request is then asked upstream again
    }

    private static Twin.Pki.Keys.PublicKey? RequestedKey(CmpMessage request) => request.BodyType switch
    {
        CmpBodyType.P10cr => request.P10Request().PublicKey,
        CmpBodyType.Ir or CmpBodyType.Cr or CmpBodyType.Kur when request.CertRequests() is [var only] => only.PublicKey,
        _ => null,
    };

    // Tells the upstream the certificate is not accepted (certConf with status rejection), so it does not stay valid there.
    // Nobody waits for the pkiConf: the requester has its refusal already.
    private void RejectUpstream(CmpMessage answer, Certificate issued)
    {
        var upstream = _settings.Upstream!;
        var random = _entropy.For(Id, "upstream-reject", answer.Header.TransactionHex);
        var protector = CmpProtector.PasswordBasedMac(Encoding.UTF8.GetBytes(upstream.Reference), Encoding.UTF8.GetBytes(upstream.Secret), random, mac: CmpMacAlgorithm.HmacSha256);
        var certConf = CmpRequests.CertConf(new CmpSender(_settings.Subject, protector, _clock.Now.Utc, random), answer, issued, 0, "public key differs from the request");
        var log = _log;
        _transport.ExchangeAsync(upstream.Url, certConf.Der, CancellationToken.None).ContinueWith(
            t => { if (t.Exception is { } e) log.Warning("Registrar: rejecting certConf to {0} failed: {1}", upstream.Url, e.GetBaseException().Message); }, TaskScheduler.Default);
    }

    // The requester's certConf goes upstream too; the upstream's pkiConf comes back re-protected.
    private void ForwardConfirmation(CmpMessage certConf, Open open, Action<object> reply)
    {
        var x = open.Exchange with { Reply = reply };
        Send(x, certConf, open with { Exchange = x });
    }
}

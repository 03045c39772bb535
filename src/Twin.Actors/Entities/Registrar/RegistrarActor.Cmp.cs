using Akka.Actor;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;

namespace Twin.Actors.Entities.Registrar;

public sealed partial class RegistrarActor
{
    // What a request needs once the CA or the upstream has answered.
    private sealed record Exchange(CmpMessage Request, Credential Credential, Action<object> Reply, string Origin)
    {
        public string Transaction => Request.Header.TransactionHex;

        /// <summary>A twin entity's retransmission of a request first sent at this instant: the CA repeats what it issued then.</summary>
        public Clock.SimInstant? FirstSentAt { get; init; }

        /// <summary>A retransmission of a request already decided: answered again, nothing journaled (RegistrarActor.Retransmission.cs).</summary>
        public bool Repeat { get; init; }
    }

    private (long Version, DomainTrust Trust)? _trust;

    // A request from outside the twin, decoded and checked ahead on the thread pool (null: it did not decode).
    private sealed record CmpCheckedAhead(CmpRequest Request, CmpMessage? Message, Action<object> Reply, long Incarnation);

    private void Handle(CmpRequest command)
    {
        if (!_state.IsReady)
        {
            HoldCurrent(); // served once the registrar holds its protection certificate
            return;
        }
        var reply = ReplyChannel();
        if (!command.Origin.StartsWith("entity:", StringComparison.Ordinal))
        {
            // From outside the twin: the signature, path and POP checks run on the thread pool, so requests arriving together are
            // checked in parallel; the registrar then judges on its own thread and finds those answers remembered. Twin entities'
            // requests are judged in place, in the order seeded runs depend on.
            var settings = _settings;
            var now = _clock.Now;
            var trust = Trust();
            var incarnation = BeginAway(CheckLabel);
            Task.Run(() => CheckAhead(command.Der, settings, now, trust)).PipeTo(Self,
                success: message => new CmpCheckedAhead(command, message, reply, incarnation),
                failure: _ => new CmpCheckedAhead(command, null, reply, incarnation));
            return;
        }
        Handle(command, null, reply);
    }

    // A request decoded and checked ahead on the HTTP request's own thread (CmpGate): judged here at once, its answer completing
    // the endpoint's task.
    private void Handle(CmpGate.Checked command)
    {
        if (!_state.IsReady)
        {
            HoldCurrent(); // served once the registrar holds its protection certificate
            return;
        }
        var answer = command.Answer;
        Handle(command.Request, command.Ahead?.Message, reply =>
        {
            if (reply is CmpReply cmp) answer.TrySetResult(cmp);
            else answer.TrySetException(new InvalidOperationException($"The registrar answered a CMP request with {reply.GetType().Name}."));
        }, command.Ahead?.Verdict, command.Ahead?.Mac);
    }

    private static CmpMessage? CheckAhead(byte[] der, RegistrarSettings settings, Clock.SimInstant now, DomainTrust trust)
    {
        CmpMessage message;
        try
        {
            message = CmpMessage.Decode(der);
        }
        catch (CmpException)
        {
            return null; // decoded again on the actor, and refused with the reason
        }
        _ = RegistrarPolicy.CheckAhead(settings, message, now, trust); // its verdict is not carried: the actor judges against the trust of its own moment
        return message;
    }

    private void OnCheckedAhead(CmpCheckedAhead ahead)
    {
        if (Returned(CheckLabel, ahead.Incarnation)) Handle(ahead.Request, ahead.Message, ahead.Reply);
    }

    // ahead: the signer's verdict made at the endpoint, taken over only when it holds for this registrar's settings, trust and instant;
    // mac: the MAC's verdict made there, taken over only when the reference is still open here as the object it was judged with.
    private void Handle(CmpRequest command, CmpMessage? decoded, Action<object> reply, SignerVerdict? ahead = null, MacVerdict? mac = null)
    {
        CmpMessage message;
        try
        {
            message = decoded ?? CmpMessage.Decode(command.Der);
        }
        catch (CmpException e)
        {
            Refuse(null, null, new Refusal(e.Failure, e.Message), $"unauthenticated:{command.Origin}", "malformed", reply);
            return;
        }
        if (IsRetransmission(command, message))
        {
            AnswerAgain(command, message, reply);
            return;
        }
        var who = $"unauthenticated:{command.Origin}";
        var initial = message.BodyType != CmpBodyType.CertConf;
        if (message.BodyType is not (CmpBodyType.Ir or CmpBodyType.Cr or CmpBodyType.Kur or CmpBodyType.P10cr or CmpBodyType.Rr or CmpBodyType.Genm or CmpBodyType.CertConf))
        {
            Refuse(message, null, new Refusal(CmpFailure.BadRequest, $"{message.BodyName} is not a request this registrar answers."), who, message.BodyName, reply);
            return;
        }
        if (RegistrarPolicy.CheckHeader(_state, message, Recipients(), initial) is { } header)
        {
            Refuse(message, null, header, who, message.BodyName, reply);
            return;
        }
        if (message.BodyType == CmpBodyType.CertConf)
        {
            Confirm(message, command.Origin, reply);
            return;
        }
        if (_open.ContainsKey(message.Header.TransactionHex) || _busy.Contains(message.Header.TransactionHex))
        {
            Refuse(message, null, new Refusal(CmpFailure.TransactionIdInUse, $"transactionID {message.Header.TransactionHex} is in use."), who, message.BodyName, reply);
            return;
        }
        var trust = Trust();
        var (credential, refusal) = RegistrarPolicy.Authenticate(_state, _settings, message, _clock.Now, SecretOf, trust, ahead, _trust!.Value.Version, mac, _references);
        if (credential is null)
        {
            Refuse(message, null, refusal!, who, message.BodyName, reply);
            return;
        }
        if (credential.Reference is { } reference && _reserved.Contains(reference))
        {
            Refuse(message, credential, new Refusal(CmpFailure.SignerNotTrusted, $"reference '{reference}' is being used by another transaction."), credential.Who, message.BodyName, reply);
            return;
        }
        var exchange = new Exchange(message, credential, reply, command.Origin) { FirstSentAt = command.FirstSentAt };
        try
        {
            if (_settings.Mode == RegistrarMode.Ra) Forward(exchange);
            else if (message.BodyType == CmpBodyType.Rr) Revoke(exchange);
            else if (message.BodyType == CmpBodyType.Genm) Answer(exchange);
            else Enroll(exchange);
        }
        catch (Twin.Pki.PkiException e)
        {
            // A body that does not parse (a malformed CertReqMsg, PKCS#10 or RevDetails) is refused like any other bad input.
            _busy.Remove(exchange.Transaction);
            if (credential.Reference is { } r) _reserved.Remove(r);
            Refuse(message, credential, new Refusal(e is CmpException c ? c.Failure : CmpFailure.BadDataFormat, e.Message), credential.Who, message.BodyName, reply);
        }
    }

    // Names a request may carry as recipient: the registrar, its CA chain, or NULL-DN.
    private HashSet<string> Recipients()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { _settings.Subject };
        foreach (var der in _state.ChainDer) names.Add(Certificate.FromDer(der).Subject);
        if (_settings.Upstream is { } up) names.Add(up.Recipient);
        // openssl names the issuer of its signing certificate when told no recipient: for an IDevID, the manufacturer CA.
        foreach (var entry in _settings.AllowList) names.Add(entry.Anchor.Subject);
        return names;
    }

    // The domain's trust at simulated now; rebuilt only when the distribution point published something.
    private DomainTrust Trust()
    {
        // The version alone first: most requests find the trust built already, and the snapshot copies every published entry.
        if (_trust is { } t && t.Version == _runtime.Distribution.Version) return t.Trust;
        var (version, entries) = _runtime.Distribution.Snapshot();
        var chain = _state.ChainDer.Select(d => Certificate.FromDer(d)).ToList();
        var crls = entries.Where(e => e.Crl is not null).Select(e => CertificateRevocationList.FromDer(e.Crl!)).ToList();
        // Every CA key the plant publishes is a possible intermediate: after a rollover or an algorithm migration the
        // members' certificates chain through the new key, the registrar's own chain through the old one.
        var published = entries.Where(e => !e.IsRoot).Select(e => Certificate.FromDer(e.CaCertificate)).Where(c => !chain.Contains(c));
        var trust = new DomainTrust(chain.Where(c => c.IsSelfSigned).ToList(), [.. chain.Where(c => !c.IsSelfSigned), .. published], crls);
        _trust = (version, trust);
        PublishGate();
        return trust;
    }

    // How a reply to this requester is protected: the same MAC when it authenticated with a secret — with the key its request verified
    // with, under that request's PBMParameter, when the transaction still holds it (RFC 4210 §5.1.3.1) — else the registrar's signature.
    private CmpSender SenderFor(CmpMessage? request, Credential? credential)
    {
        var random = _entropy.For(Id, "cmp", request is null ? "malformed" : request.Header.TransactionHex + "/" + request.BodyName);
        CmpProtector? protector = credential?.Secret is { } secret && request is not null
            ? credential.MacKey is { } key ? CmpProtector.MacWith(key, request.Header.SenderKid ?? []) : CmpProtector.MacLike(request, secret, random)
            : _key is not null && OwnCertificate() is { } own ? CmpProtector.Signature(_key, own, OwnChain(), random) : null;
        return new CmpSender(_settings.Subject, protector, _clock.Now.Utc, random);
    }

    private void Refuse(CmpMessage? request, Credential? credential, Refusal refusal, string who, string what, Action<object> reply, bool closes = false)
    {
        if (request is not null && _repeating.Remove(request.Header.TransactionHex))
        {
            reply(new CmpReply(CmpReplies.Error(request, SenderFor(request, credential), refusal.Failure, refusal.Reason), true)); // a retransmission: decided before
            return;
        }
        byte[] der;
        try
        {
            der = CmpReplies.Error(request, SenderFor(request, credential), refusal.Failure, refusal.Reason);
        }
        catch (Twin.Pki.PkiException e)
        {
            // The request's own MAC parameters are unusable: answer unprotected rather than not at all.
            der = CmpReplies.Error(request, new CmpSender(_settings.Subject, null, _clock.Now.Utc, PkiRandom.System), refusal.Failure, $"{refusal.Reason} ({e.Message})");
        }
        Decide(who, what, RegistrarDecided.Refused, refusal.Reason, request?.Header.TransactionHex ?? "", [], () => reply(new CmpReply(der, true)), refusal.Failure, null, closes,
            request is null ? null : DigestOf(request));
    }

    // Every decision is journaled (with what follows from it) before the requester hears of it.
    private void Decide(string who, string what, string verdict, string reason, string transaction, IEnumerable<Protocol.ITwinEvent> consequences, Action then, CmpFailure? failure = null, string? reference = null, bool closes = false,
        string? requestDigest = null)
    {
        var events = new List<Protocol.ITwinEvent>();
        events.AddRange(consequences);
        // One instant for a decision and what follows from it.
        var at = events.Count > 0 ? events[0].At : _clock.Now;
        var decision = new RegistrarDecided(_run, at, Id, who, what, verdict, reason, transaction) { Failure = failure is { } f ? FailureName(f) : null, Reference = reference, Closes = closes, RequestDigest = requestDigest };
        events.Insert(0, decision);
        // The state moves on at once, so the next request is judged against it (a reference spent here is spent for the next one);
        // the answer waits until the events are stored. PersistAllAsync: the registrar serves the next request while this one is
        // written, and the journal writes what is pending together (group commit) instead of one request per write.
        foreach (var e in events) _state = _state.Apply(e);
        if (reference is { } spent && !_state.OpenSecrets.ContainsKey(spent)) _references.Close(spent); // the endpoint stops checking ahead for it
        _writing += events.Count;
        var left = events.Count;
        PersistAllAsync(events, _ =>
        {
            _writing--;
            if (--left > 0) return;
            then();
            // Only when nothing is in flight is the state exactly what the journal holds up to LastSequenceNr.
            if (_writing == 0 && LastSequenceNr - _snapshotAt >= SnapshotGap)
            {
                _snapshotAt = LastSequenceNr;
                SaveSnapshot(_state);
            }
        });
    }

    // Events applied to the state and not yet stored; the sequence number of the last snapshot.
    private int _writing;
    private long _snapshotAt;

    // The state keeps every transactionID and every enrolled certificate's holder, so a snapshot at a fixed event count would
    // write that whole state again and again (bytes growing with the square of the enrollments; under load, several snapshots a
    // second). As the CA does: the gap grows with the state — at least SnapshotEvery events, at least a quarter of what it holds.
    private long SnapshotGap => Math.Max(SnapshotEvery, (_state.Transactions.Count + _state.Holders.Count) / 4);

    /// <summary>The RFC 4210 name of a failure bit (badPOP, signerNotTrusted, ...).</summary>
    public static string FailureName(CmpFailure failure) => failure switch
    {
        CmpFailure.BadPop => "badPOP",
        _ => char.ToLowerInvariant(failure.ToString()[0]) + failure.ToString()[1..],
    };

    // The entity that holds a certificate enrolled here: a twin entity that asked in process, the holder of
    // the certificate that signed the request (kur, cr), or a new entity named after the subject's CN.
    private EntityId HolderFor(string origin, Credential credential, string subject)
    {
        if (origin.StartsWith("est:entity:", StringComparison.Ordinal)) origin = origin["est:".Length..]; // a twin device over EST in process
        if (origin.StartsWith("entity:", StringComparison.Ordinal)) return new EntityId(origin["entity:".Length..]);
        if (credential.Certificate is { } c && _state.Holders.TryGetValue(c.SerialNumber.Hex, out var known)) return new EntityId(known);
        var cn = subject.Split(',').Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("CN=", StringComparison.OrdinalIgnoreCase))?[3..] ?? "device";
        var slug = new string(cn.ToLowerInvariant().Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '-').ToArray()).Trim('-');
        if (slug.Length == 0) slug = "device";
        return new EntityId($"{_settings.Domain}.{slug[..Math.Min(60, slug.Length)]}");
    }

    /// <summary>The CA's answer to an issuance or revocation the registrar asked for.</summary>
    private sealed record CaAnswered(Exchange Exchange, object Answer, Func<Exchange, object, bool> Continue, long Incarnation);

    private void AskCa(Exchange exchange, object command, Func<Exchange, object, bool> then)
    {
        // The answer comes back as a message; until it is handled, max mode must not move time.
        var incarnation = BeginAway(CaLabel);
        _ca.Ask<object>(command, CaTimeout).PipeTo(Self,
            success: answer => new CaAnswered(exchange, answer, then, incarnation),
            failure: e => new CaAnswered(exchange, new CertificateRefused($"the CA did not answer: {e.Message}"), then, incarnation));
    }

    private void OnCaAnswered(CaAnswered answered)
    {
        if (!Returned(CaLabel, answered.Incarnation, afterStored: true)) return;
        try
        {
            answered.Continue(answered.Exchange, answered.Answer);
        }
        finally
        {
            DoneWhenStored(CaLabel); // after the events the answer led to are stored
        }
    }
}

using Akka.Actor;
using Akka.Event;
using Twin.Actors.Protocol.Commands;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Registrar;

/// <summary>
/// Work the registrar hands elsewhere — to the thread pool for requests from outside the twin (checks ahead of the judgement,
/// the signature on a CMP answer; twin entities' requests stay on the actor, in the order seeded runs depend on), to the CA, to a
/// MASA — and the count of it. What is still away when the registrar stops is counted done then (its answer goes nowhere), so
/// max mode never waits for it.
/// </summary>
public sealed partial class RegistrarActor
{
    private const string CheckLabel = "registrar-check";
    private const string AnswerLabel = "registrar-answer";
    private const string CaLabel = "registrar-ca";
    private const string UpstreamLabel = "registrar-upstream";
    private static long s_incarnations;
    // Which start of this actor a result belongs to: one that comes back after a restart was counted done at the restart.
    private readonly long _incarnation = Interlocked.Increment(ref s_incarnations);
    // Counted work whose result has not come back yet (a result handled ends its count through EntityActor.DoneWhenStored).
    private readonly Dictionary<string, int> _away = new(StringComparer.Ordinal);

    // A CMP answer signed on the pool, back on the actor to be sent.
    private sealed record AnswerSigned(Action<object> Reply, byte[]? Der, Exception? Failure, long Incarnation);

    private void ReceiveAnswers() => Command<AnswerSigned>(OnAnswerSigned);

    // Counted work handed elsewhere (the pool, the CA, a MASA), tagged with this start of the actor.
    private long BeginAway(string label)
    {
        Work.Begin(label);
        _away[label] = _away.GetValueOrDefault(label) + 1;
        return _incarnation;
    }

    // A result is back: false when it belongs to an earlier start (whose stop counted it done; its continuation is that start's, so
    // it is dropped, as if the registrar had died before the answer). True: the count ends now, or — afterStored — once the events
    // the caller persists while handling it are stored (the caller calls DoneWhenStored after them, also when handling throws).
    private bool Returned(string label, long incarnation, bool afterStored = false)
    {
        if (incarnation != _incarnation) return false;
        _away[label]--;
        if (!afterStored) Work.Done(label);
        return true;
    }

    // The signature on an implicitly confirmed answer to a request from outside, made on the pool; null when it must be made here
    // (a twin entity's request, an answer awaiting certConf whose nonce is journaled, a key in a token used by one thread at a time).
    private Task<byte[]>? AnswerOnPool(Exchange x, CertificateGranted granted, Certificate issued)
    {
        if (x.Origin.StartsWith("entity:", StringComparison.Ordinal) || !(x.Request.Header.ImplicitConfirm && _settings.GrantImplicitConfirm)) return null;
        if (x.Credential.Secret is null && _key is not KeyPair) return null;
        return Task.Run(CertificateReplyMaker(x, granted, issued, implicitConfirm: true));
    }

    // Once the decision is stored: the answer goes out when its signature is made.
    private void ReplyWhenSigned(Task<byte[]> answer, Action<object> reply)
    {
        // The signature is usually made while the decision is written: then the answer goes out now, without a round trip
        // through the pool and the mailbox for a result already here.
        if (answer.IsCompletedSuccessfully)
        {
            reply(new CmpReply(answer.Result, false));
            return;
        }
        var incarnation = BeginAway(AnswerLabel);
        answer.PipeTo(Self,
            success: der => new AnswerSigned(reply, der, null, incarnation),
            failure: e => new AnswerSigned(reply, null, e, incarnation));
    }

    private void OnAnswerSigned(AnswerSigned signed)
    {
        if (!Returned(AnswerLabel, signed.Incarnation)) return;
        if (signed.Der is { } der) signed.Reply(new CmpReply(der, false));
        else _log.Error(signed.Failure ?? new InvalidOperationException("no answer"), "Registrar {0}: the answer to an enrollment it granted could not be signed.", Id);
    }

    /// <inheritdoc />
    protected override void OnStopped()
    {
        WithdrawGate();
        LeaveUpstreamToNextStart();
        foreach (var (label, count) in _away)
            for (var i = 0; i < count; i++) Work.Done(label);
        _away.Clear();
    }
}

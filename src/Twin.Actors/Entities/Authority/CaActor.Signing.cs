using Akka.Actor;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki;
using Twin.Pki.Authority;

namespace Twin.Actors.Entities.Authority;

/// <summary>
/// Issuance over both cores. The actor decides — checks, serial, the randomness named by the request — and keeps the
/// order; the signature (and a PKCS#10's proof of possession) is made on the thread pool, several at once. Results are
/// journaled strictly in the order the requests arrived, and every other command waits until the signatures in flight
/// are journaled, so the journal, the certificates and the answers are those of signing one after the other: seeded runs
/// keep their digests.
/// </summary>
public sealed partial class CaActor
{
    private const string SigningLabel = "ca-sign";
    private readonly Queue<PendingIssuance> _signing = new();
    private bool _heldWhileSigning;
    // Which start of this actor a pool signature belongs to: one that comes back to a restarted actor was counted done at the restart.
    private readonly long _incarnation = Interlocked.Increment(ref s_incarnations);
    private static long s_incarnations;

    // One issuance in flight: what the answer needs, and what the pool made of it.
    private sealed class PendingIssuance(Model.EntityId requester, string profile, string digest, Clock.SimInstant at, Action<object> reply, Func<byte[], object>? granted)
    {
        public Model.EntityId Requester { get; } = requester;
        public string Profile { get; } = profile;
        public string Digest { get; } = digest;
        public Clock.SimInstant At { get; } = at;
        public Action<object> Reply { get; } = reply;
        public Func<byte[], object>? Granted { get; } = granted;
        public Twin.Pki.Certificates.Certificate? Issued { get; set; }
        public string? Refusal { get; set; }
        public bool Done { get; set; }
    }

    // The pool's result, back on the actor.
    private sealed record Signed(PendingIssuance Issuance, PreparedCertificate Prepared, Twin.Pki.Certificates.Certificate? Issued, Exception? Failure, long Incarnation);

    // Registered first: while signatures are in flight, whatever is not an issuance waits for them (a rollover, a revocation,
    // a CRL must find the CA as it would after those issuances).
    private void HoldWhileSigning() =>
        Command<object>(_ => { _heldWhileSigning = true; HoldCurrent(); },
            m => _signing.Count > 0 && m is not (IssueFromCsr or IssueFromTemplate or Signed));

    private void IssueInOrder(Model.EntityId requester, string profile, string digest, Func<CertificateAuthority, Clock.SimInstant, Twin.Pki.Keys.PkiRandom, PreparedCertificate> prepare,
        Func<byte[], object>? granted)
    {
        var now = _clock.Now;
        if (_ca is null && _state.Reachable)
        {
            HoldCurrent(); // still coming into being: answered once it is ready
            return;
        }
        var reply = ReplyChannel();
        if (_ca is null || !_state.Reachable)
        {
            reply(new CertificateRefused(_ca is null ? $"CA {Id} has no key and certificate yet." : $"CA {Id} is unreachable."));
            return;
        }
        var issuance = new PendingIssuance(requester, profile, digest, now, reply, granted);
        _signing.Enqueue(issuance);
        PreparedCertificate prepared;
        try
        {
            prepared = prepare(_ca, now, _entropy.For(Id, "issue", digest));
        }
        catch (PkiException e)
        {
            issuance.Refusal = e.Message;
            issuance.Done = true;
            Drain();
            return;
        }
        var ca = _ca;
        var incarnation = _incarnation;
        Work.Begin(SigningLabel); // max mode waits for the signature and its journal entry
        Task.Run(() => ca.Sign(prepared)).PipeTo(Self,
            success: certificate => new Signed(issuance, prepared, certificate, null, incarnation),
            failure: e => new Signed(issuance, prepared, null, e, incarnation));
    }

    private void OnSigned(Signed signed)
    {
        var issuance = signed.Issuance;
        var current = signed.Incarnation == _incarnation;
        try
        {
            if (!current) return; // a signature for an earlier start of this actor: its request was never answered, as if the CA had died before signing
            if (signed.Failure is { } failure)
            {
                var cause = failure is AggregateException { InnerException: { } inner } ? inner : failure;
                if (cause is not PkiException pki) throw new InvalidOperationException($"CA {Id}: signing failed: {cause.Message}", cause);
                _ca?.Release(signed.Prepared);
                issuance.Refusal = pki.Message;
            }
            else issuance.Issued = signed.Issued;
            issuance.Done = true;
            Drain();
        }
        finally
        {
            if (current) DoneWhenStored(SigningLabel); // once the events the signature led to are stored, or at a stop
        }
    }

    // Journals the finished issuances at the head of the queue, in the order they arrived; once none is in flight the held commands run.
    private void Drain()
    {
        // One write for all that is ready (group commit); each event's own continuation runs as it is stored, in order.
        var events = new List<Protocol.ITwinEvent>();
        var then = new Queue<Action<Protocol.ITwinEvent>>();
        while (_signing.TryPeek(out var head) && head.Done)
        {
            _signing.Dequeue();
            if (head.Issued is { } issued)
            {
                events.Add(new CertificateIssued(_run, head.At, Id, head.Requester, head.Profile, issued.GetDer()) { Request = head.Digest });
                var (reply, granted) = (head.Reply, head.Granted);
                then.Enqueue(e => Issued((CertificateIssued)e, reply, granted));
            }
            else
            {
                events.Add(new IssuanceRefused(_run, head.At, Id, head.Requester, head.Refusal!));
                var (reply, reason) = (head.Reply, head.Refusal!);
                then.Enqueue(_ => reply(new CertificateRefused(reason)));
            }
        }
        if (events.Count > 0) PersistAllAsync(events, e => then.Dequeue()(e));
        if (_signing.Count > 0 || !_heldWhileSigning) return;
        _heldWhileSigning = false;
        ReleaseHeld();
    }

    // Signatures in flight when the actor stops are never journaled or answered: count them done, or max mode waits for ever.
    /// <inheritdoc />
    protected override void OnStopped()
    {
        foreach (var issuance in _signing)
            if (!issuance.Done) Work.Done(SigningLabel);
        _signing.Clear();
    }
}

using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Persistence;
using Twin.Actors.Projections;
using Twin.Actors.Protocol;
using Twin.Actors.Scenarios;

namespace Twin.Host.Cli;

/// <summary>
/// Checks a run's expectations while it runs: follows the journal as it is written and, whenever
/// asked, reports the expectations whose verdict can no longer change — a refusal seen, a deadline
/// passed, a "never" broken. The verdicts of record are computed again from the whole journal at the end.
/// </summary>
internal sealed class LiveExpectations : IDisposable
{
    private readonly IReadOnlyList<Expectation> _expectations;
    private readonly SimInstant _start;
    private readonly ConcurrentQueue<ITwinEvent> _incoming = new();
    private readonly List<ITwinEvent> _events = [];
    private readonly HashSet<string> _announced = new(StringComparer.Ordinal);
    private readonly UniqueKillSwitch? _stream;
    private SimInstant _seen;

    public LiveExpectations(ActorSystem system, RunId run, IReadOnlyList<Expectation> expectations, SimInstant start)
    {
        _expectations = expectations;
        _start = start;
        if (expectations.Count == 0) return;
        var journal = TwinJournal.Read(system);
        _stream = journal.EventsByTag(RunTagger.TagFor(run), Offset.NoOffset())
            .ViaMaterialized(KillSwitches.Single<EventEnvelope>(), Keep.Right)
            .To(Sink.ForEach<EventEnvelope>(e => { if (e.Event is ITwinEvent t) _incoming.Enqueue(t); }))
            .Run(system.Materializer());
    }

    /// <summary>Lines for the verdicts that became final before simulated <paramref name="now"/>, each once.</summary>
    public IReadOnlyList<string> Decided(SimInstant now)
    {
        if (_stream is null) return [];
        while (_incoming.TryDequeue(out var e))
        {
            // Only what the checks read, slimmed: the run itself holds no copy of its journal.
            if (RunRecord.Kept(e) is { } kept) _events.Add(kept);
            if (e.At > _seen) _seen = e.At;
        }
        // The query delivers in journal order, and instants are journaled in order: once an event at
        // T has arrived, everything before T has. Judge only up to there, however far the clock is.
        if (_seen < now) now = _seen;
        var lines = new List<string>();
        var results = ExpectationCheck.Evaluate(_expectations, _events, _start, now);
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            if (r.DecidedAt >= now || !IsFinal(_expectations[i], r) || !_announced.Add(r.Label)) continue;
            lines.Add($"{(r.Passed ? "PASS" : "FAIL")} {r.Label} {r.Expectation} — decided {r.DecidedAt} (during the run): {r.Detail}");
        }
        return lines;
    }

    // Only verdicts later events cannot overturn are announced early.
    private static bool IsFinal(Expectation x, ExpectationResult r) => x switch
    {
        RefusedExpectation => true,
        ConnectedExpectation c => !r.Passed || c.Until is not null,
        NoOutageExpectation or ExposureWindowExpectation => !r.Passed,
        CrlLapsedExpectation l => !l.Never || !r.Passed,
        _ => false,
    };

    public void Dispose() => _stream?.Shutdown();
}

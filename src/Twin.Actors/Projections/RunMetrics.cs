using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Persistence;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;

namespace Twin.Actors.Projections;

/// <summary>What one POL–PEA link saw: attempts, how many succeeded, and how long it was down, by cause.</summary>
public sealed record LinkMetrics(string Pol, string Target, int Attempts, int Good, IReadOnlyDictionary<string, TimeSpan> OutageByCause)
{
    /// <summary>Share of attempts that established a secure session.</summary>
    public double Availability => Attempts == 0 ? 0 : (double)Good / Attempts;

    /// <summary>Total simulated time the link was down (from a refused attempt to the next good one, or to the end).</summary>
    public TimeSpan Outage => OutageByCause.Values.Aggregate(TimeSpan.Zero, (a, b) => a + b);
}

/// <summary>The measured outcomes of a run, folded from its journal: what an architect compares between designs.</summary>
public sealed record RunMetricsResult(
    IReadOnlyList<LinkMetrics> Links,
    int CertificatesIssued,
    int Revocations,
    int CrlsPublished,
    int LargestCrlEntries,
    int CrlLapses)
{
    /// <summary>Good attempts over all attempts, all links together; null without any attempt.</summary>
    public double? Availability { get; init; }

    /// <summary>Total simulated outage over all links.</summary>
    public TimeSpan Outage => Links.Aggregate(TimeSpan.Zero, (a, l) => a + l.Outage);

    /// <summary>Every compromise on the timeline: how long the POL still accepted the PEA, and its blast radius.</summary>
    public IReadOnlyList<ExposureWindow> ExposureWindows { get; init; } = [];

    /// <summary>The largest blast radius of any compromise (entities whose certificates chain to a compromised key), device or CA.</summary>
    public int BlastRadius => ExposureWindows.Select(w => w.BlastRadius).Concat(CaCompromises.Select(c => c.EntitiesAffected)).DefaultIfEmpty(0).Max();

    /// <summary>Every issuing-CA compromise: entities affected, certificates replaced, outage until recovery.</summary>
    public IReadOnlyList<CaCompromiseImpact> CaCompromises { get; init; } = [];

    /// <summary>IDevIDs, vouchers, secure-boot refusals and MTP package verdicts.</summary>
    public ManufacturingMetrics Manufacturing { get; init; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>OPC UA attack steps played, refused (by whom) and let through.</summary>
    public AttackMetrics Attacks { get; init; } = AttackMetrics.None;
    /// <summary>Certificates per key algorithm, and which algorithms the entities held over time.</summary>
    public AlgorithmMix Algorithms { get; init; } = new(new Dictionary<string, int>(), []);

    /// <summary>Certificates that expired in service before their successor was installed.</summary>
    public IReadOnlyList<ExpiryGap> ExpiryGaps { get; init; } = [];

    /// <summary>With trust lists pulled on a schedule: how long each relying party went without each revocation.</summary>
    public IReadOnlyList<TrustListLag> TrustListLags { get; init; } = [];

    /// <summary>The longest trust-list lag of any relying party after any revocation; null when nobody pulls on a schedule.</summary>
    public TimeSpan? MaxTrustListLag => TrustListLags.Count == 0 ? null : TrustListLags.Max(l => l.Lag);

    /// <summary>Certificate records the CAs purged under the retention policy.</summary>
    public int RecordsPurged { get; init; }
}

/// <summary>Folds a run's journal into <see cref="RunMetricsResult"/>. Pure apart from reading the journal.</summary>
public static class RunMetrics
{
    /// <summary>The metrics of <paramref name="run"/> up to simulated instant <paramref name="end"/>.</summary>
    public static async Task<RunMetricsResult> ComputeAsync(ActorSystem system, RunId run, SimInstant end)
    {
        ArgumentNullException.ThrowIfNull(system);
        var journal = TwinJournal.Read(system);
        var events = await journal.CurrentEventsByTag(RunTagger.TagFor(run), Offset.NoOffset())
            .Select(e => e.Event)
            .RunWith(Sink.Seq<object>(), system.Materializer());
        return Fold(events.OfType<ITwinEvent>().ToList(), end);
    }

    /// <summary>The fold itself, for any sequence of events in journal order.</summary>
    public static RunMetricsResult Fold(IEnumerable<ITwinEvent> events, SimInstant end)
    {
        ArgumentNullException.ThrowIfNull(events);
        var list = events as IReadOnlyList<ITwinEvent> ?? events.ToList();
        var counts = new RunCounts();
        foreach (var e in list) counts.Add(e);
        return Fold(list, counts, end);
    }

    /// <summary>The fold over a run read one event at a time: the counts of every event and the events the analyses read.</summary>
    public static RunMetricsResult Fold(RunRecord record, SimInstant end)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Fold(record.Analysed, record.Counts, end);
    }

    // events: all of the run's events, or only those RunRecord keeps — the analyses below read no other kind.
    private static RunMetricsResult Fold(IReadOnlyList<ITwinEvent> events, RunCounts counts, SimInstant end)
    {
        var links = new Dictionary<(string Pol, string Target), LinkState>();
        foreach (var a in events.OrderBy(e => e.At).OfType<ConnectionAttempted>())
        {
            var key = (a.Entity.Value, a.Target.Value);
            if (!links.TryGetValue(key, out var link)) links[key] = link = new LinkState();
            link.Observe(a.At, a.StatusCode == 0, a.Status);
        }
        var linkMetrics = links.OrderBy(l => l.Key.Pol, StringComparer.Ordinal).ThenBy(l => l.Key.Target, StringComparer.Ordinal)
            .Select(l => l.Value.Close(end, l.Key.Pol, l.Key.Target)).ToList();
        var ordered = RunAnalysis.Ordered(events.Where(e => e.At <= end));
        var attempts = linkMetrics.Sum(l => l.Attempts);
        return new RunMetricsResult(linkMetrics, counts.Issued, counts.Revocations, counts.Crls, counts.LargestCrl, counts.Lapses)
        {
            Availability = attempts == 0 ? null : (double)linkMetrics.Sum(l => l.Good) / attempts,
            ExposureWindows = RunAnalysis.Exposures(ordered, end),
            ExpiryGaps = RunAnalysis.ExpiryGaps(ordered, end),
            CaCompromises = CaCompromiseAnalysis.Impacts(ordered, end),
            TrustListLags = TrustListAnalysis.Lags(ordered, end),
            RecordsPurged = ordered.OfType<CertificateRecordsPurged>().Sum(p => p.Serials.Count),
            Manufacturing = ManufacturingMetrics.Of(ordered),
            Attacks = AttackMetrics.Of(ordered),
            Algorithms = AlgorithmChecks.Mix(ordered),
        };
    }

    private sealed class LinkState
    {
        private readonly Dictionary<string, TimeSpan> _outage = new(StringComparer.Ordinal);
        private (SimInstant Since, string Cause)? _down;
        private int _attempts;
        private int _good;

        public void Observe(SimInstant at, bool good, string status)
        {
            _attempts++;
            if (good)
            {
                _good++;
                if (_down is { } d) Add(d.Cause, at - d.Since);
                _down = null;
            }
            else if (_down is null)
            {
                _down = (at, status);
            }
        }

        public LinkMetrics Close(SimInstant end, string pol, string target)
        {
            if (_down is { } d && end > d.Since) Add(d.Cause, end - d.Since);
            _down = null;
            return new LinkMetrics(pol, target, _attempts, _good, _outage);
        }

        private void Add(string cause, TimeSpan span) => _outage[cause] = _outage.GetValueOrDefault(cause) + span;
    }
}

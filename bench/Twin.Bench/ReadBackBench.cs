using System.Diagnostics;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Configuration;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Persistence;
using Twin.Actors.Projections;
using Twin.Actors.Protocol;

/// <summary>
/// Reading a recorded run back: what the report and the replay cost in wall time and peak working set, page by page
/// (STEP report, replay) or next to the peer that holds the whole run (report-whole, replay-whole: every event in one
/// list, as before). One step per process, so that each peak is its own; the export is measured through the
/// command line (docs/benchmarks.md).
/// Usage: dotnet run -c Release --project bench/Twin.Bench -- read-back FILE.db STEP --run ID [--seeks N] [--steps N] [--checkpoints N]
/// </summary>
internal static class ReadBackBench
{
    public static async Task RunAsync(string file, string step, string runText, int seeks, int steps, int checkpoints)
    {
        if (!File.Exists(file)) throw new FileNotFoundException($"read-back: no SQLite journal at {file}", file);
        var database = TwinDatabase.Sqlite(file);
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING")
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.SerializationHocon))
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.Hocon(database)));
        using var system = ActorSystem.Create("read-back", TwinPersistence.SystemSetup(config, database));
        var run = new RunId(runText);
        var watch = Stopwatch.StartNew();
        var detail = step switch
        {
            "report" => await ReportAsync(system, run),
            "report-whole" => await ReportWholeAsync(system, run),
            "replay" => await ReplayAsync(system, run, seeks, steps, checkpoints, whole: false),
            "replay-whole" => await ReplayAsync(system, run, seeks, steps, checkpoints, whole: true),
            _ => throw new ArgumentException($"read-back: unknown step '{step}' (report, report-whole, replay, replay-whole)", nameof(step)),
        };
        watch.Stop();
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(FormattableString.Invariant($"read-back {step}: {watch.Elapsed.TotalSeconds:0.0} s wall, peak working set {self.PeakWorkingSet64 / 1048576.0:0} MB; {detail}"));
        await system.Terminate();
    }

    // What `run` computes after the run for its report: the digest, the metrics over the run, the read model at the end.
    private static async Task<string> ReportAsync(ActorSystem system, RunId run)
    {
        var (digest, events) = await RunDigest.ComputeAsync(system, run);
        Phase("digest");
        var (kept, metrics) = await AnalyseAsync(system, run);
        // This continuation runs inline in AnalyseAsync's completion, whose state machine still holds the record until the
        // continuation first suspends (the runtime clears it after): `run` suspends at once on the read model's query. Measured
        // here without yielding, the record's slice looked live after the analyses (318 MB at 10,000 devices, docs/benchmarks.md).
        await Task.Yield();
        Phase("metrics");
        var snapshot = await PlantReplay.CurrentAsync(system, run, ReadModelDetail.Current);
        Phase("read model");
        return FormattableString.Invariant($"{events} events, {kept} kept for the analyses, {metrics.CertificatesIssued} issued, {snapshot.Entities.Count} entities, digest {digest[..12]}");
    }

    // As `run` does (RunCommand.AnalyseAsync): in a method of its own, so that what was kept is garbage before the read model is folded.
    private static async Task<(int Kept, RunMetricsResult Metrics)> AnalyseAsync(ActorSystem system, RunId run)
    {
        var record = await RunRecord.ReadAsync(system, run);
        Phase("record");
        var end = record.Analysed.Count == 0 ? default : record.Analysed.Max(e => e.At);
        return (record.Analysed.Count, RunMetrics.Fold(record, end));
    }

    private static async Task<string> ReportWholeAsync(ActorSystem system, RunId run)
    {
        var lines = await RunDigest.DescribeAsync(system, run);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var line in lines) hash.AppendData(System.Text.Encoding.UTF8.GetBytes(line + "\n"));
        var digest = Convert.ToHexStringLower(hash.GetHashAndReset());
        var all = await EventQuery.AllAsync(system, run);
        var end = all.Max(e => e.At);
        var metrics = RunMetrics.Fold(all, end);
        var snapshot = await PlantReplay.CurrentAsync(system, run);
        return FormattableString.Invariant($"{lines.Count} events, all {all.Count} held, {metrics.CertificatesIssued} issued, {snapshot.Entities.Count} entities, digest {digest[..12]}");
    }

    // Where the memory goes: the working set so far and what the heap still holds after a full collection.
    private static void Phase(string name)
    {
        using var self = Process.GetCurrentProcess();
        var peak = self.PeakWorkingSet64 / 1048576.0;
        var live = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        Console.WriteLine(FormattableString.Invariant($"  after {name}: peak working set {peak:0} MB, live heap {live:0} MB"));
    }

    // Load, then scrub: N seeks spread over the run, each timed; then M steps (next recorded instant) from the middle, as the dashboard's step does.
    private static async Task<string> ReplayAsync(ActorSystem system, RunId run, int seeks, int steps, int checkpoints, bool whole)
    {
        var model = new ReplayReadModel(ReplayReadModel.MinCheckpointSpacing, checkpoints);
        var load = Stopwatch.StartNew();
        long events;
        if (whole)
        {
            IReadOnlyList<ITwinEvent> all = await EventQuery.AllAsync(system, run);
            model.Load(all);
            events = all.Count;
        }
        else
        {
            events = await model.LoadAsync(system, run);
        }
        load.Stop();
        // What the checkpoints and the view shown hold, without the garbage of the fold.
        var live = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        // Whether the peak is the load's or the seeks' (a seek's window leaves garbage of its own).
        double loadPeak;
        using (var self = Process.GetCurrentProcess()) loadPeak = self.PeakWorkingSet64 / 1048576.0;
        var (start, end) = model.Range;
        var times = new List<double>();
        var looks = new List<double>();
        var (pagesOneByOne, pagesBatched) = (new List<double>(), new List<double>());
        for (var i = 0; i < seeks; i++)
        {
            // Spread over the run, off the checkpoints: 7/(2N) + i/N of the way.
            var at = new SimInstant(start.Utc + (end.Utc - start.Utc) * ((i + 0.35) / seeks));
            var seek = Stopwatch.StartNew();
            model.SeekTo(at);
            times.Add(seek.Elapsed.TotalMilliseconds);
            // What the inspector shows of one device there: its history and every certificate's bytes (read back from the journal).
            var look = Stopwatch.StartNew();
            if (model.Current.Entities.Values.LastOrDefault(v => v.Kind == EntityKinds.Device && v.Certificates.Count > 0) is { } device)
            {
                var bytes = device.History.Count + device.Certificates.Sum(c => c.Der.Length);
                GC.KeepAlive(bytes);
                looks.Add(look.Elapsed.TotalMilliseconds);
            }
            // The API's page of an entity: its certificates' bytes one journal read each, or all in one (CertificateView.DersOf). Two
            // other devices each seek, neither read before (the cache would answer), taking turns at which way is first.
            var others = model.Current.Entities.Values.Where(v => v.Kind == EntityKinds.Device && v.Certificates.Count > 1).Reverse().Skip(1 + 2 * i).Take(2).ToList();
            if (others.Count == 2)
            {
                void OneByOne() => pagesOneByOne.Add(Timed(() => others[0].Certificates.Sum(c => c.Der.Length)) / others[0].Certificates.Count);
                void Batched() => pagesBatched.Add(Timed(() => CertificateView.DersOf(others[1].Certificates).Sum(d => d.Length)) / others[1].Certificates.Count);
                if (i % 2 == 0) { OneByOne(); Batched(); }
                else { Batched(); OneByOne(); }
            }
        }
        times.Sort();
        looks.Sort();
        var lookText = looks.Count == 0 ? "" : FormattableString.Invariant($"; a device's history and certificates after each seek: median {looks[looks.Count / 2]:0.0} ms, max {looks[^1]:0.0} ms");
        pagesOneByOne.Sort();
        pagesBatched.Sort();
        if (pagesBatched.Count > 0)
            lookText += FormattableString.Invariant($"; an entity page's certificates read back, per certificate: one read each median {pagesOneByOne[pagesOneByOne.Count / 2]:0.00} ms, one read for the page median {pagesBatched[pagesBatched.Count / 2]:0.00} ms ({pagesOneByOne[pagesOneByOne.Count / 2] / pagesBatched[pagesBatched.Count / 2]:0.0}×)");
        model.SeekTo(new SimInstant(start.Utc + (end.Utc - start.Utc) * 0.5));
        var stepTimes = new List<double>();
        for (var i = 0; i < steps; i++)
        {
            var step = Stopwatch.StartNew();
            if (model.NextInstantAfter(model.Position) is not { } next) break;
            model.SeekTo(next);
            stepTimes.Add(step.Elapsed.TotalMilliseconds);
        }
        stepTimes.Sort();
        var stepText = stepTimes.Count == 0 ? "no steps" : FormattableString.Invariant($"{stepTimes.Count} steps: median {stepTimes[stepTimes.Count / 2]:0.0} ms, max {stepTimes[^1]:0.0} ms");
        return FormattableString.Invariant($"{events} events; {model.CheckpointCount} checkpoints; load {load.Elapsed.TotalSeconds:0.0} s, live heap after it {live:0} MB, peak working set by then {loadPeak:0} MB; {seeks} seeks: median {times[times.Count / 2]:0} ms, max {times[^1]:0} ms{lookText}; {stepText}; {model.Current.Entities.Count} entities at the last");
    }

    private static double Timed(Func<int> read)
    {
        var clock = Stopwatch.StartNew();
        GC.KeepAlive(read());
        return clock.Elapsed.TotalMilliseconds;
    }
}

using System.Security.Cryptography;
using System.Text.Json;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Actors.Protocol;
using Twin.Actors.Scenarios;
using Twin.Host.Cli;

namespace Twin.Host.Tests.Cli;

/// <summary>
/// Reading a recorded run back page by page gives what reading it whole gave, byte for byte: the report the `run` verb
/// wrote (report.json, report.md, digest), the export at an instant and at the end, and the replay at any instant.
/// The oracle is the whole-run path — every event in one list, folded by the same pure functions.
/// </summary>
public abstract class ReadBackTests<TPlant>(TPlant plant) where TPlant : RecordedPlant
{
    [Fact]
    public async Task The_streamed_report_is_the_report_of_the_whole_run()
    {
        await using var recorded = await RecordedRun.OpenAsync(plant.Db, plant.Run);
        var all = await EventQuery.AllAsync(recorded.System, recorded.Run);
        var lines = await RunDigest.DescribeAsync(recorded.System, recorded.Run);
        var digest = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")))));
        Assert.Equal((digest, lines.Count), await RunDigest.ComputeAsync(recorded.System, recorded.Run));

        using var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(plant.Report, "report.json")));
        var end = SimInstant.Parse(written.RootElement.GetProperty("end").GetString()!);
        var scenario = ScenarioLoader.LoadFile(plant.Scenario);
        var (mode, speed) = CommonOptions.ParseSpeed("max");
        var spec = scenario.ToPlant(null, mode, speed, null);
        var reference = RunReport.Create(scenario, spec, end, digest, lines.Count, await PlantReplay.CurrentAsync(recorded.System, recorded.Run), TimeSpan.Zero) with
        {
            WallSeconds = written.RootElement.GetProperty("wallSeconds").GetDouble(),
            Metrics = RunMetrics.Fold(all, end),
            Expectations = ExpectationCheck.Evaluate(scenario.Expectations, all, spec.Start, end),
        };
        Assert.NotEmpty(reference.Expectations);
        var folder = Path.Combine(plant.Folder, "report-reference-" + Guid.NewGuid().ToString("N")[..6]);
        reference.Write(folder);

        Assert.Equal(File.ReadAllText(Path.Combine(folder, "report.json")), File.ReadAllText(Path.Combine(plant.Report, "report.json")));
        Assert.Equal(File.ReadAllText(Path.Combine(folder, "report.md")), File.ReadAllText(Path.Combine(plant.Report, "report.md")));
    }

    [Fact]
    public async Task The_streamed_metrics_keep_only_what_the_analyses_read_yet_equal_the_whole_runs()
    {
        await using var recorded = await RecordedRun.OpenAsync(plant.Db, plant.Run);
        var all = await EventQuery.AllAsync(recorded.System, recorded.Run);
        var record = await RunRecord.ReadAsync(recorded.System, recorded.Run);
        Assert.Equal(all.Count, record.Events);
        Assert.True(record.Analysed.Count < all.Count, $"kept {record.Analysed.Count} of {all.Count}");
        // At every instant the run passed, not only its end: the analyses cut at the end they are given.
        foreach (var end in Instants(all, 12))
        {
            Assert.Equal(Json(RunMetrics.Fold(all, end)), Json(RunMetrics.Fold(record, end)));
            var scenario = ScenarioLoader.LoadFile(plant.Scenario);
            var start = all.Min(e => e.At);
            Assert.Equal(Json(ExpectationCheck.Evaluate(scenario.Expectations, all, start, end)), Json(ExpectationCheck.Evaluate(scenario.Expectations, record.Analysed, start, end)));
        }
    }

    [Fact]
    public async Task The_streamed_export_writes_the_same_files_as_the_whole_run_export()
    {
        await using var recorded = await RecordedRun.OpenAsync(plant.Db, plant.Run);
        var all = await EventQuery.AllAsync(recorded.System, recorded.Run);
        List<SimInstant?> instants = [.. Instants(all, 3).Select(i => (SimInstant?)i)];
        instants.Add(null); // --at end
        foreach (var at in instants)
        {
            var name = at?.Utc.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "end";
            var expected = Path.Combine(plant.Folder, $"export-reference-{name}-{Guid.NewGuid().ToString("N")[..6]}");
            var actual = Path.Combine(plant.Folder, $"export-streamed-{name}-{Guid.NewGuid().ToString("N")[..6]}");
            ExportReference.Write(recorded.Run, all, at, expected);
            var written = await ExportCommand.WriteAsync(recorded, at, actual);
            Assert.NotNull(written);
            Assert.True(written.Certificates > 0, $"{name}: no certificates");
            using (var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(actual, "manifest.json"))))
            {
                Assert.Equal(written.Certificates, manifest.RootElement.GetProperty("certificates").GetArrayLength());
                Assert.Equal(written.Crls, manifest.RootElement.GetProperty("crls").GetArrayLength());
                Assert.Equal(written.Events, manifest.RootElement.GetProperty("events").GetInt32());
            }
            var files = Files(expected);
            Assert.Equal(files, Files(actual));
            foreach (var file in files)
                Assert.True(File.ReadAllBytes(Path.Combine(expected, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, file))), $"{name}: {file} differs");
        }
    }

    [Fact]
    public async Task The_replay_read_from_the_journal_shows_what_the_whole_run_in_memory_shows_at_every_instant()
    {
        await using var recorded = await RecordedRun.OpenAsync(plant.Db, plant.Run);
        var all = await EventQuery.AllAsync(recorded.System, recorded.Run);
        var whole = new ReplayReadModel();
        whole.Load(all);
        // Checkpoints a few events apart, so that a seek starts from many different ones and the thinning runs.
        var paged = new ReplayReadModel(checkpointSpacing: Math.Max(1, all.Count / (ReplayReadModel.MaxCheckpoints * 3)));
        Assert.Equal(all.Count, await paged.LoadAsync(recorded.System, recorded.Run));
        Assert.Equal(whole.Range, paged.Range);
        Assert.Equal(Json(whole.Current), Json(paged.Current));
        var instants = Instants(all, 40).Concat([whole.Range.Start.Add(TimeSpan.FromSeconds(-1)), whole.Range.End.Add(TimeSpan.FromDays(1))]);
        foreach (var at in instants)
        {
            whole.SeekTo(at);
            paged.SeekTo(at);
            Assert.Equal(whole.Position, paged.Position);
            Assert.Equal(Json(whole.Current), Json(paged.Current));
            Assert.Equal(whole.NextInstantAfter(at), paged.NextInstantAfter(at));
        }
    }

    [Fact]
    public async Task The_replay_read_from_the_journal_steps_and_scrubs_back_and_forth_as_the_whole_run_does()
    {
        await using var recorded = await RecordedRun.OpenAsync(plant.Db, plant.Run);
        var all = await EventQuery.AllAsync(recorded.System, recorded.Run);
        var whole = new ReplayReadModel();
        whole.Load(all);
        // Few checkpoints far apart: most reads begin at the instant shown, not at a checkpoint.
        var paged = new ReplayReadModel(checkpointSpacing: Math.Max(1, all.Count / 24), maxCheckpoints: 6);
        Assert.Equal(all.Count, await paged.LoadAsync(recorded.System, recorded.Run));
        Assert.True(paged.CheckpointCount <= 6, $"{paged.CheckpointCount} checkpoints");

        // Stepping from the start, as the dashboard's step does: the next recorded instant, then there.
        whole.SeekTo(whole.Range.Start);
        paged.SeekTo(whole.Range.Start);
        Assert.Equal(Json(whole.Current), Json(paged.Current));
        for (var i = 0; i < 60 && whole.NextInstantAfter(whole.Position) is { } next; i++)
        {
            Assert.Equal(next, paged.NextInstantAfter(paged.Position));
            whole.SeekTo(next);
            paged.SeekTo(next);
            Assert.Equal(Json(whole.Current), Json(paged.Current));
        }

        // Scrubbing: later and near, earlier past checkpoints, the same instant twice, between recorded instants — in a fixed shuffled order.
        var instants = Instants(all, 30);
        var between = instants.Zip(instants.Skip(1), (a, b) => new SimInstant(a.Utc + (b.Utc - a.Utc) / 2));
        var random = new Random(7);
        foreach (var at in instants.Concat(instants).Concat(between).OrderBy(_ => random.Next()).ToList())
        {
            whole.SeekTo(at);
            paged.SeekTo(at);
            Assert.Equal(whole.Position, paged.Position);
            Assert.Equal(Json(whole.Current), Json(paged.Current));
            Assert.Equal(whole.NextInstantAfter(at), paged.NextInstantAfter(at));
        }
    }

    [Fact]
    public async Task A_replay_view_restored_from_a_checkpoint_is_the_view_folded_from_the_journal_up_to_its_instant()
    {
        await using var recorded = await RecordedRun.OpenAsync(plant.Db, plant.Run);
        var all = await EventQuery.AllAsync(recorded.System, recorded.Run);
        var paged = new ReplayReadModel(checkpointSpacing: Math.Max(1, all.Count / 40), maxCheckpoints: 8);
        Assert.Equal(all.Count, await paged.LoadAsync(recorded.System, recorded.Run));
        // Latest first: every seek goes back past the view shown, so it starts at a checkpoint (thinned to 8 slots).
        foreach (var at in Instants(all, 16).OrderDescending())
        {
            paged.SeekTo(at);
            var restored = paged.Current;
            // The checkpoint and the view hold neither histories nor the bytes of installed certificates: both are read back.
            Assert.Contains(restored.Entities.Values, v => v.RecordedHistory is not null);
            Assert.DoesNotContain(restored.Entities.Values, v => v.RecordedHistory is null && v.History.Count > 0);
            Assert.All(restored.Entities.Values.Where(v => v.Kind == EntityKinds.Device).SelectMany(v => v.Certificates), c => Assert.NotNull(c.RecordedAt));

            // The oracle: the journal read from its first event up to the instant, folded in full (histories and bytes held).
            var folded = PlantSnapshot.Empty;
            var number = 0L;
            foreach (var e in all.TakeWhile(e => e.At <= at)) folded = PlantReadModel.Fold(folded, e, ++number);
            Assert.Equal(number, restored.Version);
            Assert.Equal(Json(folded), Json(restored));
            foreach (var (id, view) in folded.Entities)
            {
                Assert.Equal(view.History.Select(h => (h.Offset, h.Kind, h.Summary)), restored.Entities[id].History.Select(h => (h.Offset, h.Kind, h.Summary)));
                // An entity's page lists its certificates read back together (one journal read): the same bytes, in the same order.
                Assert.Equal(view.Certificates.Select(c => Convert.ToHexString(c.Der.AsSpan())), CertificateView.DersOf(restored.Entities[id].Certificates).Select(d => Convert.ToHexString(d.AsSpan())));
                Assert.Equal(view.Certificates.Select(c => Convert.ToHexString(c.Der.AsSpan())), restored.Entities[id].Certificates.Select(c => Convert.ToHexString(c.Der.AsSpan())));
            }
        }
    }

    [Fact]
    public async Task A_replayed_entity_page_reads_its_certificates_back_in_one_journal_query()
    {
        await using var recorded = await RecordedRun.OpenAsync(plant.Db, plant.Run);
        var all = await EventQuery.AllAsync(recorded.System, recorded.Run);
        var replay = new ReplayReadModel(checkpointSpacing: Math.Max(1, all.Count / 40), maxCheckpoints: 8);
        await replay.LoadAsync(recorded.System, recorded.Run);
        // Back from the end shown after loading: the view starts at a checkpoint, which holds no certificate bytes.
        replay.SeekTo(Instants(all, 16)[^2]);
        // What a page lists, none of it read yet: the bytes are not in the view but in the journal.
        var listed = replay.Current.Entities.Values.SelectMany(v => v.Certificates).Where(c => c.RecordedAt is not null).ToList();
        Assert.True(listed.Count >= 2, $"only {listed.Count} certificate(s) to read back");
        var source = listed[0].RecordedAt!.Value.Source;
        Assert.All(listed, c => Assert.Same(source, c.RecordedAt!.Value.Source));
        var before = source.JournalReads;

        var ders = CertificateView.DersOf(listed);

        Assert.Equal(before + 1, source.JournalReads);
        Assert.Equal(listed.Count, ders.Distinct(new DerComparer()).Count());
        // Read once, kept: a redraw of the same page (each certificate's details) asks the journal nothing more.
        Assert.Equal(ders.Select(d => Convert.ToHexString(d.AsSpan())), listed.Select(c => Convert.ToHexString(c.Der.AsSpan())));
        Assert.Equal(before + 1, source.JournalReads);
    }

    private sealed class DerComparer : IEqualityComparer<System.Collections.Immutable.ImmutableArray<byte>>
    {
        public bool Equals(System.Collections.Immutable.ImmutableArray<byte> x, System.Collections.Immutable.ImmutableArray<byte> y) => x.AsSpan().SequenceEqual(y.AsSpan());
        public int GetHashCode(System.Collections.Immutable.ImmutableArray<byte> obj) => obj.Length;
    }

    // Distinct instants of the run spread over it: the first, the last, and evenly between (each an instant an event has).
    private static List<SimInstant> Instants(IReadOnlyList<ITwinEvent> events, int count)
    {
        var distinct = events.Select(e => e.At).Distinct().Order().ToList();
        return Enumerable.Range(0, count).Select(i => distinct[(int)((long)i * (distinct.Count - 1) / Math.Max(1, count - 1))]).Distinct().ToList();
    }

    private static List<string> Files(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal).ToList();

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, RunReport.JsonOptions);
}

/// <summary>Read-back of scenarios/pea-key-compromise.yaml.</summary>
public sealed class PeaKeyCompromiseReadBackTests(PeaKeyCompromisePlant plant) : ReadBackTests<PeaKeyCompromisePlant>(plant), IClassFixture<PeaKeyCompromisePlant>;

/// <summary>Read-back of scenarios/issuing-ca-compromise.yaml.</summary>
public sealed class IssuingCaCompromiseReadBackTests(IssuingCaCompromisePlant plant) : ReadBackTests<IssuingCaCompromisePlant>(plant), IClassFixture<IssuingCaCompromisePlant>;

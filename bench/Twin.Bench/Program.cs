using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Device;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Persistence;
using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Commands;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

// Scenario throughput: a root CA and N devices with 90-day certificates renewed at ¾ over Y
// simulated years, in max mode on SQLite. The peer, measured in the same process right before,
// is raw issuance: CSR creation + CA issuance in a loop on one thread, no actors, no journal.
// CMP enrollment throughput: ... -- cmp [--requests N] [--concurrency C] [--openssl N] (CmpBench.cs)
// What a restarted run pays to find its latest journaled instant: ... -- journal-scan FILE.db [--rounds N] (JournalScanBench.cs)
if (args.Length > 1 && args[0] == "journal-scan")
{
    await JournalScanBench.RunAsync(args[1], Arg("--rounds", 5));
    return;
}
// Reading a recorded run back (report, replay; page by page or whole): ... -- read-back FILE.db STEP --run ID [--seeks N] [--steps N] [--checkpoints N] (ReadBackBench.cs)
if (args.Length > 2 && args[0] == "read-back")
{
    var runAt = Array.IndexOf(args, "--run");
    await ReadBackBench.RunAsync(args[1], args[2], runAt > 0 && runAt + 1 < args.Length ? args[runAt + 1] : throw new ArgumentException("read-back: give --run ID"),
        Arg("--seeks", 10), Arg("--steps", 20), Arg("--checkpoints", Twin.Actors.Projections.ReplayReadModel.MaxCheckpoints));
    return;
}
if (args.Length > 0 && args[0] == "cmp")
{
    await CmpBench.RunAsync(Arg);
    return;
}
// With --reference: the reference plant of the scale goal — 2 root CAs (standing in for the two
// trust centres), 4 issuing CAs under them, 50 PEAs with 2 servers each and --devices field devices spread over the
// issuing CAs. --db takes a postgres:// URL (or connection string) to journal on PostgreSQL.
// Usage: dotnet run -c Release --project bench/Twin.Bench -- [--devices N] [--years Y] [--lifetime-days D] [--reference] [--db URL] [--sqlite-full-sync] [--digest]
//        ... -- --key-storage software|tpm|hsm|pkcs11 [--devices N] [--years Y] [--lifetime-days D]
var devices = Arg("--devices", 100);
var years = Arg("--years", 10);
var lifetimeDays = Arg("--lifetime-days", 90);
// --key-storage KIND: the same plant with software keys, then with KIND keys, in one process (KeyStorageBench.cs).
var keyStorageIndex = Array.IndexOf(args, "--key-storage");
if (keyStorageIndex >= 0)
{
    await KeyStorageBench.RunAsync(keyStorageIndex + 1 < args.Length ? args[keyStorageIndex + 1] : "", devices, years, lifetimeDays);
    return;
}
var reference = args.Contains("--reference");
var dbIndex = Array.IndexOf(args, "--db");

var raw = RawIssuancePerSecond(TimeSpan.FromSeconds(5));
Console.WriteLine(FormattableString.Invariant($"raw issuance (CSR + issue, P-256, 1 thread): {raw:0} /s"));

var folder = Path.Combine(Path.GetTempPath(), "planttrust-bench", Guid.NewGuid().ToString("N"));
var database = dbIndex >= 0 && dbIndex + 1 < args.Length ? TwinDatabase.Parse(args[dbIndex + 1], "--db") : TwinDatabase.Sqlite(Path.Combine(folder, "journal.db"));
TwinPersistence.Prepare(database);
var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING")
    .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.SerializationHocon))
    .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.Hocon(database)));
var run = new RunId(args.Contains("--digest") ? "bench-digest" : "bench-" + Guid.NewGuid().ToString("N")[..8]); // the run id is in every event: fixed when digests are compared
var start = SimInstant.Parse("2030-01-01T00:00:00Z");
var (authorities, parties, plantText) = reference ? ReferencePlant(devices, years, lifetimeDays) : SingleCaPlant(devices, years, lifetimeDays);
var spec = new PlantSpec(run, start, 1, StartRunning: true, authorities, parties)
{
    Mode = ClockMode.Max,
    Seed = 1,
    Until = start.Add(TimeSpan.FromDays(365 * years)),
};

// --sqlite-full-sync: SQLite's own default (an fsync per commit) instead of the twin's synchronous=NORMAL, to measure what that costs.
using var system = args.Contains("--sqlite-full-sync") ? ActorSystem.Create("bench", config) : ActorSystem.Create("bench", TwinPersistence.SystemSetup(config, database));
int[] gcBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var clock = new SimulationClock(spec.Start, spec.Mode, spec.Speed);
var watch = Stopwatch.StartNew();
var plant = system.ActorOf(PlantSupervisor.Props(spec, clock, new FileKeyVault(Path.Combine(folder, "keys")), new SimulationWork()), "plant");
// Every 30 s of wall time: how far simulated time has come and what the process holds, so a run stopped early still says where it was.
using var progress = new Timer(_ => Console.WriteLine(Progress(watch.Elapsed, clock.Now)), null, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
var idle = await plant.Ask<ClockIdle>(new WhenClockIdle(), TimeSpan.FromHours(2));
watch.Stop();
await progress.DisposeAsync();
var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds; // the run only, not the read-back below
var runPeakMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0); // the read-back below holds the whole run's history at once
Console.WriteLine(FormattableString.Invariant($"run finished in {watch.Elapsed.TotalSeconds:0.0} s wall; reading the run back from the journal ..."));
var readBack = Stopwatch.StartNew();
var snapshot = await PlantReplay.CurrentAsync(system, run);
readBack.Stop();
var events = snapshot.Version;
var issued = snapshot.Entities.Values.Where(e => e.Kind != EntityKinds.CertificationAuthority).Sum(e => e.Certificates.Count);
var seconds = watch.Elapsed.TotalSeconds;
var peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
Console.WriteLine(FormattableString.Invariant($"plant: {plantText}, {years} years of {lifetimeDays}-day certificates, max mode, {database.Engine}"));
Console.WriteLine(FormattableString.Invariant($"reached {idle.Reading.Now} in {seconds:0.0} s wall: {events} events ({events / seconds:0} /s), {issued} device certificates ({issued / seconds:0} /s)"));
Console.WriteLine(FormattableString.Invariant($"twin issuance / raw issuance: {issued / seconds / raw:P1}; peak working set {runPeakMb:0} MB during the run, {peakMb:0} MB with the read-back"));
Console.WriteLine(FormattableString.Invariant($"read-back of the whole run (every event through the run's tag, as replay, export and reports read it): {readBack.Elapsed.TotalSeconds:0.0} s"));
// --digest: the run's event-stream digest (RunDigest), to show a change to the twin's internals left a seeded run's events as they were.
if (args.Contains("--digest"))
{
    var (digest, digestEvents) = await RunDigest.ComputeAsync(system, run);
    Console.WriteLine(FormattableString.Invariant($"digest {digest} over {digestEvents} events"));
}
Console.WriteLine(FormattableString.Invariant($"process CPU {cpu:0.0} s ({cpu / seconds:0.00} cores busy); collections gen0 {GC.CollectionCount(0) - gcBefore[0]}, gen1 {GC.CollectionCount(1) - gcBefore[1]}, gen2 {GC.CollectionCount(2) - gcBefore[2]}; GC pause {GC.GetTotalPauseDuration().TotalSeconds:0.0} s"));
await system.Terminate();
if (Environment.GetEnvironmentVariable("TWIN_BENCH_KEEP") != "1") Directory.Delete(folder, recursive: true);

static (List<(EntityId, CaSettings)>, List<(EntityId, DeviceSettings)>, string) SingleCaPlant(int devices, int years, int lifetimeDays)
{
    var ca = new EntityId("ca-root");
    return ([(ca, new CaSettings("CN=Bench Root", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(365 * (years + 5))))],
        Enumerable.Range(1, devices).Select(i => (new EntityId($"device-{i:00000}"), new DeviceSettings(ca, $"CN=device-{i:00000}", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(lifetimeDays)))).ToList(),
        $"1 root CA, {devices} devices");
}

static (List<(EntityId, CaSettings)>, List<(EntityId, DeviceSettings)>, string) ReferencePlant(int devices, int years, int lifetimeDays)
{
    var caLife = TimeSpan.FromDays(365 * (years + 5));
    var roots = new[] { new EntityId("tc-de-root"), new EntityId("tc-jp-root") };
    var authorities = new List<(EntityId, CaSettings)>
    {
        (roots[0], new CaSettings("CN=Trust Centre DE Root", KeyAlgorithm.EcdsaP256, caLife)),
        (roots[1], new CaSettings("CN=Trust Centre JP Root", KeyAlgorithm.EcdsaP256, caLife)),
    };
    var issuing = Enumerable.Range(1, 4).Select(i => new EntityId($"ca-issuing-{i}")).ToArray();
    for (var i = 0; i < issuing.Length; i++)
        authorities.Add((issuing[i], new CaSettings($"CN=Issuing CA {i + 1}", KeyAlgorithm.EcdsaP256, caLife) { Parent = roots[i % 2] }));
    var parties = new List<(EntityId, DeviceSettings)>();
    // Two OPC UA servers per PEA, each holding its own application certificate (the scenario's `servers: 2` names them pea-NNN and pea-NNN-s2).
    for (var i = 1; i <= 50; i++)
        foreach (var server in new[] { $"pea-{i:000}", $"pea-{i:000}-s2" })
            parties.Add((new EntityId(server), new DeviceSettings(issuing[i % 4], $"CN={server}", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(lifetimeDays))));
    for (var i = 1; i <= devices; i++)
        parties.Add((new EntityId($"device-{i:00000}"), new DeviceSettings(issuing[i % 4], $"CN=device-{i:00000}", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(lifetimeDays))));
    return (authorities, parties, $"2 root CAs, 4 issuing CAs, 50 PEAs with 2 servers each (certificate lifecycle only, no OPC UA servers), {devices} devices");
}

static string Progress(TimeSpan elapsed, SimInstant now)
{
    using var self = Process.GetCurrentProcess();
    var gc = GC.GetGCMemoryInfo();
    return FormattableString.Invariant($"[{elapsed.TotalSeconds:0} s] simulated {now}; working set {self.WorkingSet64 / 1048576.0:0} MB (peak {self.PeakWorkingSet64 / 1048576.0:0}); GC heap {gc.HeapSizeBytes / 1048576.0:0} MB, committed {gc.TotalCommittedBytes / 1048576.0:0} MB, gen-2 collections {GC.CollectionCount(2)}");
}

static double RawIssuancePerSecond(TimeSpan duration)
{
    var t0 = DateTimeOffset.Parse("2030-01-01T00:00:00Z", CultureInfo.InvariantCulture);
    var root = CertificateAuthority.CreateRoot("CN=Raw Root", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), t0, t0.AddYears(20));
    var watch = Stopwatch.StartNew();
    var count = 0;
    while (watch.Elapsed < duration)
    {
        var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var csr = CertificationRequest.Create("CN=raw", key);
        root.Issue(csr, CertificateProfile.LDevId, t0, t0.AddDays(90));
        count++;
    }
    return count / watch.Elapsed.TotalSeconds;
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;
}

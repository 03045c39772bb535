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
using Twin.Pki.Keys;

/// <summary>
/// What a key store costs a run: the same plant (a root CA and N devices renewing at ¾ of their lifetime with a new key each
/// time) in max mode on SQLite, first with software keys (the peer), then with the devices' keys in KIND and the CA's in an
/// HSM (for KIND = tpm or hsm; with pkcs11 the CA's key is on the token too), alternating over two rounds in one process;
/// reported as a ratio of the best wall times, with the keys left in the store at the end (superseded keys are destroyed).
/// Usage: dotnet run -c Release --project bench/Twin.Bench -- --key-storage tpm|hsm|pkcs11 [--devices N] [--years Y] [--lifetime-days D]
/// </summary>
internal static class KeyStorageBench
{
    public static async Task RunAsync(string kindText, int devices, int years, int lifetimeDays)
    {
        var kind = KeyRefs.Parse(kindText) ?? throw new ArgumentException($"--key-storage: '{kindText}' is not one of {string.Join(", ", KeyRefs.Names)}.");
        // Two rounds, alternating, best of each: the first run of a process also pays for JIT and warm-up.
        Result? software = null, measured = null;
        for (var round = 0; round < 2; round++)
        {
            software = Best(software, await RunOnceAsync(KeyStoreKind.Software, devices, years, lifetimeDays));
            measured = kind == KeyStoreKind.Software ? software : Best(measured, await RunOnceAsync(kind, devices, years, lifetimeDays));
        }
        Console.WriteLine(FormattableString.Invariant($"plant: 1 root CA, {devices} devices, {years} years of {lifetimeDays}-day certificates, max mode, SQLite"));
        foreach (var (name, r) in new[] { ("software", software!), (KeyRefs.Text(kind), measured!) }.Distinct())
            Console.WriteLine(FormattableString.Invariant($"{name,-9}: {r.Seconds:0.0} s wall, {r.Events} events ({r.Events / r.Seconds:0} /s), {r.Keys} keys left in the store"));
        Console.WriteLine(FormattableString.Invariant($"{KeyRefs.Text(kind)} / software wall time (best of 2 alternating rounds each): {measured!.Seconds / software!.Seconds:0.00}"));
    }

    private static int _runs;

    private sealed record Result(double Seconds, long Events, int Keys);

    private static Result Best(Result? a, Result b) => a is null || b.Seconds < a.Seconds ? b : a;

    private static async Task<Result> RunOnceAsync(KeyStoreKind kind, int devices, int years, int lifetimeDays)
    {
        var folder = Path.Combine(Path.GetTempPath(), "planttrust-bench", Guid.NewGuid().ToString("N"));
        var database = TwinDatabase.Sqlite(Path.Combine(folder, "journal.db"));
        TwinPersistence.Prepare(database);
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING")
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.SerializationHocon))
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.Hocon(database)));
        var run = new RunId($"keys-{KeyRefs.Text(kind)}-{Interlocked.Increment(ref _runs)}"); // a token outlives a round: one run id each
        var start = SimInstant.Parse("2030-01-01T00:00:00Z");
        var ca = new EntityId("ca-root");
        var authority = kind is KeyStoreKind.Software or KeyStoreKind.Pkcs11 ? kind : KeyStoreKind.Hsm;
        var spec = new PlantSpec(run, start, 1, StartRunning: true,
            [(ca, new CaSettings("CN=Bench Root", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(365 * (years + 5))) { KeyStorage = authority })],
            [.. Enumerable.Range(1, devices).Select(i => (new EntityId($"device-{i:00000}"),
                new DeviceSettings(ca, $"CN=device-{i:00000}", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(lifetimeDays)) { KeyStorage = kind }))])
        {
            Mode = ClockMode.Max,
            Seed = 1,
            Until = start.Add(TimeSpan.FromDays(365 * years)),
        };
        using var system = ActorSystem.Create("bench-keys", TwinPersistence.SystemSetup(config, database));
        try
        {
            var clock = new SimulationClock(spec.Start, spec.Mode, spec.Speed);
            var watch = Stopwatch.StartNew();
            var plant = system.ActorOf(PlantSupervisor.Props(spec, clock, new FileKeyVault(Path.Combine(folder, "keys")), new SimulationWork()), "plant");
            await plant.Ask<ClockIdle>(new WhenClockIdle(), TimeSpan.FromHours(2));
            watch.Stop();
            var snapshot = await PlantReplay.CurrentAsync(system, run);
            var keys = kind == KeyStoreKind.Pkcs11
                ? SoftHsmToken.Acquire(Path.Combine(folder, "keys"), first: false).Labels.Count(l => l.StartsWith(run.Value + "/", StringComparison.Ordinal))
                : Directory.GetFiles(Path.Combine(folder, "keys"), kind == KeyStoreKind.Software ? "*.p8" : "*.sealed", SearchOption.AllDirectories).Length;
            return new Result(watch.Elapsed.TotalSeconds, snapshot.Version, keys);
        }
        finally
        {
            await system.Terminate();
            // The process's PKCS#11 token lives in the first pkcs11 run's folder: that one stays until the process ends.
            var holdsToken = SoftHsmToken.Folder?.StartsWith(folder, StringComparison.Ordinal) == true;
            if (Environment.GetEnvironmentVariable("TWIN_BENCH_KEEP") != "1" && !holdsToken) Directory.Delete(folder, recursive: true);
        }
    }
}

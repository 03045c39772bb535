using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Persistence;
using Twin.Actors.Plant;
using Twin.Actors.Protocol.Commands;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;
using Twin.Pki.Keys;

/// <summary>
/// CMP ir throughput (MAC with a one-time secret, implicit confirmation), measured in one run next to
/// its peers: the codec and issuance alone (no actors, no journal), the registrar entity in process
/// (journaled decisions and issuance on SQLite), and openssl's own client against openssl's mock server
/// (process start included: what a scripted device enrollment costs).
/// Usage: dotnet run -c Release --project bench/Twin.Bench -- cmp [--requests N] [--concurrency C] [--openssl N]
/// </summary>
internal static class CmpBench
{
    public static async Task RunAsync(Func<string, int, int> arg)
    {
        var requests = arg("--requests", 2000);
        var concurrency = arg("--concurrency", 16);
        var opensslRuns = arg("--openssl", 20);
        var keys = Enumerable.Range(0, Math.Min(requests, 256)).Select(_ => KeyGenerator.Generate(KeyAlgorithm.EcdsaP256)).ToArray();

        var codec = CodecPerSecond(keys, TimeSpan.FromSeconds(5));
        Console.WriteLine(FormattableString.Invariant($"codec + issuance (ir build, decode, MAC, POP, issue, ip; 1 thread): {codec:0} /s"));

        var (registrar, elapsed) = await RegistrarAsync(keys, requests, concurrency);
        Console.WriteLine(FormattableString.Invariant($"registrar entity in process ({requests} ir, {concurrency} in flight, SQLite journal): {registrar:0} /s ({elapsed.TotalSeconds:0.0} s)"));
        Console.WriteLine(FormattableString.Invariant($"registrar / codec: {registrar / codec:P1}"));

        var openssl = await OpenSslMsPerIrAsync(opensslRuns);
        Console.WriteLine(FormattableString.Invariant($"openssl cmp client -> openssl mock server, {opensslRuns} ir one after another: {openssl:0.0} ms each ({1000 / openssl:0} /s)"));
        Console.WriteLine(FormattableString.Invariant($"registrar in process / openssl client: {registrar / (1000 / openssl):0.0}x"));
    }

    private static double CodecPerSecond(KeyPair[] keys, TimeSpan budget)
    {
        var start = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var ca = CertificateAuthority.CreateRoot("CN=Bench CA", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), start, start.AddYears(10));
        var secret = Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef");
        var server = new CmpSender("CN=Bench CA", null, start, PkiRandom.System);
        var watch = Stopwatch.StartNew();
        var n = 0;
        while (watch.Elapsed < budget)
        {
            var key = keys[n % keys.Length];
            var from = new CmpSender("CN=d", CmpProtector.PasswordBasedMac(Encoding.UTF8.GetBytes("ref"), secret, PkiRandom.System), start, PkiRandom.System);
            var ir = CmpMessage.Decode(CmpRequests.CertRequest(CmpBodyType.Ir, from, "CN=Bench CA", key, $"CN=d{n}", implicitConfirm: true).Der);
            if (!ir.VerifyMac(secret)) throw new InvalidOperationException("MAC");
            var r = ir.CertRequests()[0];
            if (!r.PopVerified) throw new InvalidOperationException("POP");
            var issued = ca.Issue(new IssuanceRequest(r.Subject!, r.PublicKey!, CertificateProfile.LDevId, start, start.AddDays(30)));
            _ = CmpReplies.Certificate(ir, server with { Protector = CmpProtector.MacLike(ir, secret, PkiRandom.System) }, 0, issued, null, true);
            n++;
        }
        return n / watch.Elapsed.TotalSeconds;
    }

    private static async Task<(double PerSecond, TimeSpan Elapsed)> RegistrarAsync(KeyPair[] keys, int requests, int concurrency)
    {
        var folder = Path.Combine(Path.GetTempPath(), "planttrust-bench", Guid.NewGuid().ToString("N"));
        var db = Path.Combine(folder, "journal.db");
        TwinPersistence.PrepareSqliteFile(db);
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING")
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.SerializationHocon))
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.SqliteHocon(db)));
        using var system = ActorSystem.Create("cmp-bench", TwinPersistence.SystemSetup(config, TwinDatabase.Sqlite(db)));
        var run = new RunId("cmp-bench");
        var start = SimInstant.Parse("2030-01-01T00:00:00Z");
        var clock = new SimulationClock(start, ClockMode.Realtime, 1);
        var work = new SimulationWork();
        var vault = new FileKeyVault(Path.Combine(folder, "keys"));
        var entropy = Entropy.System(run);
        var runtime = new PlantRuntime();
        var clockActor = system.ActorOf(ClockActor.Props(run, clock, work, startRunning: true));
        var caId = new EntityId("ca-root");
        var ca = system.ActorOf(CaActor.Props(run, caId, new CaSettings("CN=Bench Root", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650)), clock, vault, work, clockActor, entropy, distribution: runtime.Distribution));
        var settings = new RegistrarSettings("bench", caId, KeyAlgorithm.EcdsaP256, RegistrarMode.Ca);
        var registrar = system.ActorOf(RegistrarActor.Props(run, RegistrarSettings.EntityIdOf("bench"), settings, clock, clockActor, ca, vault, work, entropy, runtime));
        // Secrets first (the operator hands them out ahead), then only the ir round trips are timed.
        var secrets = new List<EnrollmentSecret>(requests);
        for (var i = 0; i < requests; i++) secrets.Add(await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret("bench"), TimeSpan.FromSeconds(60)));
        var messages = secrets.Select((s, i) =>
        {
            var from = new CmpSender($"CN=d{i}", CmpProtector.PasswordBasedMac(Encoding.UTF8.GetBytes(s.Reference), Encoding.ASCII.GetBytes(s.Secret), PkiRandom.System), clock.Now.Utc, PkiRandom.System);
            return CmpRequests.CertRequest(CmpBodyType.Ir, from, null, keys[i % keys.Length], $"CN=d{i}", implicitConfirm: true).Der;
        }).ToList();
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < messages.Count)
            {
                var reply = await registrar.Ask<CmpReply>(new CmpRequest(messages[i], "bench"), TimeSpan.FromSeconds(60));
                if (reply.Refused) throw new InvalidOperationException("refused: " + CmpMessage.Decode(reply.Der).ErrorStatus().Text);
            }
        }));
        watch.Stop();
        await system.Terminate();
        return (requests / watch.Elapsed.TotalSeconds, watch.Elapsed);
    }

    private static async Task<double> OpenSslMsPerIrAsync(int runs)
    {
        var folder = Path.Combine(Path.GetTempPath(), "planttrust-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string F(string n) => Path.Combine(folder, n);
        await Run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", F("ca.key"), "-out", F("ca.pem"), "-subj", "/CN=Mock", "-days", "3650",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature");
        await Run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", F("ee.key"), "-out", F("ee.csr"), "-subj", "/CN=ee");
        await File.WriteAllTextAsync(F("ee.ext"), "keyUsage=critical,digitalSignature\n");
        await Run("x509", "-req", "-in", F("ee.csr"), "-CA", F("ca.pem"), "-CAkey", F("ca.key"), "-set_serial", "7", "-days", "365", "-extfile", F("ee.ext"), "-out", F("ee.pem"));
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0)) { l.Start(); port = ((IPEndPoint)l.LocalEndpoint).Port; }
        using var mock = Start("cmp", "-port", port.ToString(CultureInfo.InvariantCulture), "-srv_ref", "1", "-srv_secret", "pass:s", "-rsp_cert", F("ee.pem"), "-grant_implicitconf");
        await Task.Delay(500); // let the mock bind before the first client
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < runs; i++)
            await Run("cmp", "-cmd", "ir", "-server", $"127.0.0.1:{port}", "-path", "pkix/", "-ref", "1", "-secret", "pass:s", "-recipient", "/CN=Mock",
                "-newkey", F("ee.key"), "-subject", "/CN=ee", "-implicit_confirm", "-certout", F("out.pem"));
        watch.Stop();
        mock.Kill();
        return watch.Elapsed.TotalMilliseconds / runs;
    }

    private static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static async Task Run(params string[] args)
    {
        using var p = Start(args);
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"openssl {string.Join(' ', args)} failed with {p.ExitCode}");
    }
}

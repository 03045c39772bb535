using System.Text.Json;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests.Cli;

/// <summary>
/// A domain in RA mode forwards its member's ir to openssl's mock CMP server (the upstream CA, RFC 9483 §5.2.3) and relays the
/// certificate openssl issued. A run killed with SIGKILL while the request is upstream, or after the RA decided it and before the
/// device installed the answer, and started again on the same journal ends with the digest of an uninterrupted run: the device sends
/// its ir again, the RA forwards it again with the same bytes and relays openssl's answer without deciding twice.
/// </summary>
public sealed class RaResumeTests(RaResumeTests.Upstream upstream) : IClassFixture<RaResumeTests.Upstream>
{
    // The kill points (RFC 9483 §4.1.1 ir through an RA):
    // - reg.decision #1: the ir went upstream, openssl's answer was not decided on (the RA forwards it again);
    // - dev.cert-installed #1: the RA relayed openssl's certificate (decision journaled), the device never installed it.
    [Theory]
    [InlineData("reg.decision.v1#1")]
    [InlineData("dev.cert-installed.v1#1")]
    public async Task A_run_killed_with_a_request_upstream_resumes_to_the_uninterrupted_digest(string killBefore)
    {
        var folder = RepoPaths.NewScratch("ra-resume-at");
        var scenario = RepoPaths.WriteText(folder, "plant.yaml", upstream.Plant);
        var db = Path.Combine(folder, "run.db");

        var journaled = await KillResume.KillBeforeAsync(scenario, folder, killBefore);
        Assert.True(await KillResume.CountAsync(db, "dev.cmp-requested.v1") > await KillResume.CountAsync(db, "dev.cert-installed.v1"), "no request was open at the kill");

        await KillResume.AssertResumesLikeAsync(scenario, folder, journaled, Task.FromResult(upstream.Whole));
        Assert.Equal(0, await KillResume.CountAsync(db, "dev.cmp-refused.v1"));
        Assert.Equal(1, await KillResume.CountAsync(db, "reg.decision.v1")); // decided once: forwarded, never refused as a reused transactionID
        Assert.Equal(upstream.Serial, await InstalledSerialAsync(db));
    }

    // Against a mock that certifies another key the RA refuses to relay (badCertTemplate) and the member asks again every hour:
    // - reg.secret-issued #2: the first ir was refused and the refusal journaled, the retry's secret not (the retry stays an hour after the ir);
    // - dev.cmp-refused #2: the RA refused the second ir, the member did not journal it (answered again from the journal).
    [Theory]
    [InlineData("reg.secret-issued.v1#2")]
    [InlineData("dev.cmp-refused.v1#2")]
    public async Task A_run_killed_around_a_refused_request_resumes_to_the_uninterrupted_digest(string killBefore)
    {
        var folder = RepoPaths.NewScratch("ra-refused-at");
        var scenario = RepoPaths.WriteText(folder, "plant.yaml", upstream.RefusingPlant);
        var db = Path.Combine(folder, "run.db");

        var journaled = await KillResume.KillBeforeAsync(scenario, folder, killBefore);

        await KillResume.AssertResumesLikeAsync(scenario, folder, journaled, Task.FromResult(upstream.RefusingWhole));
        Assert.Equal(0, await KillResume.CountAsync(db, "dev.cert-installed.v1"));
    }

    // The serial of the certificate the device installed (openssl reads it).
    private static async Task<string> InstalledSerialAsync(string db)
    {
        var der = Convert.FromBase64String((await MessagesAsync(db, "dev.cert-installed.v1")).Single().GetProperty("certificateDer").GetString()!);
        var folder = RepoPaths.NewScratch("ra-resume-cert");
        var file = Path.Combine(folder, "installed.der");
        await File.WriteAllBytesAsync(file, der);
        var serial = await Peer.OpenSslAsync("x509", "-inform", "DER", "-in", file, "-noout", "-serial");
        Assert.True(serial.ExitCode == 0, serial.All);
        return serial.StdOut.Trim();
    }

    private static async Task<List<JsonElement>> MessagesAsync(string db, string manifest)
    {
        await using var c = KillResume.Open(db);
        await using var command = c.CreateCommand();
        command.CommandText = "SELECT message FROM journal WHERE manifest = $m ORDER BY ordering";
        command.Parameters.AddWithValue("$m", manifest);
        var found = new List<JsonElement>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            using var json = JsonDocument.Parse(reader[0] is byte[] bytes ? bytes : System.Text.Encoding.UTF8.GetBytes((string)reader[0]));
            found.Add(json.RootElement.Clone());
        }
        return found;
    }

    /// <summary>
    /// openssl's mock CMP server on loopback as the RA's upstream CA, answering with a certificate for the device's key. The device's
    /// key comes from the scenario's seed: a first run against a mock that answers for another key (the RA refuses to relay it)
    /// journals it; openssl then certifies it (<c>x509 -force_pubkey</c>) and a second mock answers with that certificate.
    /// </summary>
    public sealed class Upstream : IAsyncLifetime
    {
        public const string Secret = "mock-upstream-secret";
        private readonly string _folder = RepoPaths.NewScratch("ra-resume-upstream");
        private readonly List<OpenSslCmpMock> _mocks = [];

        /// <summary>The scenario every test runs (its upstream URL names the mock).</summary>
        public string Plant { get; private set; } = "";

        /// <summary>The uninterrupted run's digest and event count.</summary>
        public (string Digest, int Events) Whole { get; private set; }

        /// <summary>The same plant against a mock that answers with a certificate for another key: every ir is refused.</summary>
        public string RefusingPlant { get; private set; } = "";

        /// <summary>That plant's uninterrupted digest and event count.</summary>
        public (string Digest, int Events) RefusingWhole { get; private set; }

        /// <summary>openssl's "serial=…" line for the certificate the mock hands out.</summary>
        public string Serial { get; private set; } = "";

        public async Task InitializeAsync()
        {
            await Ssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", F("ca.key"), "-out", F("ca.pem"),
                "-subj", "/CN=Upstream Mock CA", "-days", "36500", "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature");
            await Ssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", F("other.key"), "-out", F("other.csr"), "-subj", "/CN=sensor-001/O=Operator");
            RepoPaths.WriteText(_folder, "ee.ext", "keyUsage=critical,digitalSignature\n");
            await Ssl("x509", "-req", "-in", F("other.csr"), "-CA", F("ca.pem"), "-CAkey", F("ca.key"), "-set_serial", "0x66", "-days", "36500", "-extfile", F("ee.ext"), "-out", F("other.pem"));

            // Refused throughout; its journal gives the device's first key, as the seed makes it.
            RefusingPlant = PlantAt(await StartAsync(F("other.pem")));
            var refusing = "";
            RefusingWhole = await KillResume.UninterruptedAsync("ra-refused-whole", folder => RepoPaths.WriteText(refusing = folder, "plant.yaml", RefusingPlant));
            var key = (await MessagesAsync(Path.Combine(refusing, "run.db"), "dev.key-generated.v1")).First().GetProperty("publicKeyInfo").GetString()!;
            RepoPaths.WriteText(_folder, "device-pub.pem", $"-----BEGIN PUBLIC KEY-----\n{string.Join('\n', key.Chunk(64).Select(c => new string(c)))}\n-----END PUBLIC KEY-----\n");
            await Ssl("x509", "-req", "-in", F("other.csr"), "-CA", F("ca.pem"), "-CAkey", F("ca.key"), "-force_pubkey", F("device-pub.pem"), "-set_serial", "0x99", "-days", "36500",
                "-extfile", F("ee.ext"), "-out", F("device.pem"));
            Serial = "serial=99";

            Plant = PlantAt(await StartAsync(F("device.pem")));
            var (digest, events) = await KillResume.UninterruptedAsync("ra-resume-whole", folder => RepoPaths.WriteText(folder, "plant.yaml", Plant));
            Whole = (digest, events);
        }

        public async Task DisposeAsync()
        {
            foreach (var mock in _mocks) await mock.DisposeAsync();
        }

        private string F(string name) => Path.Combine(_folder, name);

        // One member enrolling through the RA; its certificate (openssl's, valid for a century) needs no renewal within the run.
        private static string PlantAt(OpenSslCmpMock mock) => RaPlantYaml.Build("Resumed RA", "resumed-ra", mock.Url, "CN=Upstream Mock CA", Secret, "Operator");

        // openssl cmp -port: answers every certificate request with responseCert, MAC-protected with the shared secret, implicitly confirmed.
        private async Task<OpenSslCmpMock> StartAsync(string responseCert)
        {
            var mock = await OpenSslCmpMock.StartAsync(_folder, Secret, F("ca.pem"), F("ca.key"), responseCert,
                ["-srv_trusted", F("ca.pem"), "-rsp_extracerts", F("ca.pem"), "-grant_implicitconf", "-no_check_time"]);
            _mocks.Add(mock);
            return mock;
        }

        private static async Task Ssl(params string[] args)
        {
            var result = await Peer.OpenSslAsync(args);
            Assert.True(result.ExitCode == 0, $"openssl {string.Join(' ', args)}: {result.All}");
        }
    }
}

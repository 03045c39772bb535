using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Twin.Actors.Projections;
using Twin.Actors.Scenarios;
using Twin.Host.Enrollment;
using Microsoft.AspNetCore.Hosting;
using Twin.Host.Api;
using Twin.Host.Hosting;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Tests.Support;

namespace Twin.Host.Tests.Enrollment;

/// <summary>
/// A live twin in this process (dashboard on an ephemeral port, enrollment listener on another) with a root and an issuing CA,
/// a manufacturer with its MASA, IDevIDs (one allow-listed, one not) and a foreign CA made by openssl — shared by the EST and BRSKI tests.
/// The run's simulated clock starts at wall-clock now and runs at speed 1, so certificates the twin issues are valid for curl too.
/// One operator domain, "line" (CA mode under the issuing CA, allow-listing the manufacturer's JADA-* IDevIDs), has a registrar:
/// EST into it is decided there, and it owns valve-001, made by the twin's own manufacturer entity valve-maker (whose MASA vouchers
/// for it over /.well-known/brski/line/), and CMP to it is served on the same TLS listener. Domain "remote" is in RA mode: EST into it goes
/// upstream as CMP to openssl's mock server.
/// </summary>
public sealed class EnrollmentHost : IAsyncLifetime
{
    private WebApplication? _app;

    public string Folder { get; } = RepoPaths.NewScratch("enrollment-host");
    public Uri Est { get; private set; } = null!;
    public HttpClient Api { get; private set; } = null!;
    public EstTwinBackend Backend { get; private set; } = null!;
    public Twin.Actors.Control.ITwinControl Control { get; private set; } = null!;
    public string RootPem { get; private set; } = "";
    public Certificate Manufacturer { get; private set; } = null!;
    public string ManufacturerPem { get; private set; } = "";
    public (string Cert, string Key, Certificate Certificate, KeyPair KeyPair) Allowed { get; private set; }
    public (string Cert, string Key, Certificate Certificate, KeyPair KeyPair) NotAllowed { get; private set; }
    public (string Cert, string Key, Certificate Certificate, KeyPair KeyPair) Revocable { get; private set; }
    public (string Cert, string Key) Foreign { get; private set; }

    public async Task InitializeAsync()
    {
        // The foreign CA and its client certificate come from openssl: a PKI the twin has never seen.
        var fca = Path.Combine(Folder, "foreign-ca");
        var fkey = Path.Combine(Folder, "foreign.key");
        var fcsr = Path.Combine(Folder, "foreign.csr");
        var fcert = Path.Combine(Folder, "foreign.pem");
        await Must("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "3650", "-subj", "/CN=Foreign CA", "-keyout", fca + ".key", "-out", fca + ".pem");
        await Must("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=intruder/serialNumber=JADA-0001", "-keyout", fkey, "-out", fcsr);
        await Must("x509", "-req", "-in", fcsr, "-CA", fca + ".pem", "-CAkey", fca + ".key", "-CAcreateserial", "-days", "365", "-out", fcert);
        Foreign = (fcert, fkey);

        // The manufacturer: IDevID CA, MASA signer, and two pledges' IDevIDs.
        var wall = DateTimeOffset.UtcNow;
        var mfg = CertificateAuthority.CreateRoot("C=DE,O=Pump Maker,CN=Pump Maker IDevID CA", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), wall.AddYears(-1), wall.AddYears(20));
        Manufacturer = mfg.Certificate;
        ManufacturerPem = RepoPaths.WriteText(Folder, "manufacturer.pem", mfg.Certificate.ToPem());
        var masaKey = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var masa = mfg.Issue(new IssuanceRequest("C=DE,O=Pump Maker,CN=Pump Maker MASA", masaKey.PublicKey, CertificateProfile.CodeSigning, wall.AddYears(-1), wall.AddYears(10)));
        var masaCert = RepoPaths.WriteText(Folder, "masa.pem", masa.ToPem());
        var masaKeyFile = RepoPaths.WriteText(Folder, "masa.key", masaKey.ExportPkcs8Pem());
        Allowed = Idevid(mfg, "JADA-0001", wall);
        NotAllowed = Idevid(mfg, "OTHER-0009", wall);
        Revocable = Idevid(mfg, "JADA-0099", wall);

        // The RA-mode domain's upstream: openssl's mock CMP server, started once the twin's root (its trust anchor) exists.
        var mockPort = OpenSslCmpMock.FreePort();
        var upstreamCa = await UpstreamMock.MakeAsync(Folder);

        var start = new DateTimeOffset(wall.Year, wall.Month, wall.Day, wall.Hour, wall.Minute, wall.Second, TimeSpan.Zero).AddSeconds(-1);
        const string jadaSerials = "JADA-[0-9]{4}";
        // cloneDetection off: several tests have the valve maker's MASA voucher its one product again (each with a fresh IDevID).
        var yaml = $"""
            name: Enrollment test plant
            run: enrollment
            start: {start.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}
            clock:
              mode: realtime
              speed: 1
            design:
              cloneDetection: false
            topology:
              rootCa:
                id: ca-root
                subject: CN=Operator Root CA,O=Operator,C=DE
                algorithm: EcdsaP256
                validity: P3650D
              cas:
                - id: ca-issuing
                  parent: ca-root
                  subject: CN=Operator Issuing CA,O=Operator,C=DE
                  profile: IssuingCa
              manufacturers:
                - id: valve-maker
                  subject: "C=FR,O=Valve Maker,CN=Valve Maker CA"
                  makes: [valve-001]
              devices:
                - id: valve-001
                  subject: CN=valve-001,O=Operator
              domains:
                - name: line
                  issuingCa: ca-issuing
                  signatureSuite: EcdsaP256
                  mode: ca
                  members: [valve-001]
                  allowList:
                    - manufacturerCa: {ManufacturerPem}
                      serialNumber: "{jadaSerials}"
                - name: remote
                  issuingCa: ca-issuing
                  mode: ra
                  allowList:
                    - manufacturerCa: {ManufacturerPem}
                      serialNumber: "{jadaSerials}"
                  upstream:
                    url: http://127.0.0.1:{mockPort}/pkix/
                    recipient: CN=Upstream Mock CA
                    reference: "4711"
                    secret: {UpstreamMock.Secret}
                    certificate: {upstreamCa}
            """;
        var scenario = ScenarioLoader.Load(yaml, "enrollment.yaml");
        var options = new TwinOptions
        {
            Urls = "http://127.0.0.1:0",
            Database = Path.Combine(Folder, "planttrust.db"),
            Est = new EstOptions
            {
                Port = 0,
                Manufacturers = [new ManufacturerOptions { CaFile = ManufacturerPem, MasaCertificateFile = masaCert, MasaKeyFile = masaKeyFile }],
                AllowList = [new AllowListEntry { Issuer = mfg.Certificate.Subject, SerialNumber = "JADA-*" }],
            },
        };
        // The host's services, API and enrollment listener as TwinHost composes them, without the dashboard's static assets
        // (which exist only in the executable's own output folder).
        var spec = scenario.ToPlant();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Folder, Args = [] });
        builder.WebHost.UseUrls(options.Urls);
        builder.Services.AddTwin(options, spec);
        builder.Services.AddEstEnrollment(options.Est, spec.Run);
        _app = builder.Build();
        _app.MapTwinApi();
        await _app.StartAsync();
        Api = new HttpClient { BaseAddress = new Uri(_app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
        Backend = _app.Services.GetRequiredService<EstTwinBackend>();
        Control = _app.Services.GetRequiredService<Twin.Actors.Control.ITwinControl>();
        Est = _app.Services.GetRequiredService<EnrollmentTlsListener>().Address!;
        var model = _app.Services.GetRequiredService<IPlantReadModel>();
        await WaitForAsync(model, s => s.Entities.TryGetValue("ca-issuing", out var ca) && ca.Current is not null);
        var root = await Api.GetFromJsonAsync<JsonElement>("/api/entities/ca-root");
        RootPem = RepoPaths.WriteText(Folder, "root.pem", root.GetProperty("certificates")[0].GetProperty("pem").GetString()!);
        Upstream = await UpstreamMock.StartAsync(Folder, mockPort, RootPem);
    }

    /// <summary>openssl's mock CMP server, the upstream CA of domain "remote"; it always answers with <see cref="UpstreamMock.DeviceCert"/>.</summary>
    public UpstreamMock Upstream { get; private set; } = null!;

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        if (Upstream is not null) await Upstream.DisposeAsync();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>Runs curl against the enrollment listener, trusting the twin's root; returns the HTTP status, the body file and curl's output.</summary>
    public async Task<(int Status, string BodyFile, Peer.Result Curl)> CurlAsync(string path, string? cert = null, string? key = null, string? dataFile = null, string? contentType = null)
    {
        var body = Path.Combine(Folder, "body-" + Guid.NewGuid().ToString("N"));
        var args = new List<string> { "-sS", "--max-time", "30", "--cacert", RootPem, "-o", body, "-w", "%{http_code}" };
        if (cert is not null) args.AddRange(["--cert", cert, "--key", key!]);
        if (dataFile is not null) args.AddRange(["--data-binary", "@" + dataFile, "-H", "Content-Type: " + contentType]);
        args.Add(new Uri(Est, path).ToString());
        var result = await Peer.RunAsync("curl", args);
        return (int.TryParse(result.StdOut.Trim(), out var status) ? status : -1, body, result);
    }

    /// <summary>
    /// What one curl exchange told, for an assertion's message: the status, curl's own output and the body when curl wrote
    /// one. A failed exchange (no connection, a time-out) writes no body file; its message must still show curl's error.
    /// </summary>
    public static string Told(int status, string bodyFile, Peer.Result curl) =>
        $"HTTP {status}; curl: {curl.All}; body: {(File.Exists(bodyFile) ? File.ReadAllText(bodyFile) : "(none written)")}";

    /// <summary>Runs curl as <see cref="CurlAsync"/> where a refusal is expected: checks the HTTP status and returns the reason the body gives.</summary>
    public async Task<string> RefusedAsync(int expected, string path, string? cert = null, string? key = null, string? dataFile = null, string? contentType = null)
    {
        var (status, body, curl) = await CurlAsync(path, cert, key, dataFile, contentType);
        var reason = File.Exists(body) ? await File.ReadAllTextAsync(body) : "";
        Assert.True(status == expected, $"HTTP {status} where {expected} was expected: {reason} {curl.All}");
        return reason;
    }

    /// <summary>A fresh P-256 key and a base64 DER PKCS#10 request from openssl for <paramref name="subject"/>.</summary>
    public async Task<(string Key, string CsrBase64)> OpenSslCsrAsync(string subject, string? key = null)
    {
        var id = Guid.NewGuid().ToString("N");
        key ??= Path.Combine(Folder, $"k-{id}.pem");
        if (!File.Exists(key)) await Must("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key);
        var der = Path.Combine(Folder, $"csr-{id}.der");
        await Must("req", "-new", "-key", key, "-subj", subject, "-outform", "DER", "-out", der);
        var b64 = Path.Combine(Folder, $"csr-{id}.b64");
        await Must("base64", "-in", der, "-out", b64);
        return (key, b64);
    }

    /// <summary>Decodes a base64 body with openssl and prints the certificates of the PKCS#7 in it; returns openssl's PEM output.</summary>
    public static async Task<string> PrintCertsAsync(string base64File)
    {
        var der = base64File + ".der";
        await Must("base64", "-d", "-in", base64File, "-out", der);
        var printed = await Peer.OpenSslAsync("pkcs7", "-inform", "DER", "-in", der, "-print_certs");
        Assert.True(printed.ExitCode == 0, printed.All);
        return printed.StdOut;
    }

    /// <summary>The decisions of domain <paramref name="domain"/>'s registrar (its audit trail).</summary>
    public async Task<List<JsonElement>> AuditAsync(string domain) =>
        (await Api.GetFromJsonAsync<List<JsonElement>>($"/api/domains/{domain}/audit"))!;

    /// <summary>A fresh one-time reference and secret for CMP MAC enrollment into <paramref name="domain"/>, from the API.</summary>
    public async Task<(string Reference, string Secret)> OtpAsync(string domain)
    {
        var response = await Api.PostAsync($"/api/domains/{domain}/otp", null);
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (json.GetProperty("reference").GetString()!, json.GetProperty("secret").GetString()!);
    }

    public async Task<List<JsonElement>> EventsAsync() =>
        (await Api.GetFromJsonAsync<List<JsonElement>>("/api/events?since=0&limit=1000"))!;

    public static async Task Must(params string[] args)
    {
        var r = await Peer.OpenSslAsync(args);
        Assert.True(r.ExitCode == 0, $"openssl {string.Join(' ', args)}: {r.All}");
    }

    private (string, string, Certificate, KeyPair) Idevid(CertificateAuthority mfg, string serial, DateTimeOffset wall)
    {
        var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var cert = mfg.Issue(new IssuanceRequest($"C=DE,O=Pump Maker,CN=Pump,serialNumber={serial}", key.PublicKey, CertificateProfile.IDevId, wall.AddYears(-1), wall.AddYears(15)));
        return (RepoPaths.WriteText(Folder, serial + ".pem", cert.ToPem()), RepoPaths.WriteText(Folder, serial + ".key", key.ExportPkcs8Pem()), cert, key);
    }

    // The read model tells when it changes: wait on that signal (bounded), not on the wall clock.
    private static async Task WaitForAsync(IPlantReadModel model, Func<PlantSnapshot, bool> condition)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(PlantSnapshot s) { if (condition(s)) done.TrySetResult(); }
        model.Changed += OnChanged;
        try
        {
            if (condition(model.Current)) return;
            await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            model.Changed -= OnChanged;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class EnrollmentHostGroup : ICollectionFixture<EnrollmentHost>
{
    public const string Name = "enrollment host";
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Security;
using Twin.OpcUa.Server;
using Twin.Pki.Authority;
using Twin.Pki.Encoding;
using Twin.Pki.Keys;

// Secure sessions per second (Basic256Sha256 SignAndEncrypt, RSA-2048: OPN + CreateSession + ActivateSession + CloseSession)
// and reads per second on one session, against our server and node-opcua's server, with our client, in one run.
// Usage: dotnet run -c Release --project bench/Twin.OpcUa.Bench [seconds-per-measurement]
var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var root = FindRoot();
var pki = BenchPki.Create();
var work = Directory.CreateTempSubdirectory("twin-opcua-bench").FullName;

var serverOptions = new ServerOptions
{
    ApplicationUri = BenchPki.ServerUri, Certificate = pki.Server, CertificateValidator = pki.Validator(), SecurityPolicyUris = [SecurityPolicies.Basic256Sha256],
};
var space = new AddressSpace(BenchPki.ServerUri, "urn:planttrust:bench");
var plant = space.AddFolder(null, "Plant");
space.AddVariable(plant.NodeId, "Temperature", 21.5);
await using var ours = UaServerHost.StartTcp(space, serverOptions);
await using var node = await NodeServer.StartAsync(root, work, pki);

var client = new ClientOptions
{
    ApplicationUri = BenchPki.ClientUri, Certificate = pki.Client, ServerCertificateValidator = pki.Validator(),
    AllowedPolicies = [SecurityPolicies.Basic256Sha256], SecurityMode = MessageSecurityMode.SignAndEncrypt,
};

Console.WriteLine($"## Twin.OpcUa (measured {DateTime.UtcNow:yyyy-MM-dd})");
Console.WriteLine();
Console.WriteLine($"Machine: {Environment.ProcessorCount} logical cores, {RuntimeDescription()}; each figure is {seconds:0} s of work after a warm-up.");
Console.WriteLine();
Console.WriteLine("| measurement | our server | node-opcua server |");
Console.WriteLine("| --- | --- | --- |");
Console.WriteLine($"| secure sessions/s (Basic256Sha256 SignAndEncrypt, RSA-2048, our client) | {await SessionsPerSecond(ours.EndpointUrl):0.0} | {await SessionsPerSecond(node.EndpointUrl):0.0} |");
foreach (var outstanding in new[] { 1, 16 })
    Console.WriteLine($"| reads/s on one secure session, {outstanding} outstanding | {await ReadsPerSecond(ours.EndpointUrl, new NodeId("Plant.Temperature", 2), outstanding):0} | {await ReadsPerSecond(node.EndpointUrl, new NodeId("Plant.Temperature", 1), outstanding):0} |");
return;

async Task<double> SessionsPerSecond(string url)
{
    await using (await ClientSession.ConnectAsync(url, client)) { }
    var count = 0;
    var watch = Stopwatch.StartNew();
    while (watch.Elapsed.TotalSeconds < seconds)
    {
        await using (await ClientSession.ConnectAsync(url, client)) { }
        count++;
    }
    return count / watch.Elapsed.TotalSeconds;
}

async Task<double> ReadsPerSecond(string url, NodeId nodeId, int outstanding)
{
    await using var session = await ClientSession.ConnectAsync(url, client);
    for (var i = 0; i < 100; i++) await session.ReadValueAsync(nodeId);
    var count = 0;
    var watch = Stopwatch.StartNew();
    var workers = Enumerable.Range(0, outstanding).Select(async _ =>
    {
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            var v = await session.ReadValueAsync(nodeId);
            if (v.StatusCode.IsBad) throw new InvalidOperationException($"read failed: {v.StatusCode}");
            Interlocked.Increment(ref count);
        }
    });
    await Task.WhenAll(workers);
    return count / watch.Elapsed.TotalSeconds;
}

static string RuntimeDescription()
{
    var cpu = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() : null;
    return $"{cpu ?? "unknown CPU"}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}";
}

static string FindRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PlantTrust.sln"))) dir = dir.Parent;
    return dir?.FullName ?? throw new InvalidOperationException("PlantTrust.sln not found");
}

/// <summary>A CA with server and client certificates for the bench, issued by Twin.Pki.</summary>
internal sealed class BenchPki
{
    public const string ServerUri = "urn:planttrust:bench:server";
    public const string ClientUri = "urn:planttrust:bench:client";
    public const string NodeServerUri = "urn:node-opcua:peer:server";

    public required CertificateAuthority Ca { get; init; }
    public required X509Certificate2 Server { get; init; }
    public required X509Certificate2 Client { get; init; }
    public required (X509Certificate2 Cert, KeyPair Key) NodeServer { get; init; }
    public required byte[] Crl { get; init; }

    public static BenchPki Create()
    {
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        var caKey = KeyGenerator.Generate(KeyAlgorithm.Rsa2048);
        var ca = CertificateAuthority.CreateRoot("CN=Bench CA", caKey, start, start.AddYears(1));
        (X509Certificate2, KeyPair) Issue(string cn, string uri)
        {
            var key = KeyGenerator.Generate(KeyAlgorithm.Rsa2048);
            var der = ca.Issue(new IssuanceRequest($"CN={cn}", key.PublicKey, CertificateProfile.OpcUaApplication, start, start.AddMonths(6)) { UriNames = [uri], DnsNames = ["localhost"], IpAddresses = [IPAddress.Loopback] }).GetDer();
            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(key.ExportPkcs8(), out _);
            using var cert = X509CertificateLoader.LoadCertificate(der);
            return (cert.CopyWithPrivateKey(rsa), key);
        }
        using var caCert = X509CertificateLoader.LoadCertificate(ca.Certificate.GetDer());
        using var caRsa = RSA.Create();
        caRsa.ImportPkcs8PrivateKey(caKey.ExportPkcs8(), out _);
        var crl = new CertificateRevocationListBuilder().Build(caCert.SubjectName, X509SignatureGenerator.CreateForRSA(caRsa, RSASignaturePadding.Pkcs1), BigInteger.One,
            start.AddMonths(6), HashAlgorithmName.SHA256, X509AuthorityKeyIdentifierExtension.CreateFromCertificate(caCert, true, false), start);
        return new BenchPki { Ca = ca, Server = Issue("Bench server", ServerUri).Item1, Client = Issue("Bench client", ClientUri).Item1, NodeServer = Issue("node-opcua bench", NodeServerUri), Crl = crl };
    }

    public PkiCertificateValidator Validator()
    {
        var v = new PkiCertificateValidator();
        v.AddTrusted(Ca.Certificate.GetDer());
        v.AddRevocationList(Crl);
        return v;
    }
}

/// <summary>The node-opcua peer server of the interop tests (tests/Twin.OpcUa.Tests/Peers/server.js) with secure endpoints.</summary>
internal sealed class NodeServer : IAsyncDisposable
{
    private readonly Process _process;

    private NodeServer(Process process, string url)
    {
        _process = process;
        EndpointUrl = url;
    }

    public string EndpointUrl { get; }

    public static async Task<NodeServer> StartAsync(string root, string work, BenchPki pki)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var pkiFolder = Path.Combine(work, "node-pki");
        var certs = Path.Combine(work, "node-certs");
        Directory.CreateDirectory(certs);
        File.WriteAllText(Path.Combine(certs, "server.pem"), pki.NodeServer.Cert.ExportCertificatePem());
        File.WriteAllText(Path.Combine(certs, "server.key"), Pem.Encode("PRIVATE KEY", pki.NodeServer.Key.ExportPkcs8()));
        foreach (var store in new[] { "server", "user" })
        {
            Directory.CreateDirectory(Path.Combine(pkiFolder, store, "trusted", "certs"));
            Directory.CreateDirectory(Path.Combine(pkiFolder, store, "trusted", "crl"));
            File.WriteAllBytes(Path.Combine(pkiFolder, store, "trusted", "certs", "ca.der"), pki.Ca.Certificate.GetDer());
            File.WriteAllBytes(Path.Combine(pkiFolder, store, "trusted", "crl", "ca.crl"), pki.Crl);
        }
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = Path.Combine(root, "tests", "peers") };
        foreach (var a in new[] { Path.Combine(root, "tests", "Twin.OpcUa.Tests", "Peers", "server.js"), port.ToString(CultureInfo.InvariantCulture), pkiFolder, certs }) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) ready.TrySetException(new InvalidOperationException("node-opcua server exited"));
            else if (e.Data.StartsWith("READY ", StringComparison.Ordinal)) ready.TrySetResult();
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return new NodeServer(process, $"opc.tcp://127.0.0.1:{port}");
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        try { await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)); }
        catch (TimeoutException) { _process.Kill(entireProcessTree: true); }
        _process.Dispose();
    }
}

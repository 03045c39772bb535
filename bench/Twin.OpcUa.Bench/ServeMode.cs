using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Server;

/// <summary>
/// `serve PORT FOLDER`: our server alone in this process, so the bench can read its CPU time and memory. FOLDER holds
/// server.pem, server.key, ca.der and ca.crl. Prints "READY url" and stops when standard input closes.
/// </summary>
internal static class ServeMode
{
    public const string AddressSpaceUri = "urn:planttrust:bench";

    /// <summary>The server's spin for a busy client's next request: TWIN_BENCH_SERVER_SPIN_US (0 to 1000 µs), else the server's default.</summary>
    public static TimeSpan Spin() => Environment.GetEnvironmentVariable("TWIN_BENCH_SERVER_SPIN_US") is { Length: > 0 } text
        ? int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var us) && us is >= 0 and <= 1000 ? TimeSpan.FromMicroseconds(us)
            : throw new ArgumentException($"TWIN_BENCH_SERVER_SPIN_US must be a whole number of µs from 0 to 1000, not '{text}'.")
        : ServerOptions.DefaultReceiveSpin;

    public static async Task RunAsync(int port, string folder)
    {
        using var certificate = X509Certificate2.CreateFromPemFile(Path.Combine(folder, "server.pem"), Path.Combine(folder, "server.key"));
        var options = new ServerOptions
        {
            ApplicationUri = BenchPki.ServerUri, Certificate = certificate,
            CertificateValidator = BenchPki.Validator(File.ReadAllBytes(Path.Combine(folder, "ca.der")), File.ReadAllBytes(Path.Combine(folder, "ca.crl"))),
            SecurityPolicyUris = [SecurityPolicies.Basic256Sha256], MaxSessions = 2500, MaxConnections = 2600, ReceiveSpin = Spin(),
        };
        var space = new AddressSpace(BenchPki.ServerUri, AddressSpaceUri);
        var plant = space.AddFolder(null, "Plant");
        space.AddVariable(plant.NodeId, "Temperature", 21.5);
        await using var host = UaServerHost.StartTcp(space, options, port);
        Console.WriteLine("READY " + host.EndpointUrl);
        await Console.In.ReadToEndAsync();
    }
}

using Twin.Tests.Support;

namespace Twin.Host.Tests.Enrollment;

/// <summary>
/// openssl's mock CMP server (<c>openssl cmp -port</c>) as an upstream CA on loopback: it checks signature-protected requests
/// against the given trust anchor, MAC-protected ones with <see cref="Secret"/>, and answers every certificate request with one
/// fixed certificate (<see cref="DeviceCert"/>, key <see cref="DeviceKey"/>): a request for another key gets a certificate that does not match.
/// </summary>
public sealed class UpstreamMock : IAsyncDisposable
{
    public const string Secret = "mock-upstream-secret";
    public const string Subject = "CN=Upstream Mock CA";
    public const string DeviceSubject = "/CN=upstream-device";

    private readonly OpenSslCmpMock _mock;

    private UpstreamMock(OpenSslCmpMock mock, string folder)
    {
        _mock = mock;
        DeviceCert = Path.Combine(folder, "upstream-ee.pem");
        DeviceKey = Path.Combine(folder, "upstream-ee.key");
    }

    /// <summary>The certificate the mock hands out (serial 0x77, issued by the mock CA).</summary>
    public string DeviceCert { get; }

    /// <summary>The private key of <see cref="DeviceCert"/>.</summary>
    public string DeviceKey { get; }

    /// <summary>Makes the mock CA and its fixed end-entity certificate in <paramref name="folder"/>; returns the CA certificate's path.</summary>
    public static async Task<string> MakeAsync(string folder)
    {
        string F(string name) => Path.Combine(folder, name);
        await Ssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", F("upstream-ca.key"), "-out", F("upstream-ca.pem"),
            "-subj", "/" + Subject, "-days", "3650", "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature");
        await Ssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", F("upstream-ee.key"), "-out", F("upstream-ee.csr"), "-subj", DeviceSubject);
        RepoPaths.WriteText(folder, "upstream-ee.ext", "keyUsage=critical,digitalSignature\n");
        await Ssl("x509", "-req", "-in", F("upstream-ee.csr"), "-CA", F("upstream-ca.pem"), "-CAkey", F("upstream-ca.key"), "-set_serial", "0x77", "-days", "365",
            "-extfile", F("upstream-ee.ext"), "-out", F("upstream-ee.pem"));
        return F("upstream-ca.pem");
    }

    /// <summary>Starts the mock on 127.0.0.1:<paramref name="port"/>, trusting <paramref name="trustedPem"/> for signed requests.</summary>
    public static async Task<UpstreamMock> StartAsync(string folder, int port, string trustedPem) =>
        new(await OpenSslCmpMock.StartAsync(folder, Secret, Path.Combine(folder, "upstream-ca.pem"), Path.Combine(folder, "upstream-ca.key"), Path.Combine(folder, "upstream-ee.pem"),
            ["-srv_trusted", trustedPem], port), folder);

    public ValueTask DisposeAsync() => _mock.DisposeAsync();

    private static async Task Ssl(params string[] args)
    {
        var result = await Peer.OpenSslAsync(args);
        Assert.True(result.ExitCode == 0, $"openssl {string.Join(' ', args)}: {result.All}");
    }
}

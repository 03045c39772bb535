using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;

namespace Twin.Pki.Tests.Cmp;

/// <summary>Our end-entity messages, judged by openssl's mock CMP server (`openssl cmp -port`): it must accept their protection and POP.</summary>
public sealed class CmpClientOracleTests : IAsyncLifetime
{
    private const string Secret = "oracle-secret";
    private readonly int _port = FreePort();
    private Process? _mock;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    private static string Data(string name) => Path.Combine(CmpFixtureTests.DataDir, name);

    private static Certificate Ee => Certificate.FromPem(File.ReadAllText(Data("ee.pem")));

    private static KeyPair EeKey => KeyPair.ImportPkcs8Pem(File.ReadAllText(Data("ee.key")));

    public Task InitializeAsync()
    {
        var psi = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // The mock signs with the fixture CA's certificate but its key is gone: MAC replies only, so -srv_cert is absent.
        foreach (var a in new[] { "cmp", "-port", _port.ToString(CultureInfo.InvariantCulture), "-srv_ref", "4711", "-srv_secret", $"pass:{Secret}",
            "-rsp_cert", Data("ee.pem"), "-rsp_capubs", Data("ca.pem"), "-srv_trusted", Data("ca.pem"), "-no_check_time" })
            psi.ArgumentList.Add(a);
        _mock = Process.Start(psi)!;
        _mock.OutputDataReceived += (_, _) => { };
        _mock.ErrorDataReceived += (_, _) => { };
        _mock.BeginOutputReadLine();
        _mock.BeginErrorReadLine();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_mock is { HasExited: false })
        {
            _mock.Kill(entireProcessTree: true);
            await _mock.WaitForExitAsync();
        }
        _mock?.Dispose();
    }

    private static CmpSender Mac() => new("CN=fixture-device", CmpProtector.PasswordBasedMac(System.Text.Encoding.UTF8.GetBytes("4711"), System.Text.Encoding.UTF8.GetBytes(Secret), PkiRandom.System, mac: CmpMacAlgorithm.HmacSha256), DateTimeOffset.UtcNow, PkiRandom.System);

    private async Task<CmpMessage> PostAsync(byte[] der)
    {
        // The mock may still be starting: retry the connection, bounded.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (true)
        {
            try
            {
                using var content = new ByteArrayContent(der);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/pkixcmp");
                var response = await _http.PostAsync($"http://127.0.0.1:{_port}/pkix/", content, cts.Token);
                return CmpMessage.Decode(await response.Content.ReadAsByteArrayAsync(cts.Token));
            }
            catch (HttpRequestException) when (!cts.IsCancellationRequested)
            {
                await timer.WaitForNextTickAsync(cts.Token);
            }
        }
    }

    [Fact] // RFC 9483 §4.1.5: ir with PasswordBasedMac (hmacWithSHA256), certConf, pkiConf
    public async Task Our_MAC_protected_ir_and_certConf_are_accepted_by_openssl()
    {
        var ir = CmpRequests.CertRequest(CmpBodyType.Ir, Mac(), "CN=Fixture CA", EeKey, "CN=fixture-device", ["urn:fixture:device"]);
        var ip = await PostAsync(ir.Der);
        Assert.True(ip.BodyType == CmpBodyType.Ip, ip.BodyType == CmpBodyType.Error ? ip.ErrorStatus().Text : ip.BodyName);
        Assert.True(ip.VerifyMac(System.Text.Encoding.UTF8.GetBytes(Secret)));
        Assert.Equal(ir.TransactionId, ip.Header.TransactionId);
        Assert.Equal(ir.SenderNonce, ip.Header.RecipNonce);
        var cert = Assert.Single(ip.CertResponses()).Certificate!;
        Assert.Equal(Ee, cert);

        var conf = CmpRequests.CertConf(Mac(), ip, cert);
        var pkiConf = await PostAsync(conf.Der);
        Assert.True(pkiConf.BodyType == CmpBodyType.PkiConf, pkiConf.BodyType == CmpBodyType.Error ? pkiConf.ErrorStatus().Text : pkiConf.BodyName);
    }

    [Fact] // RFC 9483 §3.2 signature protection, §4.2 rr, §4.1.4 p10cr, §4.3 genm
    public async Task Our_signed_cr_rr_p10cr_and_genm_are_accepted_by_openssl()
    {
        var signed = new CmpSender(Ee.Subject, CmpProtector.Signature(EeKey, Ee), DateTimeOffset.UtcNow, PkiRandom.System);
        var cp = await PostAsync(CmpRequests.CertRequest(CmpBodyType.Cr, signed, "CN=Fixture CA", EeKey, "CN=fixture-device", implicitConfirm: true).Der);
        Assert.True(cp.BodyType == CmpBodyType.Cp, cp.BodyType == CmpBodyType.Error ? cp.ErrorStatus().Text : cp.BodyName);

        var rp = await PostAsync(CmpRequests.Revocation(signed, "CN=Fixture CA", Ee, RevocationReason.KeyCompromise).Der);
        Assert.True(rp.BodyType == CmpBodyType.Rp, rp.BodyType == CmpBodyType.Error ? rp.ErrorStatus().Text : rp.BodyName);
        Assert.True(Assert.Single(rp.RevocationStatuses()).Granted);

        var csr = await File.ReadAllBytesAsync(Data("p10.csr.der"));
        var p10 = await PostAsync(CmpRequests.P10(signed, "CN=Fixture CA", csr, implicitConfirm: true).Der);
        Assert.True(p10.BodyType == CmpBodyType.Cp, p10.BodyType == CmpBodyType.Error ? p10.ErrorStatus().Text : p10.BodyName);

        var genp = await PostAsync(CmpRequests.General(signed, "CN=Fixture CA", [new CmpInfo("1.3.6.1.5.5.7.4.2", null)]).Der);
        Assert.True(genp.BodyType == CmpBodyType.Genp, genp.BodyType == CmpBodyType.Error ? genp.ErrorStatus().Text : genp.BodyName);
    }

    [Fact] // RFC 4211 §4.1: a POP made with another key than the template's is detected (OpenSSL 3.0's mock server does not check it, so no oracle here)
    public void A_forged_POP_is_detected()
    {
        var other = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var honest = CmpMessage.Decode(CmpRequests.CertRequest(CmpBodyType.Ir, Mac(), "CN=Fixture CA", other, "CN=x").Der);
        Assert.True(Assert.Single(honest.CertRequests()).PopVerified);
        // Sign the POP with the fixture key but certify another key: our decoder and openssl both refuse it.
        var forged = CmpRequests.CertRequest(CmpBodyType.Ir, Mac(), "CN=Fixture CA", new MismatchedKey(EeKey, other.PublicKey), "CN=x");
        var request = Assert.Single(CmpMessage.Decode(forged.Der).CertRequests());
        Assert.False(request.PopVerified);
        Assert.Contains("does not verify", request.PopProblem, StringComparison.Ordinal);
    }

    // Claims one public key, signs with another key: a forged proof of possession.
    private sealed class MismatchedKey(KeyPair signer, PublicKey claimed) : ISigningKey
    {
        public KeyAlgorithm Algorithm => signer.Algorithm;
        public PublicKey PublicKey => claimed;
        public byte[] Sign(ReadOnlySpan<byte> data) => signer.Sign(data);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

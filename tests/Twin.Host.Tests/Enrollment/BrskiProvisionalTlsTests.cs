using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Host.Enrollment;
using Twin.Pki.Brski;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Tests.Support;

namespace Twin.Host.Tests.Enrollment;

/// <summary>
/// RFC 8995 §5.1: a pledge opens a provisional TLS session to the registrar and pins the certificate the handshake shows. A client
/// naming an operator domain in SNI is shown that domain's registrar certificate (openssl s_client -servername); the pledge then asks
/// for its voucher over that session (curl --resolve, without verifying the server: provisional) and the voucher pins that certificate.
/// </summary>
[Collection(EnrollmentHostGroup.Name)]
public sealed class BrskiProvisionalTlsTests(EnrollmentHost host)
{
    [Fact]
    public async Task A_client_naming_a_domain_in_SNI_is_shown_the_domain_registrar_certificate_and_others_the_listener_s_own()
    {
        var registrar = await RegistrarEntityCertificateAsync();
        Assert.Equal(registrar, await ShownAsync("line"));
        Assert.Equal(registrar, await ShownAsync("line.plant.example")); // the domain as the first label of a longer name
        var remote = await host.Api.GetFromJsonAsync<JsonElement>("/api/entities/" + RegistrarSettings.EntityIdOf("remote").Value);
        Assert.Equal(remote.GetProperty("certificates")[0].GetProperty("pem").GetString()!.Trim(), (await ShownAsync("remote")).ToPem().Trim());
        var own = await ShownAsync("nowhere");
        Assert.NotEqual(registrar, own);
        Assert.Contains("PlantTrust registrar", own.Subject, StringComparison.Ordinal);
        Assert.Equal(own, await ShownAsync(null)); // no SNI at all
    }

    [Fact] // RFC 8995 §5.1–§5.5
    public async Task A_pledge_pins_the_certificate_its_provisional_TLS_session_showed_and_the_voucher_pins_the_same()
    {
        var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var produced = Assert.IsType<DeviceProduced>(await host.Control.AskEntityAsync<object>(new EntityId("valve-maker"),
            new ProduceDevice(new EntityId("valve-001"), CertificationRequest.Create("CN=valve-001", key).GetDer()), TimeSpan.FromSeconds(30)));
        var idevid = Certificate.FromDer(produced.IdevidDer);
        var id = Guid.NewGuid().ToString("N");
        var certFile = RepoPaths.WriteText(host.Folder, $"sni-{id}.pem", idevid.ToPem());
        var keyFile = RepoPaths.WriteText(host.Folder, $"sni-{id}.key", key.ExportPkcs8Pem());
        var manufacturerCa = RepoPaths.WriteText(host.Folder, $"sni-maker-{id}.pem", Certificate.FromDer(produced.ManufacturerCaDer).ToPem());

        // What the handshake shows is all the pledge knows of the registrar.
        var learned = await ShownAsync("line");
        var request = RepoPaths.WriteText(host.Folder, $"sni-pvr-{id}.txt", "");
        await File.WriteAllBytesAsync(request, Pledge.CreateVoucherRequest(idevid, key, learned, RandomNumberGenerator.GetBytes(16), host.Backend.Now));
        var body = Path.Combine(host.Folder, $"sni-voucher-{id}");
        var port = host.Est.Port.ToString(CultureInfo.InvariantCulture);
        var curl = await Peer.RunAsync("curl", ["-sS", "--max-time", "30", "--insecure", "--resolve", $"line:{port}:127.0.0.1", "--cert", certFile, "--key", keyFile,
            "--data-binary", "@" + request, "-H", "Content-Type: " + BrskiEndpoints.VoucherMediaType, "-o", body, "-w", "%{http_code}", $"https://line:{port}/.well-known/brski/line/requestvoucher"]);
        Assert.True(curl.StdOut.Trim() == "200", curl.All + (File.Exists(body) ? File.ReadAllText(body) : ""));

        var json = body + ".json";
        var verify = await Peer.OpenSslAsync("cms", "-verify", "-binary", "-inform", "DER", "-in", body, "-CAfile", manufacturerCa, "-purpose", "any", "-out", json);
        Assert.True(verify.ExitCode == 0, verify.All);
        using var voucher = JsonDocument.Parse(await File.ReadAllBytesAsync(json));
        Assert.Equal(learned.GetDer(), voucher.RootElement.GetProperty("ietf-voucher:voucher").GetProperty("pinned-domain-cert").GetBytesFromBase64());
        Assert.Equal(await RegistrarEntityCertificateAsync(), learned);
    }

    // The certificate openssl s_client is shown by the enrollment listener when it names serverName in SNI (null: no SNI).
    private async Task<Certificate> ShownAsync(string? serverName)
    {
        List<string> args = ["s_client", "-connect", $"127.0.0.1:{host.Est.Port.ToString(CultureInfo.InvariantCulture)}", "-showcerts"];
        args.AddRange(serverName is null ? ["-noservername"] : ["-servername", serverName]);
        var shown = await Peer.RunAsync("openssl", args, stdin: [], timeout: TimeSpan.FromSeconds(60));
        var begin = shown.StdOut.IndexOf("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal);
        var end = shown.StdOut.IndexOf("-----END CERTIFICATE-----", StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, shown.All);
        return Certificate.FromPem(shown.StdOut[begin..(end + "-----END CERTIFICATE-----".Length)]);
    }

    private async Task<Certificate> RegistrarEntityCertificateAsync()
    {
        var entity = await host.Api.GetFromJsonAsync<JsonElement>("/api/entities/" + RegistrarSettings.EntityIdOf("line").Value);
        return Certificate.FromPem(entity.GetProperty("certificates")[0].GetProperty("pem").GetString()!);
    }
}

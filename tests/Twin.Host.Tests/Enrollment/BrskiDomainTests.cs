using System.Security.Cryptography;
using System.Net.Http.Json;
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
/// BRSKI into an operator domain (RFC 8995 §5) at /.well-known/brski/DOMAIN/: the domain's registrar entity judges the pledge and asks
/// the twin's manufacturer entity for the voucher. curl carries the pledge's request, openssl judges the voucher.
/// </summary>
[Collection(EnrollmentHostGroup.Name)]
public sealed class BrskiDomainTests(EnrollmentHost host)
{
    [Fact] // RFC 8995 §5.2–§5.5, RFC 8366 §5.3
    public async Task A_pledge_made_by_the_twin_s_manufacturer_gets_a_voucher_from_its_MASA_through_the_domain_registrar()
    {
        // The pledge's IDevID comes from the twin's manufacturer entity, as from the factory line: its own key, the factory's serial number.
        var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var produced = await host.Control.AskEntityAsync<object>(new EntityId("valve-maker"),
            new ProduceDevice(new EntityId("valve-001"), CertificationRequest.Create("CN=valve-001", key).GetDer()), TimeSpan.FromSeconds(30));
        var factory = Assert.IsType<DeviceProduced>(produced);
        var idevid = Certificate.FromDer(factory.IdevidDer);
        var manufacturerCa = RepoPaths.WriteText(host.Folder, "valve-maker.pem", Certificate.FromDer(factory.ManufacturerCaDer).ToPem());
        var certFile = RepoPaths.WriteText(host.Folder, "valve-001.pem", idevid.ToPem());
        var keyFile = RepoPaths.WriteText(host.Folder, "valve-001.key", key.ExportPkcs8Pem());

        var registrar = await DomainRegistrarCertificateAsync();
        var nonce = RandomNumberGenerator.GetBytes(16);
        var requestFile = Path.Combine(host.Folder, "pvr-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(requestFile, Pledge.CreateVoucherRequest(idevid, key, registrar, nonce, host.Backend.Now));

        var (status, body, curl) = await host.CurlAsync("/.well-known/brski/line/requestvoucher", certFile, keyFile, requestFile, BrskiEndpoints.VoucherMediaType);
        Assert.True(status == 200, curl.All + File.ReadAllText(body));

        // openssl: the voucher is CMS signed by the MASA, which chains to the manufacturer's CA.
        var json = body + ".json";
        var verify = await Peer.OpenSslAsync("cms", "-verify", "-binary", "-inform", "DER", "-in", body, "-CAfile", manufacturerCa, "-purpose", "any", "-out", json);
        Assert.True(verify.ExitCode == 0, verify.All);
        using (var voucher = JsonDocument.Parse(await File.ReadAllBytesAsync(json)))
        {
            var v = voucher.RootElement.GetProperty("ietf-voucher:voucher");
            Assert.Equal("SN-VALVE-001", v.GetProperty("serial-number").GetString());
            Assert.Equal(nonce, v.GetProperty("nonce").GetBytesFromBase64());
            Assert.Equal(registrar.GetDer(), v.GetProperty("pinned-domain-cert").GetBytesFromBase64()); // the domain's registrar
            Assert.Equal(BrskiIdentity.AuthorityKeyIdOf(idevid), v.GetProperty("idevid-issuer").GetBytesFromBase64());
            Assert.True(v.TryGetProperty("created-on", out _));
            Assert.Equal("proximity", v.GetProperty("assertion").GetString());
        }

        // The decision is in the domain's audit trail; the MASA's in the manufacturer's journal.
        Assert.Contains(await host.AuditAsync("line"), d => d.GetProperty("what").GetString() == "brski:requestvoucher" && d.GetProperty("verdict").GetString() == "granted"
            && d.GetProperty("reason").GetString()!.Contains("SN-VALVE-001", StringComparison.Ordinal));

        // Telemetry on the domain's route is recorded.
        var statusFile = RepoPaths.WriteText(host.Folder, "valve-voucher-status.json", """{"version":1,"status":true,"reason":"Voucher accepted"}""");
        var (vs, _, _) = await host.CurlAsync("/.well-known/brski/line/voucher_status", certFile, keyFile, statusFile, "application/json");
        Assert.Equal(200, vs);
        var (es, _, _) = await host.CurlAsync("/.well-known/brski/line/enrollstatus", certFile, keyFile, statusFile, "application/json");
        Assert.Equal(200, es);
        var events = await host.EventsAsync();
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "enroll.decided" && e.GetProperty("summary").GetString()!.Contains("line/voucher_status", StringComparison.Ordinal));
    }

    [Fact] // RFC 8995 §5.3: the registrar's allow-list decides; the refusal is audited in the domain
    public async Task A_voucher_request_from_an_IDevID_not_on_the_domain_allow_list_is_refused_and_audited_in_the_domain()
    {
        var registrar = await DomainRegistrarCertificateAsync();
        var requestFile = Path.Combine(host.Folder, "pvr-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(requestFile, Pledge.CreateVoucherRequest(host.NotAllowed.Certificate, host.NotAllowed.KeyPair, registrar, RandomNumberGenerator.GetBytes(16), host.Backend.Now));

        var (status, body, _) = await host.CurlAsync("/.well-known/brski/line/requestvoucher", host.NotAllowed.Cert, host.NotAllowed.Key, requestFile, BrskiEndpoints.VoucherMediaType);
        Assert.Equal(403, status);
        Assert.Contains("not on the allow-list of domain 'line'", await File.ReadAllTextAsync(body), StringComparison.Ordinal);
        Assert.Contains(await host.AuditAsync("line"), d => d.GetProperty("what").GetString() == "brski:requestvoucher" && d.GetProperty("verdict").GetString() == "refused"
            && d.GetProperty("who").GetString()!.Contains("OTHER-0009", StringComparison.Ordinal)
            && d.GetProperty("reason").GetString()!.Contains("not on the allow-list", StringComparison.Ordinal));
    }

    [Fact] // the domain route asks the twin's manufacturer entities only, not the MASAs configured for the listener
    public async Task An_allow_listed_IDevID_whose_manufacturer_is_not_an_entity_of_the_twin_gets_no_voucher_in_the_domain()
    {
        var registrar = await DomainRegistrarCertificateAsync();
        var requestFile = Path.Combine(host.Folder, "pvr-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(requestFile, Pledge.CreateVoucherRequest(host.Allowed.Certificate, host.Allowed.KeyPair, registrar, RandomNumberGenerator.GetBytes(16), host.Backend.Now));

        var (status, body, _) = await host.CurlAsync("/.well-known/brski/line/requestvoucher", host.Allowed.Cert, host.Allowed.Key, requestFile, BrskiEndpoints.VoucherMediaType);
        Assert.Equal(403, status);
        Assert.Contains("no MASA is known", await File.ReadAllTextAsync(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_domain_a_missing_client_certificate_and_a_request_for_another_registrar_are_refused()
    {
        var requestFile = RepoPaths.WriteText(host.Folder, "empty-domain.p7", "x");
        var (unknown, unknownBody, _) = await host.CurlAsync("/.well-known/brski/nowhere/requestvoucher", host.Allowed.Cert, host.Allowed.Key, requestFile, BrskiEndpoints.VoucherMediaType);
        Assert.Equal(404, unknown);
        Assert.Contains("No operator domain 'nowhere'", await File.ReadAllTextAsync(unknownBody), StringComparison.Ordinal);
        // A CA label is not an operator domain: no registrar, no BRSKI.
        var (label, _, _) = await host.CurlAsync("/.well-known/brski/ca-issuing/requestvoucher", host.Allowed.Cert, host.Allowed.Key, requestFile, BrskiEndpoints.VoucherMediaType);
        Assert.Equal(404, label);

        var (anonymous, _, _) = await host.CurlAsync("/.well-known/brski/line/requestvoucher", dataFile: requestFile, contentType: BrskiEndpoints.VoucherMediaType);
        Assert.Equal(401, anonymous);

        // A request whose proximity-registrar-cert is not the domain registrar's (RFC 8995 §5.2): the twin's root.
        var elsewhere = Certificate.FromPem(await File.ReadAllTextAsync(host.RootPem));
        var file = Path.Combine(host.Folder, "pvr-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(file, Pledge.CreateVoucherRequest(host.NotAllowed.Certificate, host.NotAllowed.KeyPair, elsewhere, RandomNumberGenerator.GetBytes(16), host.Backend.Now));
        var (misdirected, misBody, _) = await host.CurlAsync("/.well-known/brski/line/requestvoucher", host.NotAllowed.Cert, host.NotAllowed.Key, file, BrskiEndpoints.VoucherMediaType);
        Assert.Equal(400, misdirected);
        Assert.Contains("proximity-registrar-cert", await File.ReadAllTextAsync(misBody), StringComparison.Ordinal);
        Assert.Contains(await host.AuditAsync("line"), d => d.GetProperty("what").GetString() == "brski:requestvoucher" && d.GetProperty("verdict").GetString() == "refused"
            && d.GetProperty("reason").GetString()!.Contains("proximity-registrar-cert", StringComparison.Ordinal));
    }

    // The pledge names the domain registrar's certificate in proximity-registrar-cert: the operator publishes it with the registrar entity.
    private async Task<Certificate> DomainRegistrarCertificateAsync()
    {
        var entity = await host.Api.GetFromJsonAsync<JsonElement>("/api/entities/" + RegistrarSettings.EntityIdOf("line").Value);
        var registrar = Certificate.FromPem(entity.GetProperty("certificates")[0].GetProperty("pem").GetString()!);
        Assert.Contains("Registrar", registrar.Subject, StringComparison.Ordinal);
        return registrar;
    }
}

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
        await AVoucherThroughTheDomainRegistrarAsync("/.well-known/brski/line");
    }

    [Fact] // RFC 8995 §5.2: the domain-less route serves a twin manufacturer's pledge as the route of the domain that buys from it
    public async Task A_twin_manufacturer_s_pledge_on_the_domain_less_route_gets_its_voucher_from_the_manufacturer_entity_through_the_domain_registrar() =>
        await AVoucherThroughTheDomainRegistrarAsync(BrskiEndpoints.Prefix);

    // A pledge of the twin's manufacturer entity "valve-maker" asks on route prefix for a voucher; domain "line" buys from that manufacturer.
    private async Task AVoucherThroughTheDomainRegistrarAsync(string prefix)
    {
        var pledge = await ProducePledgeAsync();
        var registrar = await DomainRegistrarCertificateAsync();
        var nonce = RandomNumberGenerator.GetBytes(16);
        var granted = (await host.AuditAsync("line")).Count(d => d.GetProperty("what").GetString() == "brski:requestvoucher" && d.GetProperty("verdict").GetString() == "granted");
        var requestFile = await VoucherRequestFileAsync(pledge.Idevid, pledge.Key, registrar, nonce);

        var (status, body, curl) = await host.CurlAsync(prefix + "/requestvoucher", pledge.CertFile, pledge.KeyFile, requestFile, BrskiEndpoints.VoucherMediaType);
        Assert.True(status == 200, EnrollmentHost.Told(status, body, curl));

        // openssl: the voucher is CMS signed by the MASA, which chains to the manufacturer's CA.
        var json = body + ".json";
        var verify = await Peer.OpenSslAsync("cms", "-verify", "-binary", "-inform", "DER", "-in", body, "-CAfile", pledge.ManufacturerCa, "-purpose", "any", "-out", json);
        Assert.True(verify.ExitCode == 0, verify.All);
        using (var voucher = JsonDocument.Parse(await File.ReadAllBytesAsync(json)))
        {
            var v = voucher.RootElement.GetProperty("ietf-voucher:voucher");
            Assert.Equal("SN-VALVE-001", v.GetProperty("serial-number").GetString());
            Assert.Equal(nonce, v.GetProperty("nonce").GetBytesFromBase64());
            Assert.Equal(registrar.GetDer(), v.GetProperty("pinned-domain-cert").GetBytesFromBase64()); // the domain's registrar
            Assert.Equal(BrskiIdentity.AuthorityKeyIdOf(pledge.Idevid), v.GetProperty("idevid-issuer").GetBytesFromBase64());
            Assert.True(v.TryGetProperty("created-on", out _));
            Assert.Equal("proximity", v.GetProperty("assertion").GetString());
        }

        // The decision is in the domain's audit trail; the MASA's in the manufacturer's journal.
        Assert.Equal(granted + 1, (await host.AuditAsync("line")).Count(d => d.GetProperty("what").GetString() == "brski:requestvoucher" && d.GetProperty("verdict").GetString() == "granted"
            && d.GetProperty("reason").GetString()!.Contains("SN-VALVE-001", StringComparison.Ordinal)));

        // Telemetry on the same route is recorded in the domain.
        var statusFile = RepoPaths.WriteText(host.Folder, "valve-voucher-status-" + Guid.NewGuid().ToString("N") + ".json", """{"version":1,"status":true,"reason":"Voucher accepted"}""");
        var (vs, _, _) = await host.CurlAsync(prefix + "/voucher_status", pledge.CertFile, pledge.KeyFile, statusFile, "application/json");
        Assert.Equal(200, vs);
        var (es, _, _) = await host.CurlAsync(prefix + "/enrollstatus", pledge.CertFile, pledge.KeyFile, statusFile, "application/json");
        Assert.Equal(200, es);
        var events = await host.EventsAsync();
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "enroll.decided" && e.GetProperty("summary").GetString()!.Contains("line/voucher_status", StringComparison.Ordinal));
    }

    // The pledge's IDevID comes from the twin's manufacturer entity, as from the factory line: its own key, the factory's serial number.
    private async Task<(Certificate Idevid, KeyPair Key, string CertFile, string KeyFile, string ManufacturerCa)> ProducePledgeAsync()
    {
        var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var produced = await host.Control.AskEntityAsync<object>(new EntityId("valve-maker"),
            new ProduceDevice(new EntityId("valve-001"), CertificationRequest.Create("CN=valve-001", key).GetDer()), TimeSpan.FromSeconds(30));
        var factory = Assert.IsType<DeviceProduced>(produced);
        var idevid = Certificate.FromDer(factory.IdevidDer);
        var id = Guid.NewGuid().ToString("N");
        return (idevid, key, RepoPaths.WriteText(host.Folder, $"valve-001-{id}.pem", idevid.ToPem()), RepoPaths.WriteText(host.Folder, $"valve-001-{id}.key", key.ExportPkcs8Pem()),
            RepoPaths.WriteText(host.Folder, "valve-maker.pem", Certificate.FromDer(factory.ManufacturerCaDer).ToPem()));
    }

    // A pledge's voucher request (RFC 8995 §5.2) naming registrar in proximity-registrar-cert, written to a file for curl.
    private async Task<string> VoucherRequestFileAsync(Certificate idevid, KeyPair key, Certificate registrar, byte[]? nonce = null)
    {
        var file = Path.Combine(host.Folder, "pvr-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(file, Pledge.CreateVoucherRequest(idevid, key, registrar, nonce ?? RandomNumberGenerator.GetBytes(16), host.Backend.Now));
        return file;
    }

    [Fact] // RFC 8995 §5.3: the registrar's allow-list decides; the refusal is audited in the domain
    public async Task A_voucher_request_from_an_IDevID_not_on_the_domain_allow_list_is_refused_and_audited_in_the_domain()
    {
        var registrar = await DomainRegistrarCertificateAsync();
        var requestFile = await VoucherRequestFileAsync(host.NotAllowed.Certificate, host.NotAllowed.KeyPair, registrar);

        Assert.Contains("not on the allow-list of domain 'line'", await host.RefusedAsync(403, "/.well-known/brski/line/requestvoucher", host.NotAllowed.Cert, host.NotAllowed.Key, requestFile, BrskiEndpoints.VoucherMediaType), StringComparison.Ordinal);
        Assert.Contains(await host.AuditAsync("line"), d => d.GetProperty("what").GetString() == "brski:requestvoucher" && d.GetProperty("verdict").GetString() == "refused"
            && d.GetProperty("who").GetString()!.Contains("OTHER-0009", StringComparison.Ordinal)
            && d.GetProperty("reason").GetString()!.Contains("not on the allow-list", StringComparison.Ordinal));
    }

    [Fact] // the domain route asks the twin's manufacturer entities only, not the MASAs configured for the listener
    public async Task An_allow_listed_IDevID_whose_manufacturer_is_not_an_entity_of_the_twin_gets_no_voucher_in_the_domain()
    {
        var registrar = await DomainRegistrarCertificateAsync();
        var requestFile = await VoucherRequestFileAsync(host.Allowed.Certificate, host.Allowed.KeyPair, registrar);

        Assert.Contains("no MASA is known", await host.RefusedAsync(403, "/.well-known/brski/line/requestvoucher", host.Allowed.Cert, host.Allowed.Key, requestFile, BrskiEndpoints.VoucherMediaType), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_domain_a_missing_client_certificate_and_a_request_for_another_registrar_are_refused()
    {
        var requestFile = RepoPaths.WriteText(host.Folder, "empty-domain.p7", "x");
        Assert.Contains("No operator domain 'nowhere'", await host.RefusedAsync(404, "/.well-known/brski/nowhere/requestvoucher", host.Allowed.Cert, host.Allowed.Key, requestFile, BrskiEndpoints.VoucherMediaType), StringComparison.Ordinal);
        // A CA label is not an operator domain: no registrar, no BRSKI.
        var (label, _, _) = await host.CurlAsync("/.well-known/brski/ca-issuing/requestvoucher", host.Allowed.Cert, host.Allowed.Key, requestFile, BrskiEndpoints.VoucherMediaType);
        Assert.Equal(404, label);

        var (anonymous, _, _) = await host.CurlAsync("/.well-known/brski/line/requestvoucher", dataFile: requestFile, contentType: BrskiEndpoints.VoucherMediaType);
        Assert.Equal(401, anonymous);

        // A request whose proximity-registrar-cert is not the domain registrar's (RFC 8995 §5.2): the twin's root.
        var elsewhere = Certificate.FromPem(await File.ReadAllTextAsync(host.RootPem));
        var file = await VoucherRequestFileAsync(host.NotAllowed.Certificate, host.NotAllowed.KeyPair, elsewhere);
        Assert.Contains("proximity-registrar-cert", await host.RefusedAsync(400, "/.well-known/brski/line/requestvoucher", host.NotAllowed.Cert, host.NotAllowed.Key, file, BrskiEndpoints.VoucherMediaType), StringComparison.Ordinal);
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

using System.Globalization;
using System.Text.Json;
using Twin.Pki.Authority;
using Twin.Pki.Brski;
using Twin.Pki.Certificates;
using Twin.Tests.Support;

namespace Twin.Pki.Tests.Brski;

/// <summary>RFC 8995 voucher exchange and the RFC 8366 voucher, checked by openssl cms.</summary>
public sealed class BrskiVoucherTests
{
    [Fact]
    public async Task Masa_voucher_verifies_with_openssl_cms_against_the_manufacturer_CA_and_has_the_RFC_8366_fields() // RFC 8366 §5.3, RFC 8995 §5.6
    {
        var f = new BrskiFixture();
        var decision = f.Masa.Process(f.RegistrarRequest(f.PledgeRequest()), BrskiFixture.Now);
        Assert.True(decision.Issued, decision.Problem);

        var dir = RepoPaths.NewScratch("brski-voucher");
        var voucherFile = Path.Combine(dir, "voucher.p7");
        await File.WriteAllBytesAsync(voucherFile, decision.VoucherCms!);
        var caFile = RepoPaths.WriteText(dir, "masa-ca.pem", f.Manufacturer.Certificate.ToPem());
        var jsonFile = Path.Combine(dir, "voucher.json");
        var verify = await Peer.OpenSslAsync("cms", "-verify", "-binary", "-inform", "DER", "-in", voucherFile, "-CAfile", caFile, "-purpose", "any",
            "-attime", TestPki.Epoch(BrskiFixture.Now), "-out", jsonFile);
        Assert.True(verify.ExitCode == 0, verify.All);
        var cmsout = await Peer.OpenSslAsync("cms", "-cmsout", "-print", "-inform", "DER", "-in", voucherFile);
        Assert.Contains("1.2.840.113549.1.9.16.1.40", cmsout.StdOut, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(jsonFile));
        var v = json.RootElement.GetProperty("ietf-voucher:voucher");
        Assert.Equal("JADA-0001", v.GetProperty("serial-number").GetString());
        Assert.Equal("proximity", v.GetProperty("assertion").GetString());
        Assert.Equal(f.Nonce, v.GetProperty("nonce").GetBytesFromBase64());
        Assert.Equal(f.Registrar.GetDer(), v.GetProperty("pinned-domain-cert").GetBytesFromBase64());
        Assert.Equal(BrskiIdentity.AuthorityKeyIdOf(f.Idevid), v.GetProperty("idevid-issuer").GetBytesFromBase64());
        Assert.Equal(BrskiFixture.Now, DateTimeOffset.Parse(v.GetProperty("created-on").GetString()!, CultureInfo.InvariantCulture));
        Assert.False(v.TryGetProperty("expires-on", out _)); // nonceful: no expiry (RFC 8366 §5.3)

        // The pledge accepts it: MASA signature, its serial, its nonce, the registrar it is talking to.
        var check = Pledge.VerifyVoucher(decision.VoucherCms, [f.Manufacturer.Certificate], f.Idevid, f.Nonce, f.Registrar, BrskiFixture.Now);
        Assert.True(check.Accepted, check.Problem);
    }

    [Fact]
    public async Task Pledge_voucher_request_verifies_with_openssl_against_the_manufacturer_CA() // RFC 8995 §3.4
    {
        var f = new BrskiFixture();
        var dir = RepoPaths.NewScratch("brski-pvr");
        var file = Path.Combine(dir, "pvr.p7");
        await File.WriteAllBytesAsync(file, f.PledgeRequest());
        var ca = RepoPaths.WriteText(dir, "mfg.pem", f.Manufacturer.Certificate.ToPem());
        var verify = await Peer.OpenSslAsync("cms", "-verify", "-binary", "-inform", "DER", "-in", file, "-CAfile", ca, "-purpose", "any", "-attime", TestPki.Epoch(BrskiFixture.Now));
        Assert.True(verify.ExitCode == 0, verify.All);
        using var json = JsonDocument.Parse(verify.StdOut);
        var r = json.RootElement.GetProperty("ietf-voucher-request:voucher");
        Assert.Equal(f.Registrar.GetDer(), r.GetProperty("proximity-registrar-cert").GetBytesFromBase64());
    }

    [Fact]
    public void Masa_refuses_an_IDevID_from_another_manufacturer()
    {
        var f = new BrskiFixture();
        var other = new BrskiFixture("JADA-0001"); // same serial, different manufacturer CA
        var decision = f.Masa.Process(other.RegistrarRequest(other.PledgeRequest(other.Registrar)), BrskiFixture.Now);
        Assert.False(decision.Issued);
        Assert.Contains("IDevID of a known manufacturer", decision.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Masa_refuses_when_the_registrar_is_not_the_one_the_pledge_saw() // RFC 8995 §5.5.5
    {
        var f = new BrskiFixture();
        var elsewhere = f.DomainRoot.Issue(CertificationRequest.Create("CN=other-registrar", TestPki.P256(), [], ["localhost"]), CertificateProfile.TlsServer, TestPki.Start, TestPki.Start.AddYears(1));
        var pledge = f.PledgeRequest(elsewhere);
        var check = RegistrarVoucherRequests.ReadPledgeRequest(pledge, [f.Manufacturer.Certificate], f.Registrar, BrskiFixture.Now);
        Assert.False(check.Accepted);
        Assert.Contains("proximity-registrar-cert", check.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Masa_refuses_a_registrar_request_whose_nonce_differs_from_the_pledge_s()
    {
        var f = new BrskiFixture();
        var pledge = f.PledgeRequest();
        var check = RegistrarVoucherRequests.ReadPledgeRequest(pledge, [f.Manufacturer.Certificate], f.Registrar, BrskiFixture.Now);
        var tampered = check with { Request = check.Request! with { Nonce = [9, 9, 9] } };
        var request = RegistrarVoucherRequests.Create(pledge, tampered, f.Registrar, f.RegistrarKey, BrskiFixture.Now);
        var decision = f.Masa.Process(request, BrskiFixture.Now);
        Assert.False(decision.Issued);
        Assert.Contains("nonce", decision.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Pledge_rejects_a_voucher_pinning_another_domain_or_with_another_nonce()
    {
        var f = new BrskiFixture();
        var voucher = f.Masa.Process(f.RegistrarRequest(f.PledgeRequest()), BrskiFixture.Now).VoucherCms!;
        var (foreignRoot, _) = TestPki.Hierarchy("Foreign");
        var impostor = foreignRoot.Issue(CertificationRequest.Create("CN=registrar", TestPki.P256(), [], ["localhost"]), CertificateProfile.TlsServer, TestPki.Start, TestPki.Start.AddYears(1));

        var wrongRegistrar = Pledge.VerifyVoucher(voucher, [f.Manufacturer.Certificate], f.Idevid, f.Nonce, impostor, BrskiFixture.Now);
        var wrongNonce = Pledge.VerifyVoucher(voucher, [f.Manufacturer.Certificate], f.Idevid, [7, 7], f.Registrar, BrskiFixture.Now);
        var wrongAnchor = Pledge.VerifyVoucher(voucher, [foreignRoot.Certificate], f.Idevid, f.Nonce, f.Registrar, BrskiFixture.Now);

        Assert.Contains("pinned-domain-cert", wrongRegistrar.Problem, StringComparison.Ordinal);
        Assert.Contains("nonce", wrongNonce.Problem, StringComparison.Ordinal);
        Assert.Contains("Voucher signature", wrongAnchor.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Voucher_status_bodies_parse_and_bad_ones_name_the_field() // RFC 8995 §5.7
    {
        var status = BrskiStatus.FromJson("""{"version":1,"status":false,"reason":"Informative human readable message","reason-context":{"additional":"JSON"}}"""u8);
        Assert.False(status.Status);
        Assert.Equal("Informative human readable message", status.Reason);
        Assert.Contains("additional", status.ReasonContextJson, StringComparison.Ordinal);
        var e = Assert.Throws<PkiFormatException>(() => BrskiStatus.FromJson("""{"version":1}"""u8));
        Assert.Contains("'status'", e.Message, StringComparison.Ordinal);
    }
}

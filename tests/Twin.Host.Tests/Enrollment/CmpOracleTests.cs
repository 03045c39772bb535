using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Twin.Pki.Cmp;
using Twin.Tests.Support;

namespace Twin.Host.Tests.Enrollment;

/// <summary>openssl cmp enrolls into the running twin (RFC 4210, RFC 9483) and is refused where it must be.</summary>
public sealed partial class CmpOracleTests(CmpTwinFixture twin) : IClassFixture<CmpTwinFixture>
{
    private const string Recipient = "/CN=Test Issuing CA/O=PlantTrust/C=DE";

    private async Task<(string Cert, string Key)> EnrollWithOtpAsync(string cn)
    {
        var (reference, secret) = await twin.OtpAsync("plant");
        var key = await twin.NewKeyAsync($"{cn}.key");
        var cert = twin.File($"{cn}.pem");
        var ir = await twin.CmpAsync("plant", "-cmd", "ir", "-ref", reference, "-secret", $"pass:{secret}", "-recipient", Recipient,
            "-newkey", key, "-subject", $"/CN={cn}", "-sans", $"urn:plant:{cn}", "-certout", cert, "-cacertsout", twin.File($"{cn}-capubs.pem"),
            "-reqout", $"{twin.File($"{cn}-ir.der")},{twin.File($"{cn}-certconf.der")}", "-rspout", $"{twin.File($"{cn}-ip.der")},{twin.File($"{cn}-pkiconf.der")}");
        Assert.True(ir.ExitCode == 0, ir.All);
        return (cert, key);
    }

    private string ProtectionAlg(string file) =>
        Convert.ToHexString(Org.BouncyCastle.Asn1.Cmp.PkiMessage.GetInstance(File.ReadAllBytes(twin.File(file))).Header.ProtectionAlg.GetEncoded(Org.BouncyCastle.Asn1.Asn1Encodable.Der));

    private async Task AssertVerifiesAsync(string cert)
    {
        var chain = twin.File("issuing-chain.pem");
        var issuing = await twin.Http.GetFromJsonAsync<JsonElement>("/api/entities/ca-issuing");
        RepoPaths.WriteText(twin.Folder, "issuing-chain.pem", issuing.GetProperty("certificates")[0].GetProperty("pem").GetString()!);
        var verify = await Peer.OpenSslAsync("verify", "-attime", twin.Epoch, "-CAfile", twin.RootPem, "-untrusted", chain, cert);
        Assert.True(verify.ExitCode == 0, verify.All);
    }

    [Fact] // RFC 9483 §4.1.5 (ir with MAC), §4.1.1 certConf / pkiConf
    public async Task Ir_with_a_one_time_secret_from_the_API_enrolls_and_the_holder_becomes_an_entity()
    {
        var (cert, _) = await EnrollWithOtpAsync("trainee-1");
        await AssertVerifiesAsync(cert);
        // RFC 4210 §5.1.3.1: the ip and the pkiConf openssl accepted carry the ir's PBMParameter (salt, owf, iterationCount, mac) as
        // openssl sent it; openssl salts its certConf afresh.
        var irAlg = ProtectionAlg("trainee-1-ir.der");
        Assert.Equal(irAlg, ProtectionAlg("trainee-1-ip.der"));
        Assert.Equal(irAlg, ProtectionAlg("trainee-1-pkiconf.der"));
        Assert.NotEqual(irAlg, ProtectionAlg("trainee-1-certconf.der"));
        var caPubs = await Peer.OpenSslAsync("x509", "-in", twin.File("trainee-1-capubs.pem"), "-noout", "-subject");
        Assert.Contains("Test Root CA", caPubs.StdOut, StringComparison.Ordinal); // caPubs: the trust anchor, with MAC protection only
        var shown = await Peer.OpenSslAsync("x509", "-in", cert, "-noout", "-serial", "-ext", "subjectAltName");
        Assert.Contains("URI:urn:plant:trainee-1", shown.StdOut, StringComparison.Ordinal);
        var serial = shown.StdOut.Split('\n')[0]["serial=".Length..].Trim().ToLowerInvariant();

        await CmpTwinFixture.UntilAsync(async () => (await twin.Http.GetAsync("/api/entities/plant.trainee-1")).IsSuccessStatusCode);
        var entity = await twin.Http.GetFromJsonAsync<JsonElement>("/api/entities/plant.trainee-1");
        Assert.Equal(serial, entity.GetProperty("currentSerial").GetString());
        var events = await twin.Http.GetFromJsonAsync<List<JsonElement>>("/api/events?since=0&limit=1000");
        // /api/events reads the journal, /api/entities the projection: both must show the enrollment.
        Assert.Contains(events!, e => e.GetProperty("kind").GetString() == "reg.enrolled" && e.GetProperty("summary").GetString()!.Contains(serial, StringComparison.Ordinal));
        Assert.Contains(events!, e => e.GetProperty("kind").GetString() == "ca.issued" && e.GetProperty("entity").GetString() == "ca-issuing" && e.GetProperty("summary").GetString()!.Contains(serial, StringComparison.Ordinal));
        var audit = await twin.AuditAsync("plant");
        Assert.Contains(audit, d => d.GetProperty("what").GetString() == "certConf" && d.GetProperty("verdict").GetString() == "confirmed" && d.GetProperty("reason").GetString()!.Contains(serial, StringComparison.Ordinal));
    }

    [Fact] // RFC 9483 §4.1.2 cr, §4.1.3 kur, §4.1.4 p10cr, §4.2 rr — each signed with the current certificate
    public async Task Cr_kur_p10cr_and_rr_signed_with_the_domain_certificate_are_served()
    {
        var (cert, key) = await EnrollWithOtpAsync("trainee-2");
        var key2 = await twin.NewKeyAsync("trainee-2b.key");
        var cr = await twin.CmpAsync("plant", "-cmd", "cr", "-cert", cert, "-key", key, "-trusted", twin.RootPem, "-newkey", key2, "-subject", "/CN=trainee-2", "-certout", twin.File("t2-cr.pem"));
        Assert.True(cr.ExitCode == 0, cr.All);
        await AssertVerifiesAsync(twin.File("t2-cr.pem"));

        var key3 = await twin.NewKeyAsync("trainee-2c.key");
        var kur = await twin.CmpAsync("plant", "-cmd", "kur", "-cert", twin.File("t2-cr.pem"), "-key", key2, "-trusted", twin.RootPem, "-newkey", key3, "-implicit_confirm", "-certout", twin.File("t2-kur.pem"));
        Assert.True(kur.ExitCode == 0, kur.All);
        var subject = await Peer.OpenSslAsync("x509", "-in", twin.File("t2-kur.pem"), "-noout", "-subject");
        Assert.Contains("CN = trainee-2", subject.StdOut, StringComparison.Ordinal); // kur keeps the old certificate's subject

        var csr = twin.File("t2.csr.der");
        Assert.Equal(0, (await Peer.OpenSslAsync("req", "-new", "-key", key3, "-subj", "/CN=trainee-2", "-outform", "DER", "-out", csr)).ExitCode);
        var p10 = await twin.CmpAsync("plant", "-cmd", "p10cr", "-cert", twin.File("t2-kur.pem"), "-key", key3, "-trusted", twin.RootPem, "-csr", csr, "-certout", twin.File("t2-p10.pem"));
        Assert.True(p10.ExitCode == 0, p10.All);
        await AssertVerifiesAsync(twin.File("t2-p10.pem"));

        var rr = await twin.CmpAsync("plant", "-cmd", "rr", "-cert", twin.File("t2-p10.pem"), "-key", key3, "-trusted", twin.RootPem, "-oldcert", twin.File("t2-p10.pem"), "-revreason", "1");
        Assert.True(rr.ExitCode == 0, rr.All);
        Assert.Contains("revocation accepted", rr.All, StringComparison.Ordinal);

        // The revoked certificate is on the issuing CA's CRL (openssl judges it), once the read model has it.
        await CmpTwinFixture.UntilAsync(async () => (await twin.Http.GetFromJsonAsync<JsonElement>("/api/entities/ca-issuing")).GetProperty("crl").GetProperty("entries").GetInt32() > 0);
        var crl = RepoPaths.WriteText(twin.Folder, "issuing.crl.pem", await twin.Http.GetStringAsync("/api/entities/ca-issuing/crl.pem"));
        var issuing = await twin.Http.GetFromJsonAsync<JsonElement>("/api/entities/ca-issuing");
        var chain = RepoPaths.WriteText(twin.Folder, "issuing-only.pem", issuing.GetProperty("certificates")[0].GetProperty("pem").GetString()!);
        var verify = await Peer.OpenSslAsync("verify", "-attime", twin.Epoch, "-crl_check", "-CAfile", twin.RootPem, "-untrusted", chain, "-CRLfile", crl, twin.File("t2-p10.pem"));
        Assert.True(verify.All.Contains("certificate revoked", StringComparison.Ordinal), verify.All);

        // Revoked signer: the next request signed with it is refused with certRevoked (RFC 4210 §5.2.3).
        var again = await twin.CmpAsync("plant", "-cmd", "cr", "-cert", twin.File("t2-p10.pem"), "-key", key3, "-trusted", twin.RootPem, "-newkey", key2, "-subject", "/CN=trainee-2", "-certout", twin.File("t2-x.pem"));
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("PKIFailureInfo: certRevoked", again.All, StringComparison.Ordinal);
        Assert.False(File.Exists(twin.File("t2-x.pem")));
    }

    [Fact] // RFC 9483 §4.3: CA certificates, root CA key update, certificate request template, CRL update retrieval
    public async Task Genm_answers_the_RFC_9483_support_messages()
    {
        var (cert, key) = await EnrollWithOtpAsync("trainee-3");
        var genm = await twin.CmpAsync("plant", "-cmd", "genm", "-cert", cert, "-key", key, "-trusted", twin.RootPem, "-rspout", twin.File("genp.der"));
        Assert.True(genm.ExitCode == 0, genm.All);
        Assert.Contains("id-it-caCerts", genm.All, StringComparison.Ordinal);
        Assert.Contains("id-it-rootCaKeyUpdate", genm.All, StringComparison.Ordinal);
        Assert.Contains("id-it-certReqTemplate", genm.All, StringComparison.Ordinal);
        Assert.Contains("1.3.6.1.5.5.7.4.23", genm.All, StringComparison.Ordinal); // id-it-crls, unnamed in OpenSSL 3.0
        var genp = CmpMessage.Decode(await File.ReadAllBytesAsync(twin.File("genp.der")));
        var caCerts = CmpInfos.ReadCaCerts(genp.GeneralInfo().Single(i => i.TypeOid == CmpInfos.CaCertsOid));
        Assert.Equal(["CN=Test Issuing CA,O=PlantTrust,C=DE", "CN=Test Root CA,O=PlantTrust,C=DE"], caCerts.Select(c => c.Subject));
        Assert.Null(genp.GeneralInfo().Single(i => i.TypeOid == CmpInfos.RootCaKeyUpdateOid).ValueDer); // no update pending
        Assert.Equal("1.2.840.10045.2.1", CmpInfos.ReadTemplateKeyAlgorithmOid(genp.GeneralInfo().Single(i => i.TypeOid == CmpInfos.CertReqTemplateOid)));
        Assert.NotEmpty(CmpInfos.ReadCrls(genp.GeneralInfo().Single(i => i.TypeOid == CmpInfos.CrlsOid)));
    }

    [Fact] // RFC 9483 §4.3.2 rootCaCert → rootCaKeyUpdate, §4.3.4 crlStatusList → crls only when newer
    public async Task Genm_with_the_RFC_9483_request_types_gets_their_answers()
    {
        var (reference, secret) = await twin.OtpAsync("plant");
        var root = Twin.Pki.Certificates.Certificate.FromPem(await File.ReadAllTextAsync(twin.RootPem));
        var crlDer = await twin.Http.GetByteArrayAsync("/api/entities/ca-issuing/crl.der");
        var crl = Twin.Pki.Revocation.CertificateRevocationList.FromDer(crlDer);
        async Task<CmpMessage> AskAsync(DateTimeOffset held)
        {
            var from = new CmpSender("CN=asker", CmpProtector.PasswordBasedMac(System.Text.Encoding.UTF8.GetBytes(reference), System.Text.Encoding.ASCII.GetBytes(secret), Twin.Pki.Keys.PkiRandom.System),
                DateTimeOffset.UtcNow, Twin.Pki.Keys.PkiRandom.System);
            var genm = CmpRequests.General(from, null, [CmpInfos.RootCaCert(root), new CmpInfo(CmpInfos.CertReqTemplateOid, null), CmpInfos.CrlStatusList([(CmpTwinFixture.IssuingSubject, held)])]);
            using var content = new ByteArrayContent(genm.Der);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/pkixcmp");
            var response = await twin.Http.PostAsync("/.well-known/cmp/p/plant", content);
            var answer = CmpMessage.Decode(await response.Content.ReadAsByteArrayAsync());
            Assert.True(answer.BodyType == CmpBodyType.Genp, answer.BodyType == CmpBodyType.Error ? answer.ErrorStatus().Text : answer.BodyName);
            Assert.True(answer.VerifyMac(System.Text.Encoding.ASCII.GetBytes(secret)));
            return answer;
        }

        var stale = await AskAsync(crl.ThisUpdate.AddDays(-1));
        Assert.Null(stale.GeneralInfo().Single(i => i.TypeOid == CmpInfos.RootCaKeyUpdateOid).ValueDer);
        Assert.NotNull(stale.GeneralInfo().Single(i => i.TypeOid == CmpInfos.CertReqTemplateOid).ValueDer);
        Assert.Contains(CmpInfos.ReadCrls(stale.GeneralInfo().Single(i => i.TypeOid == CmpInfos.CrlsOid)), c => c.ThisUpdate == crl.ThisUpdate);
        var current = await AskAsync(crl.ThisUpdate);
        Assert.Null(current.GeneralInfo().Single(i => i.TypeOid == CmpInfos.CrlsOid).ValueDer);
    }

    [Fact] // RFC 4210 §5.1.3.1: the MAC is checked with the reference's secret; a reference is usable once
    public async Task A_wrong_secret_and_a_spent_reference_are_refused_and_audited()
    {
        var key = await twin.NewKeyAsync("wrong.key");
        var (reference, secret) = await twin.OtpAsync("plant");
        var wrong = await twin.CmpAsync("plant", "-cmd", "ir", "-ref", reference, "-secret", "pass:not-the-secret", "-recipient", Recipient, "-newkey", key, "-subject", "/CN=intruder",
            "-certout", twin.File("intruder.pem"), "-unprotected_errors");
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("PKIFailureInfo: badMessageCheck", wrong.All, StringComparison.Ordinal);
        Assert.False(File.Exists(twin.File("intruder.pem")));

        var ok = await twin.CmpAsync("plant", "-cmd", "ir", "-ref", reference, "-secret", $"pass:{secret}", "-recipient", Recipient, "-newkey", key, "-subject", "/CN=once", "-certout", twin.File("once.pem"));
        Assert.True(ok.ExitCode == 0, ok.All);
        var twice = await twin.CmpAsync("plant", "-cmd", "ir", "-ref", reference, "-secret", $"pass:{secret}", "-recipient", Recipient, "-newkey", key, "-subject", "/CN=twice",
            "-certout", twin.File("twice.pem"), "-unprotected_errors");
        Assert.NotEqual(0, twice.ExitCode);
        Assert.Contains("PKIFailureInfo: signerNotTrusted", twice.All, StringComparison.Ordinal);

        var audit = await twin.AuditAsync("plant");
        Assert.Contains(audit, d => d.GetProperty("verdict").GetString() == "refused" && d.GetProperty("failure").GetString() == "badMessageCheck" && d.GetProperty("reason").GetString()!.Contains(reference, StringComparison.Ordinal));
        Assert.Contains(audit, d => d.GetProperty("verdict").GetString() == "refused" && d.GetProperty("failure").GetString() == "signerNotTrusted" && d.GetProperty("reason").GetString()!.Contains(reference, StringComparison.Ordinal));
    }

    [Fact] // RFC 9483 §3.2: requests must be protected
    public async Task An_unprotected_request_is_refused_with_badMessageCheck()
    {
        var key = await twin.NewKeyAsync("unprotected.key");
        var result = await twin.CmpAsync("plant", "-cmd", "ir", "-unprotected_requests", "-recipient", Recipient, "-newkey", key, "-subject", "/CN=nobody",
            "-certout", twin.File("nobody.pem"), "-unprotected_errors");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("PKIFailureInfo: badMessageCheck", result.All, StringComparison.Ordinal);
        Assert.False(File.Exists(twin.File("nobody.pem")));
    }

    [Fact] // zero-touch onboarding: an IDevID on the allow-list may sign an ir
    public async Task An_allow_listed_IDevID_enrolls_and_one_off_the_list_is_refused()
    {
        var key = await twin.NewKeyAsync("ldevid.key");
        var ok = await twin.CmpAsync("plant", "-cmd", "ir", "-cert", twin.File("idevid.pem"), "-key", twin.File("idevid.key"), "-trusted", twin.RootPem,
            "-newkey", key, "-subject", "/CN=acme-0042", "-certout", twin.File("ldevid.pem"));
        Assert.True(ok.ExitCode == 0, ok.All);
        await AssertVerifiesAsync(twin.File("ldevid.pem"));

        var stranger = await twin.CmpAsync("plant", "-cmd", "ir", "-cert", twin.File("stranger.pem"), "-key", twin.File("stranger.key"), "-trusted", twin.RootPem,
            "-newkey", key, "-subject", "/CN=acme-0001", "-certout", twin.File("stranger-ldevid.pem"));
        Assert.NotEqual(0, stranger.ExitCode);
        Assert.Contains("PKIFailureInfo: signerNotTrusted", stranger.All, StringComparison.Ordinal);
        var audit = await twin.AuditAsync("plant");
        Assert.Contains(audit, d => d.GetProperty("who").GetString()!.StartsWith("idevid:", StringComparison.Ordinal) && d.GetProperty("verdict").GetString() == "granted");
    }

    [Fact] // RFC 9483 §5.2.3: RA mode validates, then forwards with its own protection; openssl's mock server is the upstream CA
    public async Task RA_mode_forwards_to_the_openssl_mock_server_and_relays_its_answers()
    {
        var (reference, secret) = await twin.OtpAsync("upstream");
        var result = await twin.CmpAsync("upstream", "-cmd", "ir", "-ref", reference, "-secret", $"pass:{secret}", "-recipient", "/CN=Upstream Mock CA",
            "-newkey", twin.File("upstream-ee.key"), "-subject", "/CN=upstream-device", "-certout", twin.File("via-ra.pem"));
        Assert.True(result.ExitCode == 0, result.All);
        var got = await Peer.OpenSslAsync("x509", "-in", twin.File("via-ra.pem"), "-noout", "-issuer", "-serial");
        Assert.Contains("Upstream Mock CA", got.StdOut, StringComparison.Ordinal);
        Assert.Contains("serial=77", got.StdOut, StringComparison.Ordinal);
        var audit = await twin.AuditAsync("upstream");
        Assert.Contains(audit, d => d.GetProperty("what").GetString() == "ir" && d.GetProperty("verdict").GetString() == "forwarded");
        Assert.Contains(audit, d => d.GetProperty("what").GetString() == "certConf" && d.GetProperty("verdict").GetString() == "forwarded");
        await CmpTwinFixture.UntilAsync(async () => (await twin.Http.GetAsync("/api/entities/upstream.upstream-device")).IsSuccessStatusCode);
        var entity = await twin.Http.GetFromJsonAsync<JsonElement>("/api/entities/upstream.upstream-device");
        Assert.Equal("77", entity.GetProperty("currentSerial").GetString());

        // Still checked locally first: a wrong secret never reaches the upstream.
        var wrong = await twin.CmpAsync("upstream", "-cmd", "ir", "-ref", reference, "-secret", "pass:nope", "-recipient", "/CN=Upstream Mock CA",
            "-newkey", twin.File("upstream-ee.key"), "-subject", "/CN=upstream-device", "-certout", twin.File("via-ra-2.pem"), "-unprotected_errors");
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("PKIFailureInfo: signerNotTrusted", wrong.All, StringComparison.Ordinal); // the reference was spent by the first ir

        // The RA vouches for the key whose POP it checked: the mock's fixed certificate certifies another key, so it is not relayed.
        var (reference2, secret2) = await twin.OtpAsync("upstream");
        var other = await twin.NewKeyAsync("upstream-other.key");
        var mismatch = await twin.CmpAsync("upstream", "-cmd", "ir", "-ref", reference2, "-secret", $"pass:{secret2}", "-recipient", "/CN=Upstream Mock CA",
            "-newkey", other, "-subject", "/CN=upstream-device", "-certout", twin.File("via-ra-3.pem"));
        Assert.NotEqual(0, mismatch.ExitCode);
        Assert.Contains("PKIFailureInfo: badCertTemplate", mismatch.All, StringComparison.Ordinal);
        Assert.False(File.Exists(twin.File("via-ra-3.pem")));
        Assert.Contains(await twin.AuditAsync("upstream"), d => d.GetProperty("what").GetString() == "ir" && d.GetProperty("verdict").GetString() == "refused"
            && d.GetProperty("failure").GetString() == "badCertTemplate" && d.GetProperty("reason").GetString()!.Contains("certifies public key", StringComparison.Ordinal));
    }

    [Fact] // RFC 9483 §3.5: a transactionID must not be reused
    public async Task A_replayed_request_is_refused_with_transactionIdInUse()
    {
        var (reference, secret) = await twin.OtpAsync("plant");
        var key = await twin.NewKeyAsync("replay.key");
        var first = await twin.CmpAsync("plant", "-cmd", "ir", "-ref", reference, "-secret", $"pass:{secret}", "-recipient", Recipient, "-newkey", key, "-subject", "/CN=replay",
            "-certout", twin.File("replay.pem"), "-reqout", $"{twin.File("replay-ir.der")},{twin.File("replay-conf.der")}");
        Assert.True(first.ExitCode == 0, first.All);
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(twin.File("replay-ir.der")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pkixcmp");
        var replay = await twin.Http.PostAsync("/.well-known/cmp/p/plant", content);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var answer = CmpMessage.Decode(await replay.Content.ReadAsByteArrayAsync());
        Assert.Equal(CmpBodyType.Error, answer.BodyType);
        Assert.Equal([CmpFailure.TransactionIdInUse], answer.ErrorStatus().Failures);
    }

    [Fact]
    public async Task Bad_input_gets_4xx_with_a_reason_and_the_refusal_is_audited()
    {
        using var garbage = new ByteArrayContent([0x30, 0x03, 0x02, 0x01]);
        garbage.Headers.ContentType = new MediaTypeHeaderValue("application/pkixcmp");
        var malformed = await twin.Http.PostAsync("/.well-known/cmp/p/plant", garbage);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var error = CmpMessage.Decode(await malformed.Content.ReadAsByteArrayAsync());
        Assert.Equal([CmpFailure.BadDataFormat], error.ErrorStatus().Failures);

        using var text = new StringContent("hello");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await twin.Http.PostAsync("/.well-known/cmp/p/plant", text)).StatusCode);
        using var unknown = new ByteArrayContent([0x30, 0x00]);
        unknown.Headers.ContentType = new MediaTypeHeaderValue("application/pkixcmp");
        var missing = await twin.Http.PostAsync("/.well-known/cmp/p/nowhere", unknown);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("nowhere", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var big = new ByteArrayContent(new byte[CmpMessage.MaxBytes + 1]);
        big.Headers.ContentType = new MediaTypeHeaderValue("application/pkixcmp");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await twin.Http.PostAsync("/.well-known/cmp/p/plant", big)).StatusCode);

        var audit = await twin.AuditAsync("plant");
        Assert.Contains(audit, d => d.GetProperty("what").GetString() == "malformed" && d.GetProperty("failure").GetString() == "badDataFormat");
        // Refused by the endpoint before the registrar saw a message, and still in the domain's trail.
        Assert.Contains(audit, d => d.GetProperty("what").GetString() == "http" && d.GetProperty("verdict").GetString() == "refused" && d.GetProperty("reason").GetString()!.Contains("Content-Type", StringComparison.Ordinal));
        Assert.Contains(audit, d => d.GetProperty("what").GetString() == "http" && d.GetProperty("reason").GetString()!.Contains($"{CmpMessage.MaxBytes}", StringComparison.Ordinal));
    }
}

using System.Globalization;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Trust;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Entities;

/// <summary>
/// The responder a CA publishes answers from the CA's records: a certificate whose record the retention policy purged is answered
/// "unknown" (RFC 6960 §2.2), whether it was good or revoked — never "good". `openssl ocsp` reads the answers.
/// </summary>
public sealed class OcspPurgedSerialTests
{
    private static readonly RunId Run = new("purge");
    private static readonly EntityId CaId = new("ca");
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_purged_serial_is_answered_unknown_and_a_kept_one_still_good(bool revokedBeforePurge)
    {
        var authority = CertificateAuthority.CreateRoot("CN=Purge Root", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), T0.Utc, T0.Utc.AddYears(5));
        var purged = Leaf(authority, "CN=old pump", days: 1);
        var kept = Leaf(authority, "CN=new pump", days: 90);
        var state = CaState.Empty
            .Apply(new CertificateIssued(Run, T0, CaId, new EntityId("pump"), "LDevId", purged.GetDer()))
            .Apply(new CertificateIssued(Run, T0, CaId, new EntityId("pump"), "LDevId", kept.GetDer()));
        if (revokedBeforePurge) state = state.Apply(new CertificateRevoked(Run, T0, CaId, purged.SerialNumber.Hex, RevocationReason.KeyCompromise, "test"));
        var at = T0.Add(TimeSpan.FromDays(30));
        state = state.Apply(new CertificateRecordsPurged(Run, at, CaId, [purged.SerialNumber.Hex], revokedBeforePurge ? 1 : 0));
        var service = new OcspService(CaId.Value, [authority.CreateOcspResponder()], state, TimeSpan.FromHours(1), up: true);

        var folder = RepoPaths.NewScratch("ocsp-purged");
        RepoPaths.WriteText(folder, "root.pem", authority.Certificate.ToPem());
        var purgedAnswer = await OpenSslReadsAsync(folder, "old", purged, authority.Certificate, service, at);
        var keptAnswer = await OpenSslReadsAsync(folder, "new", kept, authority.Certificate, service, at);

        Assert.Contains("old.pem: unknown", purgedAnswer, StringComparison.Ordinal);
        Assert.Contains("new.pem: good", keptAnswer, StringComparison.Ordinal);
        Assert.Equal(OcspCertificateStatus.Unknown, Ocsp.ReadResponse(service.Answer(Ocsp.CreateRequest(purged, authority.Certificate), at.Utc)!, purged, authority.Certificate, at.Utc).Status);
    }

    private static Certificate Leaf(CertificateAuthority authority, string subject, int days) =>
        authority.Issue(new IssuanceRequest(subject, KeyGenerator.Generate(KeyAlgorithm.EcdsaP256).PublicKey, CertificateProfile.LDevId, T0.Utc, T0.Utc.AddDays(days)));

    // openssl builds the request, our responder answers it, openssl checks the signature and prints the status.
    private static async Task<string> OpenSslReadsAsync(string folder, string name, Certificate leaf, Certificate issuer, OcspService service, SimInstant at)
    {
        RepoPaths.WriteText(folder, name + ".pem", leaf.ToPem());
        var request = Path.Combine(folder, name + "-req.der");
        var made = await Peer.OpenSslAsync("ocsp", "-issuer", Path.Combine(folder, "root.pem"), "-cert", Path.Combine(folder, name + ".pem"), "-no_nonce", "-reqout", request);
        Assert.True(made.ExitCode == 0, made.All);
        var response = Path.Combine(folder, name + "-resp.der");
        await File.WriteAllBytesAsync(response, service.Answer(await File.ReadAllBytesAsync(request), at.Utc)!);
        var read = await Peer.OpenSslAsync("ocsp", "-issuer", Path.Combine(folder, "root.pem"), "-cert", Path.Combine(folder, name + ".pem"), "-respin", response,
            "-CAfile", Path.Combine(folder, "root.pem"), "-attime", at.Utc.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), "-validity_period", "1000000000", "-no_nonce");
        Assert.True(read.ExitCode == 0, read.All);
        Assert.Contains("Response verify OK", read.All, StringComparison.Ordinal);
        return read.StdOut;
    }
}

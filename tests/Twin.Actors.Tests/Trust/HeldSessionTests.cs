using System.Security.Cryptography;
using Twin.Actors.Clock;
using Twin.Actors.Plant;
using Twin.Actors.Trust;
using Twin.OpcUa.Security;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;
using Twin.Pki.Validation;

namespace Twin.Actors.Tests.Trust;

/// <summary>
/// A POL restarted from its journal reopens the session it held with a PEA; the PEA judged the POL's certificate at the first opening
/// and, in the uninterrupted run, never judged it again. So its server takes that certificate once as held — no OCSP lookup (which
/// would journal a dev.ocsp-cached the uninterrupted PEA never wrote), no refusal of a POL revoked since — and judges it as any after.
/// </summary>
public sealed class HeldSessionTests
{
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T13:30:00Z");

    [Fact]
    public void A_held_client_certificate_is_taken_once_without_a_revocation_lookup_then_judged_again()
    {
        var root = CertificateAuthority.CreateRoot("CN=Root", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), T0.Utc.AddDays(-1), T0.Utc.AddYears(10));
        var pol = root.Issue(new IssuanceRequest("CN=pol", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256).PublicKey, CertificateProfile.OpcUaApplication, T0.Utc.AddDays(-1), T0.Utc.AddDays(90))
        {
            UriNames = ["urn:planttrust:held:pol"],
            DnsNames = ["localhost"],
        });
        var distribution = new CrlDistributionPoint();
        distribution.Publish("ca-root", root.Certificate.GetDer(), isRoot: true, crl: null);
        var responder = new RevokedByResponder();
        var runtime = new PlantRuntime();
        var validator = new PlantCertificateValidator(distribution, new SimulationClock(T0, ClockMode.Max)) { RevocationSource = responder };
        validator.Held = der => runtime.TakeHeldSession("pea-002", Convert.ToHexStringLower(SHA256.HashData(der)));
        var check = new CertificateCheck(pol.GetDer(), [], CertificateUse.ApplicationInstance, null, T0.Utc);

        // Not held: judged, and the responder's answer (revoked) refuses it.
        Assert.Equal(Twin.OpcUa.Encoding.StatusCodes.BadCertificateRevoked, validator.Validate(check).Status.Code);
        Assert.Equal(1, responder.Lookups);

        // Held for the restored session (for this PEA only): taken as it was, no lookup.
        runtime.HoldSession("pea-002", Convert.ToHexStringLower(SHA256.HashData(pol.GetDer())));
        Assert.True(validator.Validate(check).IsGood);
        Assert.Equal(1, responder.Lookups);

        // Once only: the next opening (a probe) is judged as any.
        Assert.Equal(Twin.OpcUa.Encoding.StatusCodes.BadCertificateRevoked, validator.Validate(check).Status.Code);
        Assert.Equal(2, responder.Lookups);

        // A hold released (the restoration ended without reaching the server) takes nothing.
        runtime.HoldSession("pea-002", Convert.ToHexStringLower(SHA256.HashData(pol.GetDer())));
        runtime.ReleaseSession("pea-002", Convert.ToHexStringLower(SHA256.HashData(pol.GetDer())));
        Assert.False(validator.Validate(check).IsGood);
        Assert.Equal(3, responder.Lookups);
    }

    // An OCSP responder that answers "revoked (keyCompromise)" and counts the lookups.
    private sealed class RevokedByResponder : IRevocationSource
    {
        public int Lookups { get; private set; }

        public RevocationAnswer? Check(Certificate certificate, Certificate issuer, DateTimeOffset at)
        {
            Lookups++;
            return new RevocationAnswer(RevocationState.Revoked, RevocationReason.KeyCompromise);
        }
    }
}

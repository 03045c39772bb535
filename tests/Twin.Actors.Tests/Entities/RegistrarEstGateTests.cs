using Akka.Actor;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Tests.Support;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;

namespace Twin.Actors.Tests.Entities;

/// <summary>
/// EST into an operator domain through the gate its registrar publishes (<see cref="EstGate"/>): the endpoint checks the PKCS#10
/// signature and the client certificate's signature ahead, the registrar judges at its own instant with its own trust, journals, and
/// only then answers. A gate kept from before the trust changed costs work, never a verdict.
/// </summary>
public sealed class RegistrarEstGateTests : RegistrarWithCaTestKit
{
    private static readonly EntityId CaId = new("ca-domain");
    private static readonly DateTimeOffset Made = DateTimeOffset.Parse("2029-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly CertificateAuthority Maker = CertificateAuthority.CreateRoot("CN=Valve Maker IDevID CA,O=PlantTrust",
        KeyGenerator.Generate(KeyAlgorithm.EcdsaP256, PkiRandom.SimulationOnlySeeded(12, "maker-key")), Made, Made.AddYears(20), PkiRandom.SimulationOnlySeeded(12, "maker-root"));
    private static readonly RegistrarSettings Domain = new("valves", CaId, KeyAlgorithm.EcdsaP256, RegistrarMode.Ca)
    {
        AllowList = [new AllowListEntry(Maker.Certificate.GetDer())],
    };
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(30);

    public RegistrarEstGateTests() : base("registrar-est-gate", new RunId("est-gate"), CaId,
        new CaSettings("CN=Valves Root,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650)), Domain, TimeSpan.FromSeconds(30))
    {
    }

    private static Certificate Idevid(string serial) =>
        Maker.Issue(new IssuanceRequest($"CN=Valve,O=PlantTrust,serialNumber={serial}", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256).PublicKey, CertificateProfile.IDevId, Made, Made.AddYears(15)));

    [Fact] // RFC 7030 §4.2.1, §3.3.2: an allow-listed IDevID's simpleenroll, decided and journaled by the registrar before it is answered
    public async Task Simpleenroll_through_the_gate_is_issued_and_its_decision_is_journaled_before_the_answer()
    {
        var registrar = StartRegistrar();
        await Idle();
        var gate = Assert.Contains(Domain.Domain, (IDictionary<string, EstGate>)Runtime.EstGates);
        var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var csr = CertificationRequest.Create("CN=valve-001,O=PlantTrust", key);
        var idevid = Idevid("V-0001");

        gate.CheckAhead(idevid, csr);
        var decision = await gate.SendAsync("simpleenroll", idevid, csr, "https", Answer);

        Assert.True(decision.Granted, decision.Reason);
        var issued = Certificate.FromDer(decision.CertificateDer!);
        Assert.Equal(csr.PublicKey, issued.PublicKey);
        Assert.Equal("CN=Valves Root,O=PlantTrust", issued.Issuer);
        // The answer came after the decision was stored: a new start of the registrar, recovered from the journal alone, has it.
        var revived = await RestartAsync(registrar);
        var status = await revived.Ask<RegistrarStatus>(new GetRegistrarStatus(), RemainingOrDefault);
        var granted = Assert.Single(status.RecentDecisions, d => d.What == "est:simpleenroll");
        Assert.Equal("granted", granted.Verdict);
        Assert.StartsWith("idevid:", granted.Who, StringComparison.Ordinal);
        Assert.Contains(issued.SerialNumber.Hex, granted.Reason, StringComparison.Ordinal);
    }

    [Fact] // RFC 7030 §3.4: the PKCS#10 signature is the proof of possession; checked ahead, it is still the registrar that refuses
    public async Task A_request_whose_signature_fails_is_refused_badPOP_and_audited()
    {
        var registrar = StartRegistrar();
        await Idle();
        var gate = Runtime.EstGates[Domain.Domain];
        var der = CertificationRequest.Create("CN=valve-002,O=PlantTrust", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256)).GetDer();
        // Another key's signature over the same request: the DER still parses, the signature no longer verifies.
        var other = CertificationRequest.Create("CN=valve-002,O=PlantTrust", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256)).GetDer();
        var forged = CertificationRequest.FromDer(Splice(der, other));
        var idevid = Idevid("V-0002");

        gate.CheckAhead(idevid, forged);
        var decision = await gate.SendAsync("simpleenroll", idevid, forged, "https", Answer);

        Assert.False(decision.Granted);
        Assert.Equal(400, decision.Status);
        Assert.Contains("proof of possession", decision.Reason, StringComparison.Ordinal);
        var status = await registrar.Ask<RegistrarStatus>(new GetRegistrarStatus(), RemainingOrDefault);
        var refused = Assert.Single(status.RecentDecisions, d => d.What == "est:simpleenroll");
        Assert.Equal(("refused", "badPOP"), (refused.Verdict, refused.Failure));
    }

    [Fact] // RFC 7030 §4.2.2 and RFC 5280 §6.3: a gate published before a revocation does not let the revoked certificate reenroll
    public async Task A_gate_kept_from_before_a_revocation_does_not_admit_the_revoked_certificate()
    {
        StartRegistrar();
        await Idle();
        var before = Runtime.EstGates[Domain.Domain];
        var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var first = await before.SendAsync("simpleenroll", Idevid("V-0003"), CertificationRequest.Create("CN=valve-003,O=PlantTrust", key), "https", Answer);
        var enrolled = Certificate.FromDer(first.CertificateDer!);
        var renewal = CertificationRequest.Create(enrolled.Subject, KeyGenerator.Generate(KeyAlgorithm.EcdsaP256));
        before.CheckAhead(enrolled, renewal); // the enrolled certificate's signature is remembered as valid

        await Ca.Ask<RevocationDone>(new RevokeCertificate(enrolled.SerialNumber.Hex, RevocationReason.KeyCompromise, "test"), RemainingOrDefault);
        await Idle();
        Assert.NotEqual(before.TrustVersion, Runtime.Distribution.Version); // the old gate's trust is stale now
        var decision = await before.SendAsync("simplereenroll", enrolled, renewal, "https", Answer);

        Assert.False(decision.Granted, "a revoked certificate reenrolled through a stale gate");
        Assert.Equal(403, decision.Status);
        Assert.Contains("revoked", decision.Reason, StringComparison.Ordinal);
        Assert.NotSame(before, Runtime.EstGates[Domain.Domain]); // the registrar published its new trust
    }

    // The request info and algorithm of the first request with the signature of the second (RFC 2986 §4.2: a SEQUENCE of three).
    private static byte[] Splice(byte[] request, byte[] signedByOther)
    {
        var mine = new System.Formats.Asn1.AsnReader(request, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        var theirs = new System.Formats.Asn1.AsnReader(signedByOther, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        var info = mine.ReadEncodedValue();
        var algorithm = mine.ReadEncodedValue();
        theirs.ReadEncodedValue();
        theirs.ReadEncodedValue();
        var signature = theirs.ReadEncodedValue();
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(info.Span);
            writer.WriteEncodedValue(algorithm.Span);
            writer.WriteEncodedValue(signature.Span);
        }
        return writer.Encode();
    }
}

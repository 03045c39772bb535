using Twin.Pki.Authority;
using Twin.Pki.Brski;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Pki.Tests.Brski;

/// <summary>A manufacturer (CA, MASA signer, one pledge's IDevID) and an operator domain (CA, registrar TLS certificate).</summary>
internal sealed class BrskiFixture
{
    internal static readonly DateTimeOffset Now = TestPki.Start.AddDays(3);

    internal BrskiFixture(string serial = "JADA-0001")
    {
        Manufacturer = CertificateAuthority.CreateRoot("C=DE,O=Pump Maker,CN=Pump Maker IDevID CA", TestPki.P256(), TestPki.Start, TestPki.Start.AddYears(20));
        MasaKey = TestPki.P256();
        MasaCertificate = Manufacturer.Issue(new IssuanceRequest("C=DE,O=Pump Maker,CN=Pump Maker MASA", MasaKey.PublicKey, CertificateProfile.CodeSigning, TestPki.Start, TestPki.Start.AddYears(10)));
        PledgeKey = TestPki.P256();
        Idevid = Manufacturer.Issue(new IssuanceRequest($"C=DE,O=Pump Maker,CN=Pump,serialNumber={serial}", PledgeKey.PublicKey, CertificateProfile.IDevId, TestPki.Start, TestPki.Start.AddYears(15)));
        (DomainRoot, _) = TestPki.Hierarchy("Operator");
        RegistrarKey = TestPki.P256();
        Registrar = DomainRoot.Issue(CertificationRequest.Create("CN=registrar", RegistrarKey, [], ["localhost"]), CertificateProfile.TlsServer, TestPki.Start, TestPki.Start.AddYears(1));
        Masa = new Masa([Manufacturer.Certificate], MasaCertificate, MasaKey, [Manufacturer.Certificate]);
    }

    internal CertificateAuthority Manufacturer { get; }
    internal KeyPair MasaKey { get; }
    internal Certificate MasaCertificate { get; }
    internal KeyPair PledgeKey { get; }
    internal Certificate Idevid { get; }
    internal CertificateAuthority DomainRoot { get; }
    internal KeyPair RegistrarKey { get; }
    internal Certificate Registrar { get; }
    internal Masa Masa { get; }
    internal byte[] Nonce { get; } = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

    internal byte[] PledgeRequest(Certificate? registrar = null) => Pledge.CreateVoucherRequest(Idevid, PledgeKey, registrar ?? Registrar, Nonce, Now);

    internal byte[] RegistrarRequest(byte[] pledgeCms)
    {
        var check = RegistrarVoucherRequests.ReadPledgeRequest(pledgeCms, [Manufacturer.Certificate], Registrar, Now);
        Assert.True(check.Accepted, check.Problem);
        return RegistrarVoucherRequests.Create(pledgeCms, check, Registrar, RegistrarKey, Now);
    }
}

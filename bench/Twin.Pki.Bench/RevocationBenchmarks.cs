using BenchmarkDotNet.Attributes;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;
using Twin.Pki.Validation;

namespace Twin.Pki.Bench;

/// <summary>A CRL with 100,000 entries (P-256 CA), and validations per second of a 3-deep chain with CRLs.</summary>
[MemoryDiagnoser]
public class RevocationBenchmarks
{
    internal const int CrlEntries = 100_000;
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private CertificateAuthority _bigCa = null!;
    private PathValidator _validator = null!;
    private Certificate _leaf = null!;
    private Certificate[] _intermediates = null!;
    private CertificateRevocationList[] _crls = null!;
    private DateTimeOffset _at;
    private byte[][] _chainDer = null!;
    private byte[][] _crlDer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bigCa = BigCa();
        var root = CertificateAuthority.CreateRoot("C=DE,O=PlantTrust,CN=Bench Root", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), Start, Start.AddYears(20));
        var issuing = root.CreateSubordinate("C=DE,O=PlantTrust,CN=Bench Issuing", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), CertificateProfile.IssuingCa, Start, Start.AddYears(10));
        _leaf = issuing.Issue(new IssuanceRequest("C=DE,O=PlantTrust,CN=device", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256).PublicKey, CertificateProfile.TlsClient, Start, Start.AddYears(1)));
        // A realistic issuing-CA CRL: a few hundred revoked devices.
        for (var i = 0; i < 300; i++)
        {
            var other = issuing.Issue(new IssuanceRequest("C=DE,O=PlantTrust,CN=old", _leaf.PublicKey, CertificateProfile.TlsClient, Start, Start.AddYears(1)));
            issuing.Revoke(other.SerialNumber, RevocationReason.Superseded, Start.AddDays(1));
        }
        _at = Start.AddDays(10);
        _crls = [root.IssueCrl(_at.AddDays(-1), _at.AddDays(7)), issuing.IssueCrl(_at.AddDays(-1), _at.AddDays(7))];
        _intermediates = [issuing.Certificate];
        _validator = new PathValidator([root.Certificate]);
        _chainDer = [_leaf.GetDer(), issuing.Certificate.GetDer(), root.Certificate.GetDer()];
        _crlDer = [.. _crls.Select(c => c.GetDer())];
    }

    /// <summary>A P-256 CA that has revoked <see cref="CrlEntries"/> certificates.</summary>
    internal static CertificateAuthority BigCa()
    {
        var ca = CertificateAuthority.CreateRoot("C=DE,O=PlantTrust,CN=Bench Big CA", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), Start, Start.AddYears(20));
        var random = new Random(5);
        var bytes = new byte[16];
        for (var i = 0; i < CrlEntries; i++)
        {
            random.NextBytes(bytes);
            bytes[0] = (byte)((bytes[0] & 0x7F) | 0x40);
            var serial = new SerialNumber(bytes);
            ca.RecordIssued(serial);
            ca.Revoke(serial, (RevocationReason)(i % 6), Start.AddDays(1));
        }
        return ca;
    }

    [Benchmark(Description = "CRL with 100,000 entries: issue and sign")]
    public CertificateRevocationList IssueBigCrl() => _bigCa.IssueCrl(Start.AddDays(2), Start.AddDays(9));

    [Benchmark(Description = "validate 3-deep chain with CRLs")]
    public ValidationResult Validate() => _validator.Validate(_leaf, _at, _intermediates, _crls);

    // Everything parsed afresh: no signature check can be remembered from an earlier run.
    [Benchmark(Description = "validate 3-deep chain with CRLs, cold (parse everything first)")]
    public ValidationResult ValidateCold()
    {
        var validator = new PathValidator([Certificate.FromDer(_chainDer[2])]);
        return validator.Validate(Certificate.FromDer(_chainDer[0]), _at, [Certificate.FromDer(_chainDer[1])], [.. _crlDer.Select(d => CertificateRevocationList.FromDer(d))]);
    }
}

using BenchmarkDotNet.Attributes;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Pki.Bench;

/// <summary>
/// The price of a migration, per CA key algorithm in one run: issuing an end-entity certificate, and a relying party
/// reading a certificate it has not seen and checking its signature (parse + verify; a parsed certificate remembers
/// its last check, so every operation starts from the DER). Parsing alone is the baseline, so the verification's
/// own cost is the difference.
/// </summary>
[MemoryDiagnoser]
public class AlgorithmBenchmarks
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private CertificateAuthority _ca = null!;
    private PublicKey _caPublic = null!;
    private PublicKey _subject = null!;
    private byte[] _issuedDer = null!;

    [Params(KeyAlgorithm.EcdsaP256, KeyAlgorithm.Rsa2048, KeyAlgorithm.MlDsa44, KeyAlgorithm.MlDsa65, KeyAlgorithm.MlDsa87)]
    public KeyAlgorithm Algorithm { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var key = KeyGenerator.Generate(Algorithm);
        _ca = CertificateAuthority.CreateRoot("C=DE,O=PlantTrust,CN=Bench CA", key, Start, Start.AddYears(10));
        _caPublic = key.PublicKey;
        _subject = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256).PublicKey;
        _issuedDer = Issue().GetDer();
        if (!Verify()) throw new InvalidOperationException("the benchmark certificate does not verify");
    }

    [Benchmark(Description = "issue end-entity certificate")]
    public Certificate Issue() =>
        _ca.Issue(new IssuanceRequest("C=DE,O=PlantTrust,CN=device-0001", _subject, CertificateProfile.LDevId, Start, Start.AddYears(1)));

    [Benchmark(Description = "parse + verify certificate signature")]
    public bool Verify() => Certificate.FromDer(_issuedDer).IsSignedBy(_caPublic);

    [Benchmark(Description = "parse certificate only", Baseline = true)]
    public Certificate Parse() => Certificate.FromDer(_issuedDer);
}

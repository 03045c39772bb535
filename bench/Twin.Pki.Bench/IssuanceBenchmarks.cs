using BenchmarkDotNet.Attributes;
using Twin.Pki.Authority;
using Twin.Pki.Keys;

namespace Twin.Pki.Bench;

/// <summary>
/// End-entity issuance per second next to the raw signing throughput of the same CA key, in the same run:
/// the ratio shows how much of issuance is the signature and how much is our own overhead.
/// </summary>
[MemoryDiagnoser]
public class IssuanceBenchmarks
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private CertificateAuthority _ca = null!;
    private KeyPair _caKey = null!;
    private PublicKey _subject = null!;
    private byte[] _tbsSized = null!;

    [Params(KeyAlgorithm.EcdsaP256, KeyAlgorithm.Rsa2048, KeyAlgorithm.MlDsa65)]
    public KeyAlgorithm Algorithm { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _caKey = KeyGenerator.Generate(Algorithm);
        _ca = CertificateAuthority.CreateRoot("C=DE,O=PlantTrust,CN=Bench CA", _caKey, Start, Start.AddYears(10));
        _subject = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256).PublicKey;
        // About the size of an end-entity TBSCertificate.
        var sample = Issue();
        _tbsSized = new byte[sample.GetDer().Length - SignatureOverhead(Algorithm)];
        new Random(1).NextBytes(_tbsSized);
    }

    [Benchmark(Description = "issue end-entity certificate")]
    public Certificates.Certificate Issue() =>
        _ca.Issue(new IssuanceRequest("C=DE,O=PlantTrust,CN=device-0001", _subject, CertificateProfile.TlsClient, Start, Start.AddYears(1)));

    [Benchmark(Description = "raw sign (same key, TBS-sized message)", Baseline = true)]
    public byte[] RawSign() => _caKey.Sign(_tbsSized);

    private static int SignatureOverhead(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.Rsa2048 => 256 + 30,
        KeyAlgorithm.MlDsa65 => 3309 + 30,
        _ => 72 + 30,
    };
}

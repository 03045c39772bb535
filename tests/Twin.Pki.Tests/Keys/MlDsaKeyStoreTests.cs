using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.KeyStores;

namespace Twin.Pki.Tests.Keys;

/// <summary>ML-DSA keys in the software store (exportable, PKCS#8) and in the secure element (signs as a service), each signing a CA's certificates that noble accepts.</summary>
public sealed class MlDsaKeyStoreTests
{
    public static TheoryData<string, KeyAlgorithm> Cases()
    {
        var data = new TheoryData<string, KeyAlgorithm>();
        foreach (var store in new[] { "software", "secure-element" })
            foreach (var algorithm in new[] { KeyAlgorithm.MlDsa44, KeyAlgorithm.MlDsa65, KeyAlgorithm.MlDsa87 })
                data.Add(store, algorithm);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Ca_key_held_in_the_store_signs_certificates_noble_verifies(string kind, KeyAlgorithm algorithm)
    {
        IKeyStore store = kind == "software" ? new SoftwareKeyStore() : new SecureElementKeyStore();
        var key = store.Generate("pq-ca", algorithm);
        var root = CertificateAuthority.CreateRoot("C=DE,O=PlantTrust,CN=Stored PQ Root", key, TestPki.Start, TestPki.Start.AddYears(5));
        var leaf = root.Issue(CertificationRequest.Create("C=DE,O=PlantTrust,CN=pq-leaf", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256)), CertificateProfile.LDevId, TestPki.Start, TestPki.Start.AddYears(1));

        var parts = await MlDsaPeers.SplitWithOpenSslAsync(leaf.GetDer());

        Assert.Equal(algorithm, key.Algorithm);
        Assert.Equal(MlDsaPeers.Oid(algorithm), parts.AlgorithmOid);
        Assert.False(parts.AlgorithmHasParameters);
        Assert.True(await MlDsaPeers.NobleVerifiesAsync(algorithm, MlDsaPeers.RawPublicKey(key.PublicKey), parts.Signed, parts.Signature));
        if (store.CanExport)
        {
            var restored = KeyPair.ImportPkcs8Pem(store.Export("pq-ca").ExportPkcs8Pem());
            Assert.Equal(key.PublicKey, restored.PublicKey);
            Assert.Equal(algorithm, restored.Algorithm);
        }
        else
        {
            Assert.Throws<KeyExportRefusedException>(() => store.Export("pq-ca"));
        }
    }

    [Fact]
    public void Seeded_source_repeats_ml_dsa_87_keys_and_keeps_purposes_apart()
    {
        var a = new SeededKeySource(87).Get(KeyAlgorithm.MlDsa87, "ca/issuing", 0);
        var b = new SeededKeySource(87).Get(KeyAlgorithm.MlDsa87, "ca/issuing", 0);
        var other = new SeededKeySource(87).Get(KeyAlgorithm.MlDsa87, "device", 0);

        Assert.Equal(a.PublicKey, b.PublicKey);
        Assert.NotEqual(a.PublicKey, other.PublicKey);
        Assert.Equal(2592, MlDsaPeers.RawPublicKey(a.PublicKey).Length);
    }
}

using Twin.Pki.Authority;
using Twin.Pki.Keys;
using Twin.Pki.KeyStores;

namespace Twin.Pki.Tests.KeyStores;

/// <summary>Software and secure-element stores behind one interface: same signing, different export rules.</summary>
public sealed class KeyStoreTests
{
    public static TheoryData<string> Stores() => ["software", "secure-element"];

    private static IKeyStore Create(string kind) => kind == "software" ? new SoftwareKeyStore() : new SecureElementKeyStore();

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Ca_with_its_key_in_the_store_issues_certificates_openssl_accepts(string kind)
    {
        var store = Create(kind);
        var key = store.Generate("root", KeyAlgorithm.EcdsaP256);
        var root = CertificateAuthority.CreateRoot("CN=Store Root", key, TestPki.Start, TestPki.Start.AddYears(5));
        var leaf = TestPki.Leaf(root, "dev");

        var openssl = await TestPki.OpenSslVerifyAsync(TestPki.Start.AddDays(1), [root.Certificate], leaf, extra: "-x509_strict");

        Assert.True(openssl.ExitCode == 0, openssl.All);
        Assert.Same(key, store.Find("root"));
    }

    [Fact]
    public void Secure_element_refuses_export_signs_as_a_service_and_never_shows_the_key()
    {
        var store = new SecureElementKeyStore("tpm");
        var key = store.Generate("idevid", KeyAlgorithm.EcdsaP256);
        var signature = key.Sign([1, 2, 3]);

        var refused = Assert.Throws<KeyExportRefusedException>(() => store.Export("idevid"));

        Assert.Contains("idevid", refused.Message, StringComparison.Ordinal);
        Assert.IsNotType<KeyPair>(key);
        Assert.Equal(1, store.SignatureCount);
        Assert.NotEmpty(signature);
        Assert.Contains("non-exportable", key.ToString(), StringComparison.Ordinal);
        Assert.True(store.Destroy("idevid"));
        Assert.Throws<PolicyViolationException>(() => key.Sign([1]));
        Assert.Null(store.Find("idevid"));
    }

    [Fact]
    public void Software_store_exports_pkcs8_that_restores_the_same_key_and_refuses_duplicate_labels()
    {
        var store = new SoftwareKeyStore();
        var key = store.Generate("k", KeyAlgorithm.EcdsaP256);

        var restored = KeyPair.ImportPkcs8(store.Export("k").ExportPkcs8());

        Assert.Equal(key.PublicKey, restored.PublicKey);
        Assert.Throws<PolicyViolationException>(() => store.Generate("k", KeyAlgorithm.EcdsaP256));
        Assert.DoesNotContain(Convert.ToHexString(restored.ExportPkcs8())[^16..], store.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}

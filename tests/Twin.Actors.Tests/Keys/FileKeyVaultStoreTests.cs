using System.Security.Cryptography;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Pki;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Keys;

/// <summary>
/// The run's key folder with software, TPM and HSM keys: a TPM/HSM key is generated inside its element, used through a handle,
/// refused for export, kept across a restart as a sealed blob only its element opens, and destroyed on request.
/// </summary>
public sealed class FileKeyVaultStoreTests
{
    private static readonly RunId Run = new("vault");
    private static readonly EntityId Device = new("device-001");

    private static PkiRandom Seeded(string purpose) => Entropy.SimulationOnlySeeded(Run, 42).For(Device, purpose, 0);

    [Theory]
    [InlineData(KeyStoreKind.Tpm)]
    [InlineData(KeyStoreKind.Hsm)]
    public async Task Key_generated_inside_refuses_export_and_the_folder_holds_no_readable_key(KeyStoreKind kind)
    {
        var folder = RepoPaths.NewScratch("vault-" + kind);
        var vault = new FileKeyVault(folder);

        var (keyRef, key) = vault.Generate(Run, Device, kind, KeyAlgorithm.EcdsaP256, Seeded("key"));

        Assert.StartsWith(KeyRefs.Text(kind) + ":", keyRef, StringComparison.Ordinal);
        Assert.Equal(kind, KeyRefs.KindOf(keyRef));
        Assert.IsNotType<KeyPair>(key);
        Assert.IsNotType<KeyPair>(vault.Load(keyRef));
        var refused = Assert.Throws<KeyExportRefusedException>(() => vault.Export(keyRef));
        Assert.Contains(keyRef, refused.Message, StringComparison.Ordinal);
        // No PKCS#8 file and no file that openssl can read as a private key.
        Assert.Empty(Directory.GetFiles(folder, "*.p8", SearchOption.AllDirectories));
        var blob = Assert.Single(Directory.GetFiles(folder, "*.sealed", SearchOption.AllDirectories));
        Assert.NotEqual(0, (await Peer.OpenSslAsync("pkey", "-inform", "DER", "-in", blob, "-noout")).ExitCode);
    }

    [Fact]
    public void Same_entropy_gives_the_same_key_in_every_store_so_a_seeded_run_repeats_whatever_the_store()
    {
        var vault = new FileKeyVault(RepoPaths.NewScratch("vault-same"));

        var software = vault.Generate(Run, Device, KeyStoreKind.Software, KeyAlgorithm.EcdsaP256, Seeded("key")).Key;
        var tpm = vault.Generate(Run, Device, KeyStoreKind.Tpm, KeyAlgorithm.EcdsaP256, Seeded("key")).Key;
        var hsm = vault.Generate(new RunId("vault-2"), Device, KeyStoreKind.Hsm, KeyAlgorithm.EcdsaP256, Seeded("key")).Key;

        Assert.Equal(software.PublicKey, tpm.PublicKey);
        Assert.Equal(software.PublicKey, hsm.PublicKey);
    }

    [Fact]
    public async Task Tpm_key_comes_back_after_a_restart_from_its_sealed_blob_and_signs_a_CSR_openssl_verifies()
    {
        var folder = RepoPaths.NewScratch("vault-restart");
        var (keyRef, key) = new FileKeyVault(folder).Generate(Run, Device, KeyStoreKind.Tpm, KeyAlgorithm.EcdsaP256, Seeded("key"));

        var restarted = new FileKeyVault(folder).Load(keyRef); // a new process: only the folder is shared
        var csr = CertificationRequest.Create("CN=device-001", restarted);

        Assert.Equal(key.PublicKey, restarted.PublicKey);
        var path = RepoPaths.WriteText(RepoPaths.NewScratch("vault-csr"), "csr.pem", Twin.Pki.Encoding.Pem.Encode("CERTIFICATE REQUEST", csr.GetDer()));
        var openssl = await Peer.OpenSslAsync("req", "-verify", "-noout", "-in", path);
        Assert.True(openssl.ExitCode == 0, openssl.All);
        Assert.Contains("verif", openssl.All, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_sealed_blob_moved_to_another_device_does_not_load_there()
    {
        var folder = RepoPaths.NewScratch("vault-move");
        var vault = new FileKeyVault(folder);
        var (keyRef, _) = vault.Generate(Run, Device, KeyStoreKind.Tpm, KeyAlgorithm.EcdsaP256, Seeded("key"));
        var other = new EntityId("device-002");
        _ = vault.Generate(Run, other, KeyStoreKind.Tpm, KeyAlgorithm.EcdsaP256, Entropy.SimulationOnlySeeded(Run, 42).For(other, "key", 0));
        var label = keyRef[(keyRef.LastIndexOf('/') + 1)..];
        File.Copy(Path.Combine(folder, Run.Value, Device.Value, "tpm", label + ".sealed"), Path.Combine(folder, Run.Value, other.Value, "tpm", label + ".sealed"));

        var stolen = $"tpm:{Run.Value}/{other.Value}/{label}";

        Assert.Throws<PolicyViolationException>(() => new FileKeyVault(folder).Load(stolen));
    }

    [Fact]
    public void Destroyed_tpm_key_is_gone_from_the_element_and_from_the_folder()
    {
        var folder = RepoPaths.NewScratch("vault-destroy");
        var vault = new FileKeyVault(folder);
        var (keyRef, key) = vault.Generate(Run, Device, KeyStoreKind.Tpm, KeyAlgorithm.EcdsaP256, Seeded("key"));

        vault.Destroy(keyRef);

        Assert.Throws<KeyNotAvailableException>(() => vault.Load(keyRef));
        Assert.Throws<KeyNotAvailableException>(() => new FileKeyVault(folder).Load(keyRef));
        Assert.Throws<PolicyViolationException>(() => key.Sign([1, 2, 3])); // a handle held from before is dead too
        Assert.Empty(Directory.GetFiles(folder, "*.sealed", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Tpm_RSA_key_decrypts_what_openssl_encrypts_and_signs_what_openssl_verifies_but_never_exports()
    {
        var vault = new FileKeyVault(RepoPaths.NewScratch("vault-rsa"));
        var (_, key) = vault.Generate(Run, Device, KeyStoreKind.Tpm, KeyAlgorithm.Rsa2048, Seeded("rsa"));
        using var rsa = new KeyStoreRsa(Assert.IsAssignableFrom<IRsaKeyOperations>(key));
        var dir = RepoPaths.NewScratch("vault-rsa-oracle");
        var publicPem = RepoPaths.WriteText(dir, "pub.pem", key.PublicKey.ToPem());
        var secret = "OPC UA client nonce, 32 bytes.."u8.ToArray();
        File.WriteAllBytes(Path.Combine(dir, "secret"), secret);
        File.WriteAllBytes(Path.Combine(dir, "data"), "chunk to sign"u8.ToArray());

        // OPC UA Basic256Sha256 encrypts with RSA-OAEP (SHA-1), Aes256_Sha256_RsaPss with OAEP-SHA256 (Part 7 §6.6).
        var sha1 = await Peer.OpenSslAsync("pkeyutl", "-encrypt", "-pubin", "-inkey", publicPem, "-pkeyopt", "rsa_padding_mode:oaep", "-in", Path.Combine(dir, "secret"), "-out", Path.Combine(dir, "oaep1"));
        var sha256 = await Peer.OpenSslAsync("pkeyutl", "-encrypt", "-pubin", "-inkey", publicPem, "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-in", Path.Combine(dir, "secret"), "-out", Path.Combine(dir, "oaep256"));
        Assert.True(sha1.ExitCode == 0 && sha256.ExitCode == 0, sha1.All + sha256.All);
        Assert.Equal(secret, rsa.Decrypt(File.ReadAllBytes(Path.Combine(dir, "oaep1")), RSAEncryptionPadding.OaepSHA1));
        Assert.Equal(secret, rsa.Decrypt(File.ReadAllBytes(Path.Combine(dir, "oaep256")), RSAEncryptionPadding.OaepSHA256));

        File.WriteAllBytes(Path.Combine(dir, "pss.sig"), rsa.SignData("chunk to sign"u8.ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
        File.WriteAllBytes(Path.Combine(dir, "pkcs1.sig"), rsa.SignData("chunk to sign"u8.ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var pss = await Peer.OpenSslAsync("dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32", "-verify", publicPem, "-signature", Path.Combine(dir, "pss.sig"), Path.Combine(dir, "data"));
        var pkcs1 = await Peer.OpenSslAsync("dgst", "-sha256", "-verify", publicPem, "-signature", Path.Combine(dir, "pkcs1.sig"), Path.Combine(dir, "data"));
        Assert.True(pss.ExitCode == 0, pss.All);
        Assert.True(pkcs1.ExitCode == 0, pkcs1.All);

        Assert.Throws<CryptographicException>(() => rsa.ExportParameters(includePrivateParameters: true));
        Assert.Throws<CryptographicException>(() => rsa.ExportPkcs8PrivateKey());
    }
}

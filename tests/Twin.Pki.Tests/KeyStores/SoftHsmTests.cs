using System.Runtime.InteropServices;
using Twin.Pki.Authority;
using Twin.Pki.Keys;
using Twin.Pki.KeyStores;
using Twin.Tests.Support;
using Xunit.Abstractions;

namespace Twin.Pki.Tests.KeyStores;

/// <summary>A SoftHSM2 token in a temp folder (SOFTHSM2_CONF), opened once per test run: PKCS#11 modules initialise once per process.</summary>
public sealed class SoftHsmFixture : IDisposable
{
    internal const string Library = "/usr/lib/softhsm/libsofthsm2.so";

    public SoftHsmFixture()
    {
        if (!File.Exists(Library)) return;
        Folder = RepoPaths.NewScratch("softhsm");
        Directory.CreateDirectory(Path.Combine(Folder, "tokens"));
        var conf = RepoPaths.WriteText(Folder, "softhsm2.conf", $"directories.tokendir = {Path.Combine(Folder, "tokens")}\nobjectstore.backend = file\nlog.level = ERROR\n");
        // The module reads the variable from the native environment, which Environment.SetEnvironmentVariable does not touch.
        if (NativeMethods.SetEnv("SOFTHSM2_CONF", conf, 1) != 0) throw new InvalidOperationException("setenv failed");
        Store = Pkcs11KeyStore.Open(new Pkcs11Options(Library, "planttrust-ca", "4321") { InitializeWithSoPin = "87654321" });
    }

    public string? Folder { get; }

    public Pkcs11KeyStore? Store { get; }

    public void Dispose() => Store?.Dispose();
}

internal static class NativeMethods
{
    [DllImport("libc", EntryPoint = "setenv")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}

/// <summary>CA keys on a PKCS#11 token (SoftHSM2 via Pkcs11Interop): certificates and CRLs signed on the token pass openssl; export is refused.</summary>
public sealed class SoftHsmTests(SoftHsmFixture hsm, ITestOutputHelper output) : IClassFixture<SoftHsmFixture>
{
    private static readonly DateTimeOffset Start = TestPki.Start;

    [Theory]
    [InlineData(KeyAlgorithm.EcdsaP256)]
    [InlineData(KeyAlgorithm.Rsa2048)]
    public async Task Ca_whose_key_lives_in_softhsm_issues_certificates_and_crls_that_openssl_verifies(KeyAlgorithm algorithm)
    {
        if (hsm.Store is null)
        {
            output.WriteLine($"SoftHSM2 not installed ({SoftHsmFixture.Library} missing); install the softhsm2 package. Case not run.");
            return;
        }
        var label = "root-" + algorithm;
        var key = hsm.Store.Generate(label, algorithm);
        var root = CertificateAuthority.CreateRoot($"CN=HSM Root {algorithm}", key, Start, Start.AddYears(10));
        var leaf = TestPki.Leaf(root, "dev-hsm");
        var crl = root.IssueCrl(Start.AddDays(1), Start.AddDays(8));

        var openssl = await TestPki.OpenSslVerifyAsync(Start.AddDays(2), [root.Certificate], leaf, crlPems: [crl.ToPem()], extra: ["-x509_strict", "-crl_check"]);

        Assert.True(openssl.ExitCode == 0, openssl.All);
        Assert.True(root.Certificate.IsSelfSigned);
        Assert.Equal(key.PublicKey, hsm.Store.Find(label)!.PublicKey);
    }

    [Fact]
    public void Key_on_the_token_cannot_be_exported_and_can_be_destroyed()
    {
        if (hsm.Store is null)
        {
            output.WriteLine("SoftHSM2 not installed; case not run.");
            return;
        }
        hsm.Store.Generate("to-destroy", KeyAlgorithm.EcdsaP256);

        Assert.Throws<KeyExportRefusedException>(() => hsm.Store.Export("to-destroy"));
        Assert.Contains("to-destroy", hsm.Store.Labels);
        Assert.Throws<PolicyViolationException>(() => hsm.Store.Generate("to-destroy", KeyAlgorithm.EcdsaP256));
        Assert.Throws<UnsupportedAlgorithmException>(() => hsm.Store.Generate("pq", KeyAlgorithm.MlDsa65));
        Assert.True(hsm.Store.Destroy("to-destroy"));
        Assert.Null(hsm.Store.Find("to-destroy"));
        Assert.DoesNotContain("4321", hsm.Store.ToString(), StringComparison.Ordinal);
    }
}

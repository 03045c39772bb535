using System.Globalization;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Tests.Support;

namespace Twin.Pki.Tests;

/// <summary>Small helpers shared by the Twin.Pki tests: a two-level hierarchy and openssl verify at an instant.</summary>
internal static class TestPki
{
    internal static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    internal static KeyPair P256() => KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);

    internal static (CertificateAuthority Root, CertificateAuthority Issuing) Hierarchy(string name = "Test")
    {
        var root = CertificateAuthority.CreateRoot($"C=DE,O=PlantTrust,CN={name} Root", P256(), Start, Start.AddYears(20));
        var issuing = root.CreateSubordinate($"C=DE,O=PlantTrust,CN={name} Issuing CA", P256(), CertificateProfile.IssuingCa, Start, Start.AddYears(10));
        return (root, issuing);
    }

    internal static Certificate Leaf(CertificateAuthority ca, string cn, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null) =>
        ca.Issue(new IssuanceRequest($"C=DE,O=PlantTrust,CN={cn}", P256().PublicKey, CertificateProfile.LDevId, notBefore ?? Start, notAfter ?? Start.AddYears(2)));

    internal static string Epoch(DateTimeOffset t) => t.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs openssl verify; files are written to a fresh scratch folder. Returns openssl's result.</summary>
    internal static async Task<Peer.Result> OpenSslVerifyAsync(DateTimeOffset at, IEnumerable<Certificate> anchors, Certificate leaf, IEnumerable<Certificate>? untrusted = null, IEnumerable<string>? crlPems = null, params string[] extra)
    {
        var dir = RepoPaths.NewScratch("pki-verify");
        var args = new List<string> { "verify", "-attime", Epoch(at), "-CAfile", RepoPaths.WriteText(dir, "anchors.pem", string.Concat(anchors.Select(a => a.ToPem()))) };
        var u = untrusted?.ToList() ?? [];
        if (u.Count > 0) args.AddRange(["-untrusted", RepoPaths.WriteText(dir, "untrusted.pem", string.Concat(u.Select(c => c.ToPem())))]);
        var crls = crlPems?.ToList() ?? [];
        if (crls.Count > 0) args.AddRange(["-CRLfile", RepoPaths.WriteText(dir, "crls.pem", string.Concat(crls))]);
        args.AddRange(extra);
        args.Add(RepoPaths.WriteText(dir, "leaf.pem", leaf.ToPem()));
        return await Peer.RunAsync("openssl", args);
    }
}

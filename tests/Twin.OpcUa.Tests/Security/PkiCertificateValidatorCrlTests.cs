using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Security;
using Twin.Pki.Authority;
using Twin.Pki.Keys;

namespace Twin.OpcUa.Tests.Security;

/// <summary>
/// Part 4 §6.1.3 on a one-tier plant (a root CA that issues application certificates) with CRLs signed by .NET's
/// CertificateRevocationListBuilder: a CRL producer other than Twin.Pki, so the validator does not only read its own CRLs.
/// </summary>
public sealed class PkiCertificateValidatorCrlTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const string AppUri = "urn:planttrust:test:pea1";

    private sealed record Pki(CertificateAuthority Ca, KeyPair CaKey, byte[] Leaf, byte[] OtherLeaf);

    private static readonly Lazy<Pki> Shared = new(() =>
    {
        var caKey = KeyGenerator.Generate(KeyAlgorithm.Rsa2048);
        var ca = CertificateAuthority.CreateRoot("CN=Test Root", caKey, Start, Start.AddYears(10));
        byte[] Issue(string cn) => ca.Issue(new IssuanceRequest($"CN={cn}", KeyGenerator.Generate(KeyAlgorithm.Rsa2048).PublicKey, CertificateProfile.OpcUaApplication, Start, Start.AddYears(1)) { UriNames = [AppUri], DnsNames = ["localhost"] }).GetDer();
        return new Pki(ca, caKey, Issue("pea1"), Issue("pea2"));
    });

    private static byte[] Crl(Pki pki, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate, params byte[][] revoked)
    {
        using var caCert = X509CertificateLoader.LoadCertificate(pki.Ca.Certificate.GetDer());
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(pki.CaKey.ExportPkcs8(), out _);
        var builder = new CertificateRevocationListBuilder();
        foreach (var r in revoked)
        {
            using var c = X509CertificateLoader.LoadCertificate(r);
            builder.AddEntry(c, thisUpdate, X509RevocationReason.KeyCompromise);
        }
        var generator = X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1);
        return builder.Build(caCert.SubjectName, generator, BigInteger.One, nextUpdate, HashAlgorithmName.SHA256, X509AuthorityKeyIdentifierExtension.CreateFromCertificate(caCert, true, false), thisUpdate);
    }

    private static CertificateCheck Check(byte[] cert, DateTimeOffset at, string? uri = AppUri) => new(cert, [], CertificateUse.ApplicationInstance, uri, at);

    [Fact]
    public void Trusted_issuer_with_a_current_CRL_accepts_and_each_failure_has_its_status_code()
    {
        var pki = Shared.Value;
        var validator = new PkiCertificateValidator();
        var now = Start.AddDays(10);

        var unknownIssuer = validator.Validate(Check(pki.Leaf, now));
        validator.AddTrusted(pki.Ca.Certificate.GetDer());
        var noCrl = validator.Validate(Check(pki.Leaf, now));
        validator.AddRevocationList(Crl(pki, Start.AddDays(1), Start.AddDays(30), pki.OtherLeaf));
        var good = validator.Validate(Check(pki.Leaf, now));
        var revoked = validator.Validate(Check(pki.OtherLeaf, now));
        var wrongUri = validator.Validate(Check(pki.Leaf, now, "urn:someone:else"));
        var expired = validator.Validate(Check(pki.Leaf, Start.AddYears(2)));
        var staleCrl = validator.Validate(Check(pki.Leaf, Start.AddDays(40)));

        Assert.Equal(StatusCodes.BadCertificateChainIncomplete, unknownIssuer.Status.Code);
        Assert.Equal(StatusCodes.BadCertificateRevocationUnknown, noCrl.Status.Code);
        Assert.True(good.IsGood, good.Reason);
        Assert.Equal(StatusCodes.BadCertificateRevoked, revoked.Status.Code);
        Assert.Equal(StatusCodes.BadCertificateUriInvalid, wrongUri.Status.Code);
        Assert.Equal(StatusCodes.BadCertificateTimeInvalid, expired.Status.Code);
        Assert.Equal(StatusCodes.BadCertificateRevocationUnknown, staleCrl.Status.Code);
        Assert.Equal(2, validator.RejectedStore.Rejected.Count);
    }

    // Part 12 §7.3: an issuer that is known (issuer list) but not trusted does not make its certificates trusted; auto-accept is off by default.
    [Fact]
    public void Known_but_untrusted_issuer_is_BadCertificateUntrusted_until_auto_accept_is_switched_on()
    {
        var pki = Shared.Value;
        var validator = new PkiCertificateValidator();
        validator.AddIssuer(pki.Ca.Certificate.GetDer());
        validator.AddRevocationList(Crl(pki, Start, Start.AddDays(30)));
        var at = Start.AddDays(5);

        var before = validator.Validate(Check(pki.Leaf, at));
        validator.AutoAccept = true;
        var accepted = validator.Validate(Check(pki.Leaf, at));
        validator.AutoAccept = false;
        var after = validator.Validate(Check(pki.Leaf, at));

        Assert.False(new PkiCertificateValidator().AutoAccept);
        Assert.Equal(StatusCodes.BadCertificateUntrusted, before.Status.Code);
        Assert.True(accepted.IsGood, accepted.Reason);
        Assert.Equal(StatusCodes.BadCertificateUntrusted, after.Status.Code);
        Assert.Contains(validator.RejectedStore.Rejected, c => c.RawData.AsSpan().SequenceEqual(pki.Leaf));
    }

    // RFC 5280 §6.3.3 (f): a CRL whose signature does not verify with the issuer's key does not count, so revocation stays unknown.
    [Fact]
    public void A_CRL_not_signed_by_the_issuer_is_ignored()
    {
        var pki = Shared.Value;
        var impostorKey = KeyGenerator.Generate(KeyAlgorithm.Rsa2048);
        var impostor = new Pki(CertificateAuthority.CreateRoot("CN=Test Root", impostorKey, Start, Start.AddYears(10)), impostorKey, pki.Leaf, pki.OtherLeaf);
        var validator = new PkiCertificateValidator();
        validator.AddTrusted(pki.Ca.Certificate.GetDer());
        validator.AddRevocationList(Crl(impostor, Start, Start.AddDays(30), pki.Leaf));

        var verdict = validator.Validate(Check(pki.Leaf, Start.AddDays(5)));

        Assert.Equal(StatusCodes.BadCertificateRevocationUnknown, verdict.Status.Code);
    }

    [Fact]
    public void Garbage_is_BadCertificateInvalid()
    {
        Assert.Equal(StatusCodes.BadCertificateInvalid, new PkiCertificateValidator().Validate(Check([1, 2, 3], Start)).Status.Code);
    }
}

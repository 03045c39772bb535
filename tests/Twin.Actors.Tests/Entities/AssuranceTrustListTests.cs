using System.Text.Json;
using Twin.Actors.Entities.TrustCentre;
using Twin.Actors.Tests.Plant;
using Twin.Pki;
using Twin.Pki.Authority;
using Twin.Pki.Keys;

namespace Twin.Actors.Tests.Entities;

/// <summary>
/// A trust centre's signed list: CMS SignedData (RFC 5652) over the documented JSON. openssl cms -verify is the oracle for the
/// signature and hands back the content, which a plain JSON reader reads as documented; a relying party's check refuses a list
/// signed by another key, altered, for another trust centre, older than the one it holds, or past its next update.
/// </summary>
public sealed class AssuranceTrustListTests
{
    private static readonly DateTimeOffset Issued = new(2030, 1, 2, 1, 0, 0, TimeSpan.Zero);

    private static readonly KeyPair TrustCentreKey = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);

    private static readonly CertificateAuthority TrustCentre =
        CertificateAuthority.CreateRoot("CN=Trust Centre DE,O=Federal Trust Centre,C=DE", TrustCentreKey, Issued.AddYears(-1), Issued.AddYears(10));

    private static AssuranceTrustList List(long sequence = 7) => new("tc-de", sequence, Issued, Issued.AddDays(2),
    [
        new ListedCa("ca-jp", "CN=Module Maker CA,O=Module Maker,C=JP", new string('b', 64), SecurityLevel.SL3),
        new ListedCa("ca-de", "CN=Operator Root CA,O=Operator,C=DE", new string('a', 64), SecurityLevel.SL2),
    ]);

    [Fact]
    public async Task Openssl_verifies_the_signed_list_and_returns_the_documented_JSON()
    {
        var cms = List().Sign(TrustCentre.Certificate, TrustCentreKey, PkiRandom.System);

        var (exit, content, all) = await TrustListLevelsTests.OpenSslCmsVerifyAsync(cms, TrustCentre.Certificate, Issued);

        Assert.True(exit == 0, all);
        Assert.Equal(List().ToJson(), content);
        using var json = JsonDocument.Parse(content);
        var root = json.RootElement;
        Assert.Equal(["version", "trustCentre", "sequence", "issuedAt", "nextUpdate", "cas"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal(7, root.GetProperty("sequence").GetInt64());
        Assert.Equal("2030-01-04T01:00:00Z", root.GetProperty("nextUpdate").GetString());
        // Canonical order: by CA id.
        Assert.Equal(["ca-de", "ca-jp"], root.GetProperty("cas").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        Assert.Equal("SL3", root.GetProperty("cas")[1].GetProperty("level").GetString());
        Assert.Equal(List().ToJson(), AssuranceTrustList.FromJson(content).ToJson());

        var check = AssuranceTrustList.Verify(cms, TrustCentre.Certificate, "tc-de", Issued.AddHours(1), heldSequence: 6);
        Assert.Null(check.Problem);
        Assert.Equal([new string('b', 64)], check.List!.AnchorsAtLeast(SecurityLevel.SL3));
        Assert.Equal(2, check.List.AnchorsAtLeast(SecurityLevel.SL2).Count);
    }

    [Fact]
    public async Task A_list_altered_in_transit_is_refused_by_openssl_and_by_the_relying_party()
    {
        var cms = List().Sign(TrustCentre.Certificate, TrustCentreKey, PkiRandom.System);
        var at = IndexOf(cms, "\"SL2\""u8.ToArray());
        Assert.True(at > 0, "the level is in the encapsulated content");
        var altered = (byte[])cms.Clone();
        altered[at + 3] = (byte)'4'; // SL2 → SL4

        var (exit, _, _) = await TrustListLevelsTests.OpenSslCmsVerifyAsync(altered, TrustCentre.Certificate, Issued);

        Assert.NotEqual(0, exit);
        Assert.StartsWith("the signature is not the trust centre's", AssuranceTrustList.Verify(altered, TrustCentre.Certificate, "tc-de", Issued, 0).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relying_party_refuses_another_signer_another_trust_centre_an_older_list_and_an_expired_one()
    {
        var cms = List(sequence: 7).Sign(TrustCentre.Certificate, TrustCentreKey, PkiRandom.System);
        var otherKey = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var other = CertificateAuthority.CreateRoot("CN=Trust Centre DE,O=Federal Trust Centre,C=DE", otherKey, Issued.AddYears(-1), Issued.AddYears(10));

        Assert.NotNull(AssuranceTrustList.Verify(cms, other.Certificate, "tc-de", Issued, 0).Problem);
        Assert.Equal("the list is trust centre 'tc-de''s, not 'tc-jp''s", AssuranceTrustList.Verify(cms, TrustCentre.Certificate, "tc-jp", Issued, 0).Problem);
        Assert.Equal("list 7 is older than list 8 already held", AssuranceTrustList.Verify(cms, TrustCentre.Certificate, "tc-de", Issued, 8).Problem);
        Assert.Equal("list 7 expired at 2030-01-04T01:00:00Z", AssuranceTrustList.Verify(cms, TrustCentre.Certificate, "tc-de", Issued.AddDays(2).AddSeconds(1), 0).Problem);
        Assert.Null(AssuranceTrustList.Verify(cms, TrustCentre.Certificate, "tc-de", Issued.AddDays(2), 7).Problem); // the same list again, at its last instant
    }

    [Theory]
    [InlineData("{\"version\":2}", "version 2 is not supported")]
    [InlineData("{\"version\":1,\"trustCentre\":\"tc\",\"sequence\":1,\"issuedAt\":\"2030-01-01T00:00:00Z\",\"nextUpdate\":\"2030-01-02T00:00:00Z\",\"cas\":[{\"id\":\"a\",\"subject\":\"CN=a\",\"keySha256\":\"00\",\"level\":\"SL1\"}]}", "cas[0].keySha256 is not 64 lower-case hex digits")]
    [InlineData("{\"version\":1,\"trustCentre\":\"tc\",\"sequence\":1,\"issuedAt\":\"2030-01-01T00:00:00Z\",\"nextUpdate\":\"2030-01-02T00:00:00Z\",\"cas\":[{\"id\":\"a\",\"subject\":\"CN=a\",\"keySha256\":\"" + "0000000000000000000000000000000000000000000000000000000000000000" + "\",\"level\":\"SL5\"}]}", "cas[0].level 'SL5' is not one of SL1, SL2, SL3, SL4")]
    [InlineData("{\"version\":1,\"trustCentre\":\"tc\",\"sequence\":1,\"issuedAt\":\"yesterday\"}", "issuedAt 'yesterday' is not an instant")]
    [InlineData("[1]", "the document is not a JSON object")]
    public void A_malformed_list_fails_naming_the_member(string json, string expected)
    {
        var error = Assert.Throws<PkiFormatException>(() => AssuranceTrustList.FromJson(System.Text.Encoding.UTF8.GetBytes(json)));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }
}

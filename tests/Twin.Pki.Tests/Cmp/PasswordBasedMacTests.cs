using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cmp;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Oiw;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Twin.Pki.Cmp;
using Twin.Pki.Keys;

namespace Twin.Pki.Tests.Cmp;

/// <summary>
/// PasswordBasedMac (RFC 4210 §5.1.3.1) for every one-way function it accepts, against the platform's own hashes and HMACs
/// (OpenSSL underneath): BASEKEY = OWF(secret || salt) iterated iterationCount times, then the MAC keyed with it.
/// openssl's own messages (CmpFixtureTests) cover the SHA-256 / HMAC-SHA1 default end to end.
/// </summary>
public sealed class PasswordBasedMacTests
{
    public static TheoryData<string, string, int> Cases => new()
    {
        { "SHA-1", "HMAC-SHA1", 1 },
        { "SHA-256", "HMAC-SHA1", 500 },
        { "SHA-256", "HMAC-SHA256", 2 },
        { "SHA-384", "HMAC-SHA256", 17 },
        { "SHA-512", "HMAC-SHA256", 100 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_mac_is_the_one_the_platforms_hashes_give(string owf, string mac, int iterations)
    {
        var secret = "a one-time secret"u8.ToArray();
        var salt = Convert.FromHexString("00112233445566778899aabbccddeeff");
        var data = "the protected part of a PKIMessage"u8.ToArray();
        var parameters = new PbmParameter(salt, new AlgorithmIdentifier(OwfOid(owf)), iterations, new AlgorithmIdentifier(MacOid(mac)));

        var expected = Reference(owf, mac, secret, salt, iterations, data);

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(CmpMac.Pbm(secret, parameters, data)));
        // A different salt or one iteration more gives another MAC.
        var more = new PbmParameter(salt, new AlgorithmIdentifier(OwfOid(owf)), iterations + 1, new AlgorithmIdentifier(MacOid(mac)));
        Assert.NotEqual(Convert.ToHexString(expected), Convert.ToHexString(CmpMac.Pbm(secret, more, data)));
    }

    [Fact] // RFC 4210 §5.1.3.1: "the fields of PBMParameter remain constant throughout the messages of a single transaction"
    public void An_answer_keyed_with_the_requests_key_carries_its_PBMParameter_and_its_mac_is_the_platforms()
    {
        var secret = "a one-time secret"u8.ToArray();
        var reference = "4711"u8.ToArray();
        var now = DateTimeOffset.Parse("2030-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var request = CmpMessage.Decode(CmpRequests.General(new CmpSender("CN=device", CmpProtector.PasswordBasedMac(reference, secret, PkiRandom.System), now, PkiRandom.System), null, []).Der);
        var key = request.VerifyMacKeeping(secret);
        Assert.NotNull(key);
        Assert.Null(request.VerifyMacKeeping("another secret"u8));
        Assert.Equal("CmpMacKey(withheld)", key.ToString());

        var answer = CmpMessage.Decode(CmpReplies.Error(request, new CmpSender("CN=ra", CmpProtector.MacWith(key, reference), now, PkiRandom.System), CmpFailure.BadRequest, "no"));
        Assert.Equal(request.Inner.Header.ProtectionAlg.GetEncoded(Asn1Encodable.Der), answer.Inner.Header.ProtectionAlg.GetEncoded(Asn1Encodable.Der));
        Assert.Equal(reference, answer.Header.SenderKid);
        var p = PbmParameter.GetInstance(answer.Inner.Header.ProtectionAlg.Parameters);
        var expected = Reference("SHA-256", "HMAC-SHA1", secret, p.Salt.GetOctets(), p.IterationCount.IntValueExact, answer.ProtectedPartDer());
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(answer.Inner.Protection.GetBytes()));
        Assert.True(answer.VerifyMac(secret));

        // The kept key checks a message with the same parameters without a derivation; other parameters are derived anew from the secret.
        Assert.Same(key, answer.VerifyMac(key, "not asked"u8));
        var other = CmpMessage.Decode(CmpRequests.General(new CmpSender("CN=device", CmpProtector.PasswordBasedMac(reference, secret, PkiRandom.System), now, PkiRandom.System), null, []).Der);
        var anew = other.VerifyMac(key, secret);
        Assert.NotNull(anew);
        Assert.NotSame(key, anew);
        Assert.Null(other.VerifyMac(key, "another secret"u8));
    }

    [Fact]
    public void An_unknown_one_way_function_is_refused_with_badAlg_naming_it()
    {
        var parameters = new PbmParameter(new byte[16], new AlgorithmIdentifier(new DerObjectIdentifier("1.2.3.4")), 500, new AlgorithmIdentifier(MacOid("HMAC-SHA1")));
        var e = Assert.Throws<CmpException>(() => CmpMac.Pbm([1, 2, 3], parameters, [4, 5, 6]));
        Assert.Equal(CmpFailure.BadAlg, e.Failure);
        Assert.Contains("1.2.3.4", e.Message, StringComparison.Ordinal);
    }

    private static DerObjectIdentifier OwfOid(string owf) => owf switch
    {
        "SHA-1" => OiwObjectIdentifiers.IdSha1,
        "SHA-256" => NistObjectIdentifiers.IdSha256,
        "SHA-384" => NistObjectIdentifiers.IdSha384,
        _ => NistObjectIdentifiers.IdSha512,
    };

    private static DerObjectIdentifier MacOid(string mac) => mac == "HMAC-SHA1" ? new DerObjectIdentifier("1.3.6.1.5.5.8.1.2") : PkcsObjectIdentifiers.IdHmacWithSha256;

#pragma warning disable CA5350 // SHA-1 is one of the one-way functions RFC 4210 names; this is the reference it is checked against.
    private static byte[] Reference(string owf, string mac, byte[] secret, byte[] salt, int iterations, byte[] data)
    {
        Func<byte[], byte[]> hash = owf switch
        {
            "SHA-1" => SHA1.HashData,
            "SHA-256" => SHA256.HashData,
            "SHA-384" => SHA384.HashData,
            _ => SHA512.HashData,
        };
        var key = hash([.. secret, .. salt]);
        for (var i = 1; i < iterations; i++) key = hash(key);
        return mac == "HMAC-SHA1" ? HMACSHA1.HashData(key, data) : HMACSHA256.HashData(key, data);
    }
#pragma warning restore CA5350
}

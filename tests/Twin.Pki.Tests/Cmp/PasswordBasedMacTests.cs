using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cmp;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Oiw;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Twin.Pki.Cmp;

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

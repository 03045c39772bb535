using System.Globalization;
using System.Text.RegularExpressions;
using Twin.Pki.Keys;
using Twin.Tests.Support;

namespace Twin.Pki.Tests.Keys;

/// <summary>
/// The independent peers for ML-DSA: `openssl asn1parse` cuts a signed structure into its signed part,
/// algorithm and signature (OpenSSL 3.0 cannot verify ML-DSA itself), and @noble/post-quantum verifies or signs.
/// </summary>
internal static partial class MlDsaPeers
{
    /// <summary>The parts of a SIGNED{...} structure (certificate, CRL, PKCS#10) as openssl asn1parse sees them.</summary>
    internal sealed record SignedParts(byte[] Signed, string AlgorithmOid, bool AlgorithmHasParameters, byte[] Signature);

    internal static string NobleName(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.MlDsa44 => "ml_dsa44",
        KeyAlgorithm.MlDsa65 => "ml_dsa65",
        KeyAlgorithm.MlDsa87 => "ml_dsa87",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "not ML-DSA"),
    };

    /// <summary>FIPS 204 Table 2: public key sizes.</summary>
    internal static int PublicKeyLength(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.MlDsa44 => 1312,
        KeyAlgorithm.MlDsa65 => 1952,
        KeyAlgorithm.MlDsa87 => 2592,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "not ML-DSA"),
    };

    /// <summary>The raw FIPS 204 public key: the BIT STRING contents at the end of the SubjectPublicKeyInfo (RFC 9881 §4).</summary>
    internal static byte[] RawPublicKey(PublicKey key) => key.SubjectPublicKeyInfo[^PublicKeyLength(key.Algorithm)..];

    /// <summary>Splits <paramref name="der"/> (SEQUENCE { signed, AlgorithmIdentifier, BIT STRING }) with `openssl asn1parse`.</summary>
    internal static async Task<SignedParts> SplitWithOpenSslAsync(byte[] der)
    {
        var file = Path.Combine(RepoPaths.NewScratch("mldsa-asn1"), "signed.der");
        await File.WriteAllBytesAsync(file, der);
        var parse = await Peer.OpenSslAsync("asn1parse", "-inform", "DER", "-in", file);
        Assert.True(parse.ExitCode == 0, parse.All);
        var lines = parse.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ParseLine).Where(l => l is not null).Select(l => l!).ToList();
        var top = lines.Where(l => l.Depth == 1).ToList();
        Assert.True(top.Count == 3, parse.All);
        var (signed, algorithm, signature) = (top[0], top[1], top[2]);
        Assert.Equal("BIT STRING", signature.Type);
        var oid = lines.First(l => l.Depth == 2 && l.Offset > algorithm.Offset && l.Type == "OBJECT");
        return new SignedParts(
            der[signed.Offset..(signed.Offset + signed.HeaderLength + signed.Length)],
            oid.Value,
            // Parameters absent: the AlgorithmIdentifier holds nothing but its OBJECT IDENTIFIER.
            algorithm.Length != oid.HeaderLength + oid.Length,
            // The BIT STRING's first content byte counts unused bits (0 for a signature).
            der[(signature.Offset + signature.HeaderLength + 1)..(signature.Offset + signature.HeaderLength + signature.Length)]);
    }

    private sealed record Line(int Offset, int Depth, int HeaderLength, int Length, string Type, string Value);

    // "    4:d=1  hl=4 l=2345 cons: SEQUENCE" / "   19:d=2  hl=2 l=   9 prim: OBJECT            :2.16.840.1.101.3.4.3.18"
    private static Line? ParseLine(string text)
    {
        var m = AsnLine().Match(text);
        if (!m.Success) return null;
        int I(string g) => int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
        return new Line(I("off"), I("d"), I("hl"), I("l"), m.Groups["type"].Value.Trim(), m.Groups["value"].Value.Trim());
    }

    [GeneratedRegex(@"^\s*(?<off>\d+):d=(?<d>\d+)\s+hl=(?<hl>\d+)\s+l=\s*(?<l>\d+)\s+(?:prim|cons):\s*(?<type>[A-Z ]+?)\s*(?::(?<value>.*))?$")]
    private static partial Regex AsnLine();

    /// <summary>Runs an ES module under node from tests/peers, so '@noble/post-quantum' resolves; returns stdout.</summary>
    internal static async Task<string> NodeAsync(string script)
    {
        var node = await Peer.RunAsync("node", ["--input-type=module"], workingDirectory: Path.Combine(RepoPaths.Root, "tests", "peers"), stdin: System.Text.Encoding.UTF8.GetBytes(script));
        Assert.True(node.ExitCode == 0, node.All);
        return node.StdOut.Trim();
    }

    /// <summary>@noble/post-quantum's verdict on <paramref name="signature"/> over <paramref name="message"/> with the raw public key.</summary>
    internal static async Task<bool> NobleVerifiesAsync(KeyAlgorithm algorithm, byte[] publicKey, byte[] message, byte[] signature)
    {
        var name = NobleName(algorithm);
        var output = await NodeAsync($$"""
            import { {{name}} } from '@noble/post-quantum/ml-dsa.js';
            const h = (s) => Uint8Array.from(Buffer.from(s, 'hex'));
            console.log({{name}}.verify(h('{{Convert.ToHexString(signature)}}'), h('{{Convert.ToHexString(message)}}'), h('{{Convert.ToHexString(publicKey)}}')));
            """);
        return output switch
        {
            "true" => true,
            "false" => false,
            _ => throw new InvalidOperationException($"noble answered '{output}'"),
        };
    }

    /// <summary>noble's public key for a 32-byte seed (FIPS 204 ML-DSA.KeyGen_internal).</summary>
    internal static async Task<byte[]> NoblePublicKeyAsync(KeyAlgorithm algorithm, byte[] seed)
    {
        var name = NobleName(algorithm);
        return Convert.FromHexString(await NodeAsync($$"""
            import { {{name}} } from '@noble/post-quantum/ml-dsa.js';
            const k = {{name}}.keygen(Uint8Array.from(Buffer.from('{{Convert.ToHexString(seed)}}', 'hex')));
            console.log(Buffer.from(k.publicKey).toString('hex'));
            """));
    }

    /// <summary>noble's signature over <paramref name="message"/> with the key of <paramref name="seed"/>.</summary>
    internal static async Task<byte[]> NobleSignAsync(KeyAlgorithm algorithm, byte[] seed, byte[] message)
    {
        var name = NobleName(algorithm);
        return Convert.FromHexString(await NodeAsync($$"""
            import { {{name}} } from '@noble/post-quantum/ml-dsa.js';
            const h = (s) => Uint8Array.from(Buffer.from(s, 'hex'));
            const k = {{name}}.keygen(h('{{Convert.ToHexString(seed)}}'));
            console.log(Buffer.from({{name}}.sign(h('{{Convert.ToHexString(message)}}'), k.secretKey)).toString('hex'));
            """));
    }

    /// <summary>A copy with one bit flipped at <paramref name="index"/> (from the end when negative).</summary>
    internal static byte[] Flip(byte[] bytes, int index)
    {
        var copy = (byte[])bytes.Clone();
        copy[index < 0 ? copy.Length + index : index] ^= 0x01;
        return copy;
    }

    /// <summary>RFC 9881 §2 / FIPS 204 OIDs: id-ml-dsa-44/65/87.</summary>
    internal static string Oid(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.MlDsa44 => "2.16.840.1.101.3.4.3.17",
        KeyAlgorithm.MlDsa65 => "2.16.840.1.101.3.4.3.18",
        KeyAlgorithm.MlDsa87 => "2.16.840.1.101.3.4.3.19",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "not ML-DSA"),
    };
}

using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests.Cli;

/// <summary>
/// A domain migrated to ML-DSA-87 by the twin, checked from the exported evidence by peers that share no code with
/// it: `openssl asn1parse` cuts every certificate and CRL into signed part, algorithm and signature; @noble/post-quantum
/// verifies the ML-DSA signatures with the new CA key, `openssl dgst` the ECDSA root's signature over the ML-DSA CA
/// certificate (OpenSSL 3.0 cannot load an ML-DSA key, so `openssl verify` cannot build the chain).
/// </summary>
public sealed partial class MlDsaMigrationEvidenceTests
{
    private const string MlDsa87 = "2.16.840.1.101.3.4.3.19";
    private const string EcdsaWithSha256 = "ecdsa-with-SHA256";

    [Fact]
    public async Task Migrated_domain_holds_ml_dsa_certificates_whose_signatures_noble_and_openssl_accept()
    {
        var folder = RepoPaths.NewScratch("mldsa-evidence");
        var file = RepoPaths.WriteText(folder, "plant.yaml", """
            name: Migration evidence
            run: migration-evidence
            seed: 87
            start: 2030-01-01T00:00:00Z
            duration: P5D
            clock: { mode: max }
            design: { crlInterval: P1D, crlValidity: P2D }
            topology:
              rootCa: { id: ca-root, subject: "CN=Evidence Root" }
              cas:
                - { id: ca-a, parent: ca-root, subject: "CN=Evidence Issuing A" }
              devices:
                - { id: "s-{n}", count: 2 }
              domains:
                - name: plant-a
                  issuingCa: ca-a
                  members: [s-001, s-002]
                  templates: [ { name: ldevid, profile: LDevId, lifetime: P4D } ]
            timeline:
              - { at: P1D, action: migrate-algorithm, domain: plant-a, algorithm: ml-dsa-87 }
            expect:
              - keyAlgorithm: { device: "s-*", algorithm: ml-dsa-87, by: P4D }
            """);
        var db = Path.Combine(folder, "run.db");
        var export = Path.Combine(folder, "export");
        var run = await Verb.RunAsync("run", file, "--db", db);
        Assert.True(run.ExitCode == 0, run.All);
        var exported = await Verb.RunAsync("export", "--db", db, "--run", "migration-evidence", "--at", "end", "--out", export);
        Assert.True(exported.ExitCode == 0, exported.All);

        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(export, "manifest.json")));
        var certificates = manifest.RootElement.GetProperty("certificates").EnumerateArray()
            .Select(c => (Entity: c.GetProperty("entity").GetString()!, Status: c.GetProperty("status").GetString()!, Der: File.ReadAllBytes(Path.Combine(export, c.GetProperty("der").GetString()!))))
            .ToList();
        var root = certificates.Single(c => c.Entity == "ca-root");
        var caKeys = new List<(byte[] Der, Parts Parts)>();
        foreach (var c in certificates.Where(c => c.Entity == "ca-a")) caKeys.Add((c.Der, await CutAsync(c.Der)));
        var (newCa, newCaParts) = Assert.Single(caKeys, k => k.Parts.SubjectKeyOid == MlDsa87);
        var oldCa = Assert.Single(caKeys, k => k.Parts.SubjectKeyOid != MlDsa87);

        // The ECDSA root certified the ML-DSA key: RFC 5480 ECDSA over the TBSCertificate, checked by openssl with the root's key.
        Assert.Equal(EcdsaWithSha256, newCaParts.AlgorithmOid);
        Assert.True(await OpenSslVerifiesAsync(folder, root.Der, newCaParts), "openssl rejects the root's signature on the ML-DSA CA certificate");

        // Each member renewed under the new key with an ML-DSA-87 key of its own; noble verifies the new CA's signature.
        var newCaKey = RawKey(newCa, newCaParts);
        foreach (var device in new[] { "s-001", "s-002" })
        {
            var held = certificates.Where(c => c.Entity == device).ToList();
            var migrated = new List<Parts>();
            foreach (var c in held)
            {
                var parts = await CutAsync(c.Der);
                if (parts.SubjectKeyOid == MlDsa87) migrated.Add(parts);
            }
            var last = Assert.Single(migrated);
            Assert.Equal(MlDsa87, last.AlgorithmOid);
            Assert.False(last.AlgorithmHasParameters);
            Assert.True(await NobleVerifiesAsync(newCaKey, last.Signed, last.Signature), $"noble rejects the LDevID of {device}");
            Assert.False(await NobleVerifiesAsync(newCaKey, Flip(last.Signed), last.Signature), $"noble accepts a flipped bit in the LDevID of {device}");
            Assert.Contains(held, c => c.Status == "Valid");
        }

        // The new key's CRLs are ML-DSA-87 too; the old key still signs its own with ECDSA during the overlap.
        var crlFiles = manifest.RootElement.GetProperty("crls").EnumerateArray().Select(c => Path.Combine(export, c.GetProperty("der").GetString()!)).ToList();
        var mlDsaCrls = 0;
        foreach (var crl in crlFiles)
        {
            var parts = await CutAsync(File.ReadAllBytes(crl));
            if (parts.AlgorithmOid != MlDsa87) continue;
            Assert.True(await NobleVerifiesAsync(newCaKey, parts.Signed, parts.Signature), $"noble rejects {Path.GetFileName(crl)}");
            mlDsaCrls++;
        }
        Assert.True(mlDsaCrls >= 3, $"{mlDsaCrls} ML-DSA CRLs");
        Assert.Equal("Superseded", certificates.Single(c => c.Der.AsSpan().SequenceEqual(oldCa.Der)).Status);
    }

    private sealed record Parts(byte[] Signed, string AlgorithmOid, bool AlgorithmHasParameters, byte[] Signature, string? SubjectKeyOid, (int Offset, int Length)? SubjectKey);

    private sealed record Line(int Offset, int Depth, int HeaderLength, int Length, string Type, string Value);

    // SIGNED{...} = SEQUENCE { signed, AlgorithmIdentifier, BIT STRING }; in a certificate the SubjectPublicKeyInfo is the
    // SEQUENCE in the TBSCertificate whose first child is an AlgorithmIdentifier with a key OID and whose second is a BIT STRING.
    private static async Task<Parts> CutAsync(byte[] der)
    {
        var path = Path.Combine(RepoPaths.NewScratch("asn1"), "x.der");
        await File.WriteAllBytesAsync(path, der);
        var parse = await Peer.OpenSslAsync("asn1parse", "-inform", "DER", "-in", path);
        Assert.True(parse.ExitCode == 0, parse.All);
        var lines = parse.StdOut.Split('\n').Select(l => AsnLine().Match(l)).Where(m => m.Success).Select(m => new Line(
            Int(m, "off"), Int(m, "d"), Int(m, "hl"), Int(m, "l"), m.Groups["type"].Value.Trim(), m.Groups["value"].Value.Trim())).ToList();
        var top = lines.Where(l => l.Depth == 1).ToList();
        Assert.Equal(3, top.Count);
        var algorithm = lines.First(l => l.Depth == 2 && l.Offset > top[1].Offset && l.Type == "OBJECT");
        // The subject key: a depth-3 BIT STRING right after a depth-3 SEQUENCE holding one OBJECT, inside the signed part.
        string? keyOid = null;
        (int, int)? key = null;
        for (var i = 0; i + 2 < lines.Count && lines[i].Offset < top[1].Offset; i++)
        {
            if (lines[i].Depth == 3 && lines[i].Type == "SEQUENCE" && lines[i + 1].Depth == 4 && lines[i + 1].Type == "OBJECT")
            {
                var next = lines.Skip(i + 2).FirstOrDefault(l => l.Depth <= 3);
                if (next is { Depth: 3, Type: "BIT STRING" })
                {
                    keyOid = lines[i + 1].Value;
                    key = (next.Offset + next.HeaderLength + 1, next.Length - 1);
                }
            }
        }
        return new Parts(
            der[top[0].Offset..(top[0].Offset + top[0].HeaderLength + top[0].Length)],
            algorithm.Value,
            top[1].Length != algorithm.HeaderLength + algorithm.Length,
            der[(top[2].Offset + top[2].HeaderLength + 1)..(top[2].Offset + top[2].HeaderLength + top[2].Length)],
            keyOid, key);
    }

    private static byte[] RawKey(byte[] der, Parts parts) => der[parts.SubjectKey!.Value.Offset..(parts.SubjectKey.Value.Offset + parts.SubjectKey.Value.Length)];

    private static int Int(Match m, string group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s*(?<off>\d+):d=(?<d>\d+)\s+hl=(?<hl>\d+)\s+l=\s*(?<l>\d+)\s+(?:prim|cons):\s*(?<type>[A-Za-z0-9 \[\]]+?)\s*(?::(?<value>.*))?$")]
    private static partial Regex AsnLine();

    private static byte[] Flip(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        copy[^1] ^= 1;
        return copy;
    }

    private static async Task<bool> NobleVerifiesAsync(byte[] publicKey, byte[] message, byte[] signature)
    {
        var script = $$"""
            import { ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
            const h = (s) => Uint8Array.from(Buffer.from(s, 'hex'));
            console.log(ml_dsa87.verify(h('{{Convert.ToHexString(signature)}}'), h('{{Convert.ToHexString(message)}}'), h('{{Convert.ToHexString(publicKey)}}')));
            """;
        var node = await Peer.RunAsync("node", ["--input-type=module"], workingDirectory: Path.Combine(RepoPaths.Root, "tests", "peers"), stdin: System.Text.Encoding.UTF8.GetBytes(script));
        Assert.True(node.ExitCode == 0, node.All);
        return node.StdOut.Trim() == "true";
    }

    // openssl dgst checks an ECDSA-with-SHA-256 signature over the TBS bytes with the issuer's public key.
    private static async Task<bool> OpenSslVerifiesAsync(string folder, byte[] issuerDer, Parts parts)
    {
        var issuer = Path.Combine(folder, "issuer.der");
        await File.WriteAllBytesAsync(issuer, issuerDer);
        var key = await Peer.OpenSslAsync("x509", "-inform", "DER", "-in", issuer, "-pubkey", "-noout");
        Assert.True(key.ExitCode == 0, key.All);
        var pub = RepoPaths.WriteText(folder, "issuer-key.pem", key.StdOut);
        var tbs = Path.Combine(folder, "tbs.der");
        var sig = Path.Combine(folder, "sig.der");
        await File.WriteAllBytesAsync(tbs, parts.Signed);
        await File.WriteAllBytesAsync(sig, parts.Signature);
        var verify = await Peer.OpenSslAsync("dgst", "-sha256", "-verify", pub, "-signature", sig, tbs);
        return verify.ExitCode == 0 && verify.StdOut.Contains("Verified OK", StringComparison.Ordinal);
    }
}

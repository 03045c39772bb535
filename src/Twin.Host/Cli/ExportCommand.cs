using System.CommandLine;
using System.Text;
using System.Text.Json;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;

namespace Twin.Host.Cli;

/// <summary>
/// `export --db PATH --run ID --at INSTANT --out DIR`: the evidence of a recorded run as it stood at
/// one instant — every certificate, every CRL published so far, the trust list, the events — with
/// a manifest of each certificate's status as the twin judged it then.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var db = new Option<string>("--db") { Description = "the run's SQLite journal", Required = true };
        var run = new Option<string>("--run") { Description = "the run id", Required = true };
        var at = new Option<string>("--at") { Description = "simulated instant (ISO 8601, e.g. 2030-01-05T12:00:00Z), or 'end'", Required = true };
        var outDir = new Option<string>("--out") { Description = "folder to write to", Required = true };
        var command = new Command("export", "Export certificates, CRLs, the trust list (PEM and DER) and events of a recorded run as of an instant, with a manifest; exit 0 when written, 2 on bad input.")
        {
            db, run, at, outDir,
        };
        command.SetAction((r, token) => ExportAsync(r.GetValue(db)!, r.GetValue(run)!, r.GetValue(at)!, r.GetValue(outDir)!, token));
        return command;
    }

    private static async Task<int> ExportAsync(string db, string runText, string atText, string outDir, CancellationToken token)
    {
        RecordedRun recorded;
        try
        {
            recorded = await RecordedRun.OpenAsync(db, runText, token: token);
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"PlantTrust cannot export: {e.Message}");
            return Program.BadInput;
        }
        await using (recorded)
        {
            SimInstant at;
            try
            {
                at = atText == "end" ? recorded.Range.End : CommonOptions.ParseInstant(atText, "--at");
            }
            catch (UsageException e)
            {
                await Console.Error.WriteLineAsync($"PlantTrust cannot export: {e.Message}");
                return Program.BadInput;
            }
            var manifest = Write(recorded, at, Path.GetFullPath(outDir));
            Console.WriteLine($"Exported {manifest.Certificates.Count} certificates, {manifest.Crls.Count} CRLs and {manifest.Events} events of {recorded.Run} as of {at} to {Path.GetFullPath(outDir)}");
            return 0;
        }
    }

    /// <summary>One exported certificate: who held it, its files, and its status at the instant as the twin judged it.</summary>
    internal sealed record CertificateEntry(string Entity, string Kind, string Serial, string Subject, string Issuer, string NotBefore, string NotAfter, string Status, string? RevokedAt, string? RevocationReason, string Pem, string Der);

    /// <summary>One exported CRL; <paramref name="Latest"/> marks the one relying parties used at the instant, <paramref name="Current"/> whether it was current then (a lapsed CRL makes every verdict on its CA's certificates "revocation unknown").</summary>
    internal sealed record CrlEntry(string Ca, long Number, string ThisUpdate, string? NextUpdate, int Entries, bool Latest, bool Current, string Pem, string Der);

    /// <summary>manifest.json.</summary>
    internal sealed record Manifest(string Run, string At, long AtEpoch, IReadOnlyList<CertificateEntry> Certificates, IReadOnlyList<CrlEntry> Crls, IReadOnlyDictionary<string, string> TrustList, int Events);

    private static Manifest Write(RecordedRun recorded, SimInstant at, string folder)
    {
        var snapshot = recorded.SnapshotAt(at);
        Directory.CreateDirectory(folder);
        var certificates = new List<CertificateEntry>();
        foreach (var entity in snapshot.Entities.Values)
        {
            foreach (var c in entity.Certificates)
            {
                var name = $"certs/{entity.Id.Value}-{c.SerialHex}";
                var cert = Certificate.FromDer([.. c.Der]);
                WriteBoth(folder, name, cert.ToPem(), [.. c.Der]);
                certificates.Add(new CertificateEntry(entity.Id.Value, entity.Kind, c.SerialHex, c.Subject, c.Issuer, Iso(c.NotBefore), Iso(c.NotAfter),
                    c.StatusAt(at).ToString(), c.Revocation?.At.ToString(), c.Revocation?.Reason.ToString(), name + ".pem", name + ".der"));
            }
        }

        var published = recorded.Events.OfType<CrlPublished>().Where(p => p.At <= at).ToList();
        var latest = published.GroupBy(p => p.Entity.Value).ToDictionary(g => g.Key, g => g.MaxBy(p => p.Number)!.Number, StringComparer.Ordinal);
        var crls = new List<CrlEntry>();
        foreach (var p in published.OrderBy(p => p.Entity.Value, StringComparer.Ordinal).ThenBy(p => p.Number))
        {
            var crl = CertificateRevocationList.FromDer(p.CrlDer);
            var name = $"crls/{p.Entity.Value}-{p.Number}";
            WriteBoth(folder, name, crl.ToPem(), p.CrlDer);
            crls.Add(new CrlEntry(p.Entity.Value, p.Number, Iso(crl.ThisUpdate), crl.NextUpdate is { } n ? Iso(n) : null, crl.Entries.Count, latest[p.Entity.Value] == p.Number,
                crl.ThisUpdate <= at.Utc && (crl.NextUpdate is not { } next || at.Utc <= next), name + ".pem", name + ".der"));
        }

        var trust = WriteTrustList(folder, snapshot, published, latest);
        var events = recorded.Events.Select((e, i) => (e, i)).Where(x => x.e.At <= at).Select(x => EventText.Describe(x.e, x.i + 1))
            .Select(v => new { offset = v.Offset, at = v.At.ToString(), entity = v.Entity.Value, kind = v.Kind, summary = v.Summary }).ToList();
        File.WriteAllText(Path.Combine(folder, "events.json"), JsonSerializer.Serialize(events, RunReport.JsonOptions));
        var manifest = new Manifest(recorded.Run.Value, at.ToString(), at.Utc.ToUnixTimeSeconds(), certificates, crls, trust, events.Count);
        File.WriteAllText(Path.Combine(folder, "manifest.json"), JsonSerializer.Serialize(manifest, RunReport.JsonOptions));
        return manifest;
    }

    // The OPC UA trust-list layout (Part 12 §7.8.2.4 folders): roots trusted, subordinate CAs issuers,
    // each with the CRL current at the instant; plus PEM bundles for openssl's -CAfile/-untrusted/-CRLfile.
    private static Dictionary<string, string> WriteTrustList(string folder, PlantSnapshot snapshot, List<CrlPublished> published, Dictionary<string, long> latest)
    {
        var bundles = new Dictionary<string, StringBuilder> { ["trusted"] = new(), ["issuers"] = new(), ["crls"] = new() };
        foreach (var ca in snapshot.Entities.Values.Where(e => e.Kind == EntityKinds.CertificationAuthority && e.Current is not null))
        {
            var cert = Certificate.FromDer([.. ca.Current!.Der]);
            var list = cert.Subject == cert.Issuer ? "trusted" : "issuers";
            WriteBoth(folder, $"trust/{list}/certs/{ca.Id.Value}", cert.ToPem(), [.. ca.Current.Der]);
            bundles[list].Append(cert.ToPem());
            if (latest.TryGetValue(ca.Id.Value, out var number))
            {
                var crl = CertificateRevocationList.FromDer(published.First(p => p.Entity == ca.Id && p.Number == number).CrlDer);
                WriteBoth(folder, $"trust/{list}/crl/{ca.Id.Value}", crl.ToPem(), crl.GetDer());
                bundles["crls"].Append(crl.ToPem());
            }
        }
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, text) in bundles)
        {
            var path = $"trust/{name}.pem";
            Directory.CreateDirectory(Path.Combine(folder, "trust"));
            File.WriteAllText(Path.Combine(folder, path), text.ToString());
            files[name] = path;
        }
        return files;
    }

    private static void WriteBoth(string folder, string name, string pem, byte[] der)
    {
        var pemPath = Path.Combine(folder, name + ".pem");
        Directory.CreateDirectory(Path.GetDirectoryName(pemPath)!);
        File.WriteAllText(pemPath, pem);
        File.WriteAllBytes(Path.Combine(folder, name + ".der"), der);
    }

    private static string Iso(DateTimeOffset t) => new SimInstant(t).ToString();
}

using System.Text;
using System.Text.Json;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Host.Cli;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;

namespace Twin.Host.Tests.Cli;

/// <summary>
/// The export as it was written before it streamed: every event of the run in a list, the snapshot folded over it,
/// the CRLs picked from it. Kept here as the definition the streaming export must match byte for byte.
/// </summary>
internal static class ExportReference
{
    public static void Write(RunId run, IReadOnlyList<ITwinEvent> events, SimInstant? atOrEnd, string folder)
    {
        var at = atOrEnd ?? events.Max(e => e.At);
        var snapshot = PlantSnapshot.Empty;
        for (var i = 0; i < events.Count; i++)
            if (events[i].At <= at) snapshot = PlantReadModel.Fold(snapshot, events[i], i + 1);
        Directory.CreateDirectory(folder);
        var certificates = new List<ExportCommand.CertificateEntry>();
        foreach (var entity in snapshot.Entities.Values)
        {
            foreach (var c in entity.Certificates)
            {
                var name = $"certs/{entity.Id.Value}-{c.SerialHex}";
                var cert = Certificate.FromDer([.. c.Der]);
                ExportWriter.WriteBoth(folder, name, cert.ToPem(), [.. c.Der]);
                certificates.Add(new ExportCommand.CertificateEntry(entity.Id.Value, entity.Kind, c.SerialHex, c.Subject, c.Issuer, ExportWriter.Iso(c.NotBefore), ExportWriter.Iso(c.NotAfter),
                    c.StatusAt(at).ToString(), c.Revocation?.At.ToString(), c.Revocation?.Reason.ToString(), name + ".pem", name + ".der"));
            }
        }
        var published = events.OfType<CrlPublished>().Where(p => p.At <= at).ToList();
        var latest = published.GroupBy(p => p.Entity.Value).ToDictionary(g => g.Key, g => g.MaxBy(p => p.Number)!.Number, StringComparer.Ordinal);
        var crls = new List<ExportCommand.CrlEntry>();
        foreach (var p in published.OrderBy(p => p.Entity.Value, StringComparer.Ordinal).ThenBy(p => p.Number))
        {
            var crl = CertificateRevocationList.FromDer(p.CrlDer);
            var name = $"crls/{p.Entity.Value}-{p.Number}";
            ExportWriter.WriteBoth(folder, name, crl.ToPem(), p.CrlDer);
            crls.Add(new ExportCommand.CrlEntry(p.Entity.Value, p.Number, ExportWriter.Iso(crl.ThisUpdate), crl.NextUpdate is { } n ? ExportWriter.Iso(n) : null, crl.Entries.Count, latest[p.Entity.Value] == p.Number,
                crl.ThisUpdate <= at.Utc && (crl.NextUpdate is not { } next || at.Utc <= next), name + ".pem", name + ".der"));
        }
        var bundles = new Dictionary<string, StringBuilder> { ["trusted"] = new(), ["issuers"] = new(), ["crls"] = new() };
        foreach (var ca in snapshot.Entities.Values.Where(e => e.Kind == EntityKinds.CertificationAuthority && e.Current is not null))
        {
            var cert = Certificate.FromDer([.. ca.Current!.Der]);
            var list = cert.Subject == cert.Issuer ? "trusted" : "issuers";
            ExportWriter.WriteBoth(folder, $"trust/{list}/certs/{ca.Id.Value}", cert.ToPem(), [.. ca.Current.Der]);
            bundles[list].Append(cert.ToPem());
            if (latest.TryGetValue(ca.Id.Value, out var number))
            {
                var crl = CertificateRevocationList.FromDer(published.First(p => p.Entity == ca.Id && p.Number == number).CrlDer);
                ExportWriter.WriteBoth(folder, $"trust/{list}/crl/{ca.Id.Value}", crl.ToPem(), crl.GetDer());
                bundles["crls"].Append(crl.ToPem());
            }
        }
        var trust = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, text) in bundles)
        {
            Directory.CreateDirectory(Path.Combine(folder, "trust"));
            File.WriteAllText(Path.Combine(folder, $"trust/{name}.pem"), text.ToString());
            trust[name] = $"trust/{name}.pem";
        }
        var described = events.Select((e, i) => (e, i)).Where(x => x.e.At <= at).Select(x => EventText.Describe(x.e, x.i + 1))
            .Select(v => new { offset = v.Offset, at = v.At.ToString(), entity = v.Entity.Value, kind = v.Kind, summary = v.Summary }).ToList();
        File.WriteAllText(Path.Combine(folder, "events.json"), JsonSerializer.Serialize(described, RunReport.JsonOptions));
        var manifest = new Manifest(run.Value, at.ToString(), at.Utc.ToUnixTimeSeconds(), certificates, crls, trust, described.Count);
        File.WriteAllText(Path.Combine(folder, "manifest.json"), JsonSerializer.Serialize(manifest, RunReport.JsonOptions));
    }

    /// <summary>manifest.json as one record, serialized whole.</summary>
    private sealed record Manifest(string Run, string At, long AtEpoch, IReadOnlyList<ExportCommand.CertificateEntry> Certificates, IReadOnlyList<ExportCommand.CrlEntry> Crls, IReadOnlyDictionary<string, string> TrustList, int Events);
}

using System.Text;
using System.Text.Json;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;
using static Twin.Host.Cli.ExportCommand;

namespace Twin.Host.Cli;

/// <summary>
/// Writes an export while the run's journal is read once, in journal order: each event goes to events.json and each
/// CRL to its files as it comes; what stays in memory is the read model at the instant (the certificates and their
/// status), a line per CRL and the latest CRL of each CA for the trust list — not the run's events.
/// </summary>
internal sealed class ExportWriter : IDisposable
{
    private readonly string _folder;
    private readonly SimInstant? _at;
    private readonly FileStream _eventsFile;
    private readonly Utf8JsonWriter _events;
    private readonly List<(string Ca, long Number, DateTimeOffset ThisUpdate, DateTimeOffset? NextUpdate, int Entries, string Name)> _crls = [];
    private readonly Dictionary<string, (long Number, byte[] Der)> _latest = new(StringComparer.Ordinal);
    private PlantSnapshot _snapshot = PlantSnapshot.Empty;
    private SimInstant? _last;
    private int _written;

    /// <summary>Starts an export into <paramref name="folder"/> (which exists) as of <paramref name="at"/>; null: the last instant of the run.</summary>
    public ExportWriter(string folder, SimInstant? at)
    {
        _folder = folder;
        _at = at;
        _eventsFile = File.Create(Path.Combine(folder, "events.json"));
        // The same layout JsonSerializer gives a list with RunReport.JsonOptions, one element at a time.
        _events = new Utf8JsonWriter(_eventsFile, new JsonWriterOptions { Indented = true, Encoder = RunReport.JsonOptions.Encoder });
        _events.WriteStartArray();
    }

    /// <summary>Takes the run's next event, at position <paramref name="offset"/> (1, 2, ...) among its events.</summary>
    public void Add(ITwinEvent e, long offset)
    {
        if (_last is not { } last || e.At > last) _last = e.At;
        if (_at is { } at && e.At > at) return;
        _snapshot = PlantReadModel.Fold(_snapshot, e, offset, ReadModelDetail.Certificates);
        WriteInstalled(e.Entity);
        if (e is DomainCertificateEnrolled enrolled) WriteInstalled(enrolled.Holder);
        var v = EventText.Describe(e, offset);
        JsonSerializer.Serialize(_events, new { offset = v.Offset, at = v.At.ToString(), entity = v.Entity.Value, kind = v.Kind, summary = v.Summary }, RunReport.JsonOptions);
        _written++;
        if (_events.BytesPending > 1 << 16) _events.Flush();
        if (e is CrlPublished p) Add(p);
    }

    // A certificate an entity installed goes to its files at once and gives up its bytes in the snapshot: a ten-year run of
    // thousands of devices holds hundreds of thousands of them. A CA's stay: the trust list is written from them at the end.
    private void WriteInstalled(EntityId id)
    {
        if (!_snapshot.Entities.TryGetValue(id.Value, out var entity) || entity.Kind == EntityKinds.CertificationAuthority) return;
        var certificates = entity.Certificates;
        for (var i = certificates.Count - 1; i >= 0 && !certificates[i].Der.IsEmpty; i--)
        {
            WriteCertificate(id.Value, certificates[i]);
            certificates = certificates.SetItem(i, certificates[i] with { Der = [] });
        }
        if (certificates != entity.Certificates) _snapshot = _snapshot with { Entities = _snapshot.Entities.SetItem(id.Value, entity with { Certificates = certificates }) };
    }

    private void WriteCertificate(string entity, CertificateView c)
    {
        var der = c.Der.ToArray();
        WriteBoth(_folder, CertificateName(entity, c), Certificate.FromDer(der).ToPem(), der);
    }

    private static string CertificateName(string entity, CertificateView c) => $"certs/{entity}-{c.SerialHex}";

    private void Add(CrlPublished p)
    {
        var crl = CertificateRevocationList.FromDer(p.CrlDer);
        var name = $"crls/{p.Entity.Value}-{p.Number}";
        WriteBoth(_folder, name, crl.ToPem(), p.CrlDer);
        _crls.Add((p.Entity.Value, p.Number, crl.ThisUpdate, crl.NextUpdate, crl.Entries.Count, name));
        // The first CRL with the highest number is the one relying parties took.
        if (!_latest.TryGetValue(p.Entity.Value, out var latest) || p.Number > latest.Number) _latest[p.Entity.Value] = (p.Number, p.CrlDer);
    }

    /// <summary>
    /// Writes the certificates, the trust list and manifest.json once every event was taken. The manifest goes to its file
    /// one entry at a time, as events.json does: a ten-year run of thousands of devices lists hundreds of thousands of
    /// certificates, and the list and its text built whole took more memory than the rest of the export.
    /// </summary>
    public ExportSummary Finish(RunId run)
    {
        _events.WriteEndArray();
        _events.Flush();
        _eventsFile.Flush();
        var at = _at ?? _last ?? throw new InvalidOperationException("An export needs at least one event.");
        using var file = File.Create(Path.Combine(_folder, "manifest.json"));
        // The layout JsonSerializer gives the manifest record with RunReport.JsonOptions (ExportReference in the tests).
        using var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true, Encoder = RunReport.JsonOptions.Encoder });
        json.WriteStartObject();
        json.WriteString("run", run.Value);
        json.WriteString("at", at.ToString());
        json.WriteNumber("atEpoch", at.Utc.ToUnixTimeSeconds());
        json.WriteStartArray("certificates");
        var certificates = 0;
        foreach (var entity in _snapshot.Entities.Values)
        {
            foreach (var c in entity.Certificates)
            {
                var name = CertificateName(entity.Id.Value, c);
                if (!c.Der.IsEmpty) WriteCertificate(entity.Id.Value, c); // a CA's (the others were written when installed)
                JsonSerializer.Serialize(json, new CertificateEntry(entity.Id.Value, entity.Kind, c.SerialHex, c.Subject, c.Issuer, Iso(c.NotBefore), Iso(c.NotAfter),
                    c.StatusAt(at).ToString(), c.Revocation?.At.ToString(), c.Revocation?.Reason.ToString(), name + ".pem", name + ".der"), RunReport.JsonOptions);
                certificates++;
                if (json.BytesPending > 1 << 16) json.Flush();
            }
        }
        json.WriteEndArray();
        json.WriteStartArray("crls");
        foreach (var c in _crls.OrderBy(c => c.Ca, StringComparer.Ordinal).ThenBy(c => c.Number))
        {
            JsonSerializer.Serialize(json, new ExportCommand.CrlEntry(c.Ca, c.Number, Iso(c.ThisUpdate), c.NextUpdate is { } n ? Iso(n) : null, c.Entries, _latest[c.Ca].Number == c.Number,
                c.ThisUpdate <= at.Utc && (c.NextUpdate is not { } next || at.Utc <= next), c.Name + ".pem", c.Name + ".der"), RunReport.JsonOptions);
            if (json.BytesPending > 1 << 16) json.Flush();
        }
        json.WriteEndArray();
        json.WritePropertyName("trustList");
        JsonSerializer.Serialize(json, WriteTrustList(), RunReport.JsonOptions);
        json.WriteNumber("events", _written);
        json.WriteEndObject();
        json.Flush();
        return new ExportSummary(at.ToString(), certificates, _crls.Count, _written);
    }

    // The OPC UA trust-list layout (Part 12 §7.8.2.4 folders): roots trusted, subordinate CAs issuers,
    // each with the CRL current at the instant; plus PEM bundles for openssl's -CAfile/-untrusted/-CRLfile.
    private Dictionary<string, string> WriteTrustList()
    {
        var bundles = new Dictionary<string, StringBuilder> { ["trusted"] = new(), ["issuers"] = new(), ["crls"] = new() };
        foreach (var ca in _snapshot.Entities.Values.Where(e => e.Kind == EntityKinds.CertificationAuthority && e.Current is not null))
        {
            var cert = Certificate.FromDer([.. ca.Current!.Der]);
            var list = cert.Subject == cert.Issuer ? "trusted" : "issuers";
            WriteBoth(_folder, $"trust/{list}/certs/{ca.Id.Value}", cert.ToPem(), [.. ca.Current.Der]);
            bundles[list].Append(cert.ToPem());
            if (_latest.TryGetValue(ca.Id.Value, out var latest))
            {
                var crl = CertificateRevocationList.FromDer(latest.Der);
                WriteBoth(_folder, $"trust/{list}/crl/{ca.Id.Value}", crl.ToPem(), crl.GetDer());
                bundles["crls"].Append(crl.ToPem());
            }
        }
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, text) in bundles)
        {
            var path = $"trust/{name}.pem";
            Directory.CreateDirectory(Path.Combine(_folder, "trust"));
            File.WriteAllText(Path.Combine(_folder, path), text.ToString());
            files[name] = path;
        }
        return files;
    }

    internal static void WriteBoth(string folder, string name, string pem, byte[] der)
    {
        var pemPath = Path.Combine(folder, name + ".pem");
        Directory.CreateDirectory(Path.GetDirectoryName(pemPath)!);
        File.WriteAllText(pemPath, pem);
        File.WriteAllBytes(Path.Combine(folder, name + ".der"), der);
    }

    internal static string Iso(DateTimeOffset t) => new SimInstant(t).ToString();

    public void Dispose()
    {
        _events.Dispose();
        _eventsFile.Dispose();
    }
}

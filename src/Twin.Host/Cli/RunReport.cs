using System.Globalization;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Actors.Scenarios;

namespace Twin.Host.Cli;

/// <summary>What a headless run reports: where it ended, what it journaled, and the state of every entity at the end.</summary>
internal sealed record RunReport(
    string Scenario,
    string Run,
    long? Seed,
    string Mode,
    string Start,
    string End,
    double WallSeconds,
    int Events,
    string Digest,
    int CertificatesIssued,
    IReadOnlyList<RunReport.EntityLine> Entities)
{
    /// <summary>The measured outcomes: links, issuance, revocations, CRLs.</summary>
    public RunMetricsResult? Metrics { get; init; }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public sealed record EntityLine(string Id, string Kind, int Certificates, string? CurrentSerial, string? Status, string? NotAfter);

    public static RunReport Create(Scenario scenario, PlantSpec spec, SimInstant end, string digest, int events, PlantSnapshot snapshot, TimeSpan wall)
    {
        var entities = snapshot.Entities.Values.Select(e => new EntityLine(
            e.Id.Value, e.Kind, e.Certificates.Count, e.Current?.SerialHex, e.Current?.StatusAt(end).ToString(),
            e.Current?.NotAfter.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))).ToList();
        var issued = entities.Where(e => e.Kind == EntityKinds.Device).Sum(e => e.Certificates);
        return new RunReport(scenario.Name, spec.Run.Value, spec.Seed, spec.Mode.ToString().ToLowerInvariant(), spec.Start.ToString(), end.ToString(),
            Math.Round(wall.TotalSeconds, 3), events, digest, issued, entities);
    }

    /// <summary>Writes report.md and report.json into <paramref name="folder"/> (created if missing).</summary>
    public (string Markdown, string Json) Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var json = Path.Combine(folder, "report.json");
        File.WriteAllText(json, JsonSerializer.Serialize(this, JsonOptions));
        var md = Path.Combine(folder, "report.md");
        File.WriteAllText(md, ToMarkdown());
        return (md, json);
    }

    private string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# {Scenario}");
        sb.AppendLine();
        sb.AppendLine("| | |");
        sb.AppendLine("| --- | --- |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| run | {Run} |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| seed | {(Seed is long s ? s.ToString(CultureInfo.InvariantCulture) : "none (system randomness)")} |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| clock | {Mode} |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| simulated | {Start} → {End} |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| wall time | {WallSeconds.ToString(CultureInfo.InvariantCulture)} s |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| events | {Events} |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| device certificates issued | {CertificatesIssued} |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| event-stream digest | `{Digest}` |");
        sb.AppendLine();
        if (Metrics is { } m)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"Issued {m.CertificatesIssued} certificates, revoked {m.Revocations}; published {m.CrlsPublished} CRLs (largest {m.LargestCrlEntries} entries); {m.CrlLapses} CRL lapses.");
            sb.AppendLine();
            if (m.Links.Count > 0)
            {
                sb.AppendLine("| POL | PEA | attempts | good | availability | outage by cause |");
                sb.AppendLine("| --- | --- | --- | --- | --- | --- |");
                foreach (var l in m.Links)
                    sb.AppendLine(CultureInfo.InvariantCulture, $"| {l.Pol} | {l.Target} | {l.Attempts} | {l.Good} | {l.Availability:P2} | {(l.OutageByCause.Count == 0 ? "none" : string.Join(", ", l.OutageByCause.Select(o => $"{o.Key} {o.Value.TotalMinutes:0} min")))} |");
                sb.AppendLine();
            }
        }
        sb.AppendLine("| entity | kind | certificates | current serial | status at end | not after |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var e in Entities)
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {e.Id} | {e.Kind} | {e.Certificates} | {e.CurrentSerial} | {e.Status} | {e.NotAfter} |");
        return sb.ToString();
    }
}

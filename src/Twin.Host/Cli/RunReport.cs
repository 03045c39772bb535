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

    /// <summary>The verdict on every expectation of the scenario, in file order.</summary>
    public IReadOnlyList<ExpectationResult> Expectations { get; init; } = [];

    /// <summary>Indented camelCase JSON with instants as ISO 8601 text.</summary>
    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new IsoInstantConverter() },
    };

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
        if (Expectations.Count > 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"## Expectations: {Expectations.Count(e => e.Passed)} passed, {Expectations.Count(e => !e.Passed)} failed");
            sb.AppendLine();
            sb.AppendLine("| | expectation | decided at | because |");
            sb.AppendLine("| --- | --- | --- | --- |");
            foreach (var e in Expectations)
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {(e.Passed ? "pass" : "**FAIL**")} | {e.Expectation} | {e.DecidedAt} | {e.Detail} |");
            sb.AppendLine();
        }
        if (Metrics is { } m)
        {
            sb.AppendLine("## Metrics");
            sb.AppendLine();
            if (m.Availability is { } a)
                sb.AppendLine(CultureInfo.InvariantCulture, $"Availability over all links {a:P3}; outage {m.Outage.TotalMinutes:0} min in total.");
            sb.AppendLine(CultureInfo.InvariantCulture, $"Certificates expired in service: {m.ExpiryGaps.Count}{(m.ExpiryGaps.Count == 0 ? "" : " (" + string.Join(", ", m.ExpiryGaps.Take(10).Select(g => $"{g.Entity} at {g.ExpiredAt}")) + ")")}.");
            sb.AppendLine();
            if (m.ExposureWindows.Count > 0)
            {
                sb.AppendLine("| compromised | at | first refused | certificate expired | exposure window | blast radius |");
                sb.AppendLine("| --- | --- | --- | --- | --- | --- |");
                foreach (var w in m.ExposureWindows)
                    sb.AppendLine(CultureInfo.InvariantCulture, $"| {w.Target} | {w.CompromisedAt} | {(w.RefusedAt is { } r ? r.ToString() : w.Measured ? "never" : "not a PEA")} | {(w.ExpiredAt is { } x ? x.ToString() : "after the run")} | {(w.Measured ? Iso.Format(w.Window) : "—")} | {w.BlastRadius} |");
                sb.AppendLine();
            }
            if (m.CaCompromises.Count > 0)
            {
                sb.AppendLine("| compromised CA | at | entities affected | certificates replaced | recovered at | outage |");
                sb.AppendLine("| --- | --- | --- | --- | --- | --- |");
                foreach (var c in m.CaCompromises)
                    sb.AppendLine(CultureInfo.InvariantCulture, $"| {c.Ca} | {c.CompromisedAt} | {c.EntitiesAffected} | {c.CertificatesReplaced} | {(c.RecoveredAt is { } r ? r.ToString() : "not yet")} | {c.Outage.TotalMinutes:0} min |");
                sb.AppendLine();
            }
            sb.AppendLine(CultureInfo.InvariantCulture, $"Issued {m.CertificatesIssued} certificates, revoked {m.Revocations}; published {m.CrlsPublished} CRLs (largest {m.LargestCrlEntries} entries); {m.CrlLapses} CRL lapses.");
            if (m.MaxTrustListLag is { } lag)
                sb.AppendLine(CultureInfo.InvariantCulture, $"Trust lists pulled on a schedule: the longest a relying party went without a revocation was {Iso.Format(lag)} ({m.TrustListLags.Count} revocation × relying party pairs).");
            if (m.RecordsPurged > 0)
                sb.AppendLine(CultureInfo.InvariantCulture, $"Retention: {m.RecordsPurged} certificate records of expired certificates purged.");
            if (m.Manufacturing is { IdevidsIssued: > 0 } f)
                sb.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Manufacturers issued {f.IdevidsIssued} IDevIDs; MASAs signed {f.VouchersIssued} vouchers and refused {f.VouchersRefused}; secure boot refused firmware {f.SecureBootFailures} times; the POL imported {f.MtpPackagesImported} MTP packages and refused {f.MtpPackagesRefused}.");
            if (m.Attacks is { Steps: > 0 } attacks)
                sb.AppendLine().AppendLine(CultureInfo.InvariantCulture,
                    $"Attacks: {attacks.Steps} OPC UA attack steps played, {attacks.Refused} refused ({string.Join(", ", attacks.RefusedBy.Select(p => $"{p.Value} by {p.Key}"))}), {attacks.LetThrough} let through.");
            AppendAlgorithmMix(sb, m.Algorithms);
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
        sb.AppendLine("## Entities at the end");
        sb.AppendLine();
        sb.AppendLine("| entity | kind | certificates | current serial | status at end | not after |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var e in Entities)
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {e.Id} | {e.Kind} | {e.Certificates} | {e.CurrentSerial} | {e.Status} | {e.NotAfter} |");
        return sb.ToString();
    }

    // One line per instant the mix changed; only worth a table when more than one algorithm appears.
    private static void AppendAlgorithmMix(StringBuilder sb, AlgorithmMix mix)
    {
        sb.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Certificates by key algorithm: {string.Join(", ", mix.Installed.Select(p => $"{p.Key} {p.Value}"))}.");
        if (mix.Installed.Count < 2) return;
        var algorithms = mix.Held.SelectMany(p => p.Entities.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        sb.AppendLine().AppendLine("Entities holding a certificate for each key algorithm, at every instant the mix changed:").AppendLine();
        sb.AppendLine("| at | " + string.Join(" | ", algorithms) + " |");
        sb.AppendLine("| --- |" + string.Concat(algorithms.Select(_ => " --- |")));
        foreach (var p in mix.Held)
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {p.At} | {string.Join(" | ", algorithms.Select(a => p.Entities.GetValueOrDefault(a).ToString(CultureInfo.InvariantCulture)))} |");
    }
}

/// <summary>Writes simulated instants as ISO 8601 text ("2030-01-01T00:00:00Z") in reports meant for people and other tools.</summary>
internal sealed class IsoInstantConverter : System.Text.Json.Serialization.JsonConverter<SimInstant>
{
    public override SimInstant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => SimInstant.Parse(reader.GetString()!);

    public override void Write(Utf8JsonWriter writer, SimInstant value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}

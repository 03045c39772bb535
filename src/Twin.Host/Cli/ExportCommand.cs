using System.CommandLine;
using Twin.Actors.Clock;

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
        SimInstant? at;
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
            try
            {
                at = atText == "end" ? null : CommonOptions.ParseInstant(atText, "--at");
            }
            catch (UsageException e)
            {
                await Console.Error.WriteLineAsync($"PlantTrust cannot export: {e.Message}");
                return Program.BadInput;
            }
            var folder = Path.GetFullPath(outDir);
            var written = await WriteAsync(recorded, at, folder, token);
            if (written is null)
            {
                await Console.Error.WriteLineAsync($"PlantTrust cannot export: --run '{runText}': the journal holds no events of it.");
                return Program.BadInput;
            }
            Console.WriteLine($"Exported {written.Certificates} certificates, {written.Crls} CRLs and {written.Events} events of {recorded.Run} as of {written.At} to {folder}");
            return 0;
        }
    }

    /// <summary>One exported certificate: who held it, its files, and its status at the instant as the twin judged it.</summary>
    internal sealed record CertificateEntry(string Entity, string Kind, string Serial, string Subject, string Issuer, string NotBefore, string NotAfter, string Status, string? RevokedAt, string? RevocationReason, string Pem, string Der);

    /// <summary>One exported CRL; <paramref name="Latest"/> marks the one relying parties used at the instant, <paramref name="Current"/> whether it was current then (a lapsed CRL makes every verdict on its CA's certificates "revocation unknown").</summary>
    internal sealed record CrlEntry(string Ca, long Number, string ThisUpdate, string? NextUpdate, int Entries, bool Latest, bool Current, string Pem, string Der);

    /// <summary>
    /// What an export wrote: the instant and how many certificates, CRLs and events manifest.json lists. manifest.json is
    /// an object of run, at, atEpoch, certificates (<see cref="CertificateEntry"/>), crls (<see cref="CrlEntry"/>),
    /// trustList (the PEM bundles by name) and events (how many events.json holds).
    /// </summary>
    internal sealed record ExportSummary(string At, int Certificates, int Crls, int Events);

    /// <summary>
    /// Writes the export of <paramref name="recorded"/> as of <paramref name="at"/> (null: the run's last instant) into
    /// <paramref name="folder"/>, reading the journal once, page by page; null when the run has no events.
    /// </summary>
    internal static async Task<ExportSummary?> WriteAsync(RecordedRun recorded, SimInstant? at, string folder, CancellationToken token = default)
    {
        Directory.CreateDirectory(folder);
        using var writer = new ExportWriter(folder, at);
        var events = await recorded.ForEachAsync(writer.Add, token);
        return events == 0 ? null : writer.Finish(recorded.Run);
    }
}

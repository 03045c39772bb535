using System.Data.Common;
using System.Text.Json;
using Akka.Configuration;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Serialization;

namespace Twin.Actors.Persistence;

/// <summary>
/// CRLs a run published, found by number in its SQL journal. The distribution point holds only each CA's latest CRL; a relying
/// party that pulled an older one and was restarted reloads the very CRL it validated with from the CA's journaled publication.
/// </summary>
public static class JournalCrls
{
    /// <summary>
    /// The DER of CRL <paramref name="number"/> published under <paramref name="name"/> — a CA's id, or <c>id#generation</c> for
    /// one of its previous keys — in <paramref name="run"/>; null when the journal holds none (or is not the SQL plugin).
    /// </summary>
    public static async Task<byte[]?> FindAsync(Config config, RunId run, string name, long number, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var hash = name.IndexOf('#', StringComparison.Ordinal);
        var ca = hash < 0 ? name : name[..hash];
        int? generation = hash < 0 ? null : int.TryParse(name[(hash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var g) ? g : -1;
        if (generation == -1) return null;
        if (JournalPosition.Connect(config) is not { } journal) return null;
        var (connection, postgres) = journal;
        var manifest = generation is null ? "ca.crl-published.v1" : "ca.previous-crl-published.v1";
        // The CA's own rows (the journal's key starts with the persistence id), then the publication's number inside the payload.
        var sql = postgres
            ? "SELECT message FROM journal WHERE persistence_id = @p AND manifest = @k AND (convert_from(message, 'UTF8')::jsonb ->> 'number')::bigint = @n"
            : "SELECT message FROM journal WHERE persistence_id = @p AND manifest = @k AND json_extract(CAST(message AS TEXT), '$.number') = @n";
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await connection.OpenAsync(cancellation).ConfigureAwait(false);
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                command.AddParameter("@p", EntityKinds.PersistenceId(EntityKinds.CertificationAuthority, run, new EntityId(ca)));
                command.AddParameter("@k", manifest);
                command.AddParameter("@n", number);
                await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
                {
                    var bytes = reader.GetValue(0) is byte[] b ? b : System.Text.Encoding.UTF8.GetBytes(reader.GetString(0));
                    if (generation is null) return JsonSerializer.Deserialize<CrlPublished>(bytes, TwinSerializer.Json)?.CrlDer;
                    if (JsonSerializer.Deserialize<PreviousKeyCrlPublished>(bytes, TwinSerializer.Json) is { } p && p.Generation == generation) return p.CrlDer;
                }
                return null;
            }
            catch (Exception e) when (JournalPosition.IsMissingTable(e))
            {
                return null;
            }
        }
    }
}

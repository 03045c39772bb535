using System.Security.Cryptography;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Twin.Actors.Model;
using Twin.Actors.Persistence;
using Twin.Actors.Serialization;

namespace Twin.Actors.Projections;

/// <summary>A fingerprint of everything a run journaled: two runs with the same digest recorded the same events, in the same order, with the same bytes.</summary>
public static class RunDigest
{
    /// <summary>SHA-256 over the <see cref="DescribeAsync"/> lines of every event of <paramref name="run"/>, in journal order; lower-case hex.</summary>
    public static async Task<(string Digest, int Events)> ComputeAsync(ActorSystem system, RunId run)
    {
        var lines = await DescribeAsync(system, run);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var line in lines) hash.AppendData(System.Text.Encoding.UTF8.GetBytes(line + "\n"));
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), lines.Count);
    }

    /// <summary>One line per event — persistence id, sequence number, manifest, SHA-256 of the payload — for finding where two runs part ways.</summary>
    public static async Task<IReadOnlyList<string>> DescribeAsync(ActorSystem system, RunId run)
    {
        ArgumentNullException.ThrowIfNull(system);
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var serializer = new TwinSerializer((ExtendedActorSystem)system);
        var envelopes = await journal.CurrentEventsByTag(RunTagger.TagFor(run), Offset.NoOffset())
            .RunWith(Sink.Seq<EventEnvelope>(), system.Materializer());
        return envelopes
            .Select(e => $"{e.PersistenceId} {e.SequenceNr} {serializer.Manifest(e.Event)} {Convert.ToHexStringLower(SHA256.HashData(serializer.ToBinary(e.Event)))}")
            .ToList();
    }
}

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

/// <summary>A fingerprint of everything a run journaled: two runs with the same digest recorded the same events at the same instants, byte for byte.</summary>
public static class RunDigest
{
    /// <summary>SHA-256 over the <see cref="DescribeAsync"/> lines of every event of <paramref name="run"/>, in journal order; lower-case hex.</summary>
    /// <remarks>
    /// The lines are hashed in sorted order. A journal is written instant by instant, so sorting each instant's lines
    /// and hashing the instants as they come gives that order while holding one instant's lines at a time; should an
    /// instant's lines not all sort after the previous one's (a journal written out of order), the digest is taken
    /// again over the whole sorted list.
    /// </remarks>
    public static async Task<(string Digest, int Events)> ComputeAsync(ActorSystem system, RunId run)
    {
        ArgumentNullException.ThrowIfNull(system);
        var serializer = new TwinSerializer((ExtendedActorSystem)system);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var group = new List<string>();
        string? groupAt = null, previous = null;
        var count = 0;
        var ordered = true;
        void Flush()
        {
            group.Sort(StringComparer.Ordinal);
            if (group.Count > 0 && previous is not null && string.CompareOrdinal(previous, group[0]) > 0) ordered = false;
            foreach (var line in group) hash.AppendData(System.Text.Encoding.UTF8.GetBytes(line + "\n"));
            if (group.Count > 0) previous = group[^1];
            group.Clear();
        }
        await TwinJournal.Read(system).CurrentEventsByTag(RunTagger.TagFor(run), Offset.NoOffset())
            .RunForeach(envelope =>
            {
                count++;
                if (!ordered) return;
                var line = Line(serializer, envelope);
                var at = (envelope.Event as Protocol.ITwinEvent)?.At.ToString() ?? "";
                if (at != groupAt) Flush();
                groupAt = at;
                group.Add(line);
            }, system.Materializer()).ConfigureAwait(false);
        Flush();
        if (ordered) return (Convert.ToHexStringLower(hash.GetHashAndReset()), count);
        var lines = await DescribeAsync(system, run).ConfigureAwait(false);
        hash.GetHashAndReset();
        foreach (var line in lines) hash.AppendData(System.Text.Encoding.UTF8.GetBytes(line + "\n"));
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), lines.Count);
    }

    /// <summary>
    /// One line per event — simulated instant, persistence id, manifest, SHA-256 of the payload —
    /// sorted. Entities handle what is due at one instant in parallel, so the journal's order (and
    /// the sequence number of a CA that served several requests at that instant) may differ
    /// between runs; the set of events at each instant may not.
    /// </summary>
    public static async Task<IReadOnlyList<string>> DescribeAsync(ActorSystem system, RunId run)
    {
        ArgumentNullException.ThrowIfNull(system);
        var journal = TwinJournal.Read(system);
        var serializer = new TwinSerializer((ExtendedActorSystem)system);
        var envelopes = await journal.CurrentEventsByTag(RunTagger.TagFor(run), Offset.NoOffset())
            .RunWith(Sink.Seq<EventEnvelope>(), system.Materializer());
        return envelopes
            .Select(e => Line(serializer, e))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static string Line(TwinSerializer serializer, EventEnvelope e) =>
        $"{(e.Event as Protocol.ITwinEvent)?.At} {e.PersistenceId} {serializer.Manifest(e.Event)} {Convert.ToHexStringLower(SHA256.HashData(serializer.ToBinary(Stable(e.Event))))}";

    /// <summary>
    /// The event as the digest sees it: an OPC UA endpoint's TCP port is chosen by the operating system when a server
    /// starts (a runtime fact, journaled for the incident engineer), so attempts are compared with the port left out of
    /// their endpoint URL and reason. Every other field counts.
    /// </summary>
    internal static object Stable(object e) => e switch
    {
        Protocol.Events.ConnectionAttempted a => a with { EndpointUrl = WithoutPorts(a.EndpointUrl), Reason = WithoutPorts(a.Reason)! },
        Protocol.Events.PeaSiblingAttempted a => a with { EndpointUrl = WithoutPorts(a.EndpointUrl), Reason = WithoutPorts(a.Reason)! },
        Protocol.Events.PolServiceSessionOpened o => o with { Reason = WithoutPorts(o.Reason)! },
        Protocol.Events.PolServiceSessionLost l => l with { Reason = WithoutPorts(l.Reason)! },
        Protocol.Events.RegistrarGdsApplicationRegistered r => r with { DiscoveryUrls = [.. r.DiscoveryUrls.Select(u => WithoutPorts(u)!)] },
        _ => e,
    };

    private static readonly System.Text.RegularExpressions.Regex EndpointPort = new(@"(opc\.tcp://[^\s/:'""]+):\d+", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary><paramref name="text"/> with the port of every opc.tcp URL in it replaced by "*".</summary>
    internal static string? WithoutPorts(string? text) => text is null ? null : EndpointPort.Replace(text, "$1:*");
}

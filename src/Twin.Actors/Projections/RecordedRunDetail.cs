using System.Collections.Immutable;
using System.Data.Common;
using Akka.Actor;
using Akka.Configuration;
using Twin.Actors.Model;
using Twin.Actors.Persistence;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;

namespace Twin.Actors.Projections;

/// <summary>
/// What a replay read from the journal leaves in the journal and reads back only for what is looked at: each entity's history
/// (its last <see cref="EntityView.HistoryCapacity"/> events) and the bytes of each certificate an entity installed. Held
/// here: the journal offset of each of the run's events and, per entity, the numbers of its events (12 bytes an event),
/// recorded once, in order, while the run is loaded. A history or certificate read once is kept in a small cache, since a
/// page reads the view it shows on every render.
/// </summary>
public sealed class RecordedRunDetail
{
    private const int CacheSize = 256;

    private readonly Config _config;
    private readonly Akka.Serialization.Serialization _serialization;
    private readonly RunId _run;
    private readonly List<long> _offsets = [];
    private readonly Dictionary<string, List<int>> _numbers = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, long), ImmutableList<EventView>> _histories = [];
    private readonly Dictionary<long, ImmutableArray<byte>> _certificates = [];
    private long _journalReads;

    /// <summary>Reads back through <paramref name="system"/>'s SQL journal (SQLite or PostgreSQL) the events of <paramref name="run"/>.</summary>
    public RecordedRunDetail(ActorSystem system, RunId run)
    {
        ArgumentNullException.ThrowIfNull(system);
        _config = system.Settings.Config;
        _serialization = system.Serialization;
        _run = run;
    }

    /// <summary>How many events have been recorded.</summary>
    public long Count => _offsets.Count;

    /// <summary>How many queries this has sent to the journal so far (a page shown should cost one, not one per certificate).</summary>
    public long JournalReads => Interlocked.Read(ref _journalReads);

    /// <summary>
    /// Records the run's next event (number <see cref="Count"/> + 1), journaled at <paramref name="offset"/>; when the read model
    /// holds its entity <paramref name="entity"/> after it, the event belongs to that entity's history (as in the fold).
    /// </summary>
    internal void Record(long offset, string? entity)
    {
        _offsets.Add(offset);
        if (entity is null) return;
        if (!_numbers.TryGetValue(entity, out var numbers)) _numbers[entity] = numbers = [];
        numbers.Add(_offsets.Count);
    }

    /// <summary>The history of <paramref name="entity"/> after the run's event number <paramref name="through"/>: its last events up to there, oldest first.</summary>
    public ImmutableList<EventView> History(EntityId entity, long through)
    {
        lock (_gate)
        {
            if (_histories.TryGetValue((entity.Value, through), out var cached)) return cached;
        }
        if (!_numbers.TryGetValue(entity.Value, out var numbers)) return [];
        // The entity's events numbered up to `through`: the last HistoryCapacity of them.
        var end = numbers.BinarySearch((int)Math.Min(through, int.MaxValue));
        end = end >= 0 ? end + 1 : ~end;
        var start = Math.Max(0, end - EntityView.HistoryCapacity);
        var events = Read(Enumerable.Range(start, end - start).Select(i => _offsets[numbers[i] - 1]));
        var history = ImmutableList.CreateBuilder<EventView>();
        for (var i = start; i < end; i++)
        {
            var offset = _offsets[numbers[i] - 1];
            if (!events.TryGetValue(offset, out var e))
                throw new InvalidOperationException($"Replay of run {_run}: the journal no longer holds event {numbers[i]} of {entity} (journal offset {offset}).");
            history.Add(EventText.Describe(e, numbers[i]) with { Entity = entity });
        }
        var result = history.ToImmutable();
        lock (_gate)
        {
            if (_histories.Count >= CacheSize) _histories.Clear();
            _histories[(entity.Value, through)] = result;
        }
        return result;
    }

    /// <summary>The DER of the certificate installed by the event at journal offset <paramref name="offset"/>.</summary>
    public ImmutableArray<byte> Certificate(long offset) => Certificates([offset])[offset];

    /// <summary>
    /// The DER of the certificates installed by the events at journal <paramref name="offsets"/>, by offset: those not cached are read
    /// from the journal together, in one query (an entity's page lists every certificate it held).
    /// </summary>
    public IReadOnlyDictionary<long, ImmutableArray<byte>> Certificates(IEnumerable<long> offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        var found = new Dictionary<long, ImmutableArray<byte>>();
        var missing = new HashSet<long>();
        lock (_gate)
        {
            foreach (var offset in offsets)
            {
                if (_certificates.TryGetValue(offset, out var cached)) found[offset] = cached;
                else missing.Add(offset);
            }
        }
        if (missing.Count == 0) return found;
        var events = new Dictionary<long, ITwinEvent>(missing.Count);
        foreach (var chunk in missing.Chunk(500)) // well below the database's limit on parameters in one statement
            foreach (var (offset, e) in Read(chunk)) events[offset] = e;
        foreach (var offset in missing)
        {
            if (!events.TryGetValue(offset, out var e))
                throw new InvalidOperationException($"Replay of run {_run}: the journal no longer holds the event at journal offset {offset}.");
            var der = InstalledCertificate(e)
                ?? throw new InvalidOperationException($"Replay of run {_run}: the event at journal offset {offset} ({e.GetType().Name}) installs no certificate.");
            // As the fold makes the view: the certificate's own encoding.
            found[offset] = [.. Twin.Pki.Certificates.Certificate.FromDer(der).GetDer()];
        }
        lock (_gate)
        {
            foreach (var offset in missing)
            {
                if (_certificates.Count >= CacheSize) _certificates.Clear();
                _certificates[offset] = found[offset];
            }
        }
        return found;
    }

    /// <summary>The certificate an event installs at its holder, for the events whose views leave their bytes in the journal.</summary>
    internal static byte[]? InstalledCertificate(ITwinEvent e) => e switch
    {
        DeviceCertificateInstalled c => c.CertificateDer,
        RegistrarCertified r => r.CertificateDer,
        DomainCertificateEnrolled d => d.CertificateDer,
        ExternalCertificateEnrolled x => x.CertificateDer,
        _ => null,
    };

    // The events at the given journal offsets, straight from the journal's rows (the read journal reads by tag from an offset
    // on, a page at a time; a history's events lie anywhere in the run).
    private Dictionary<long, ITwinEvent> Read(IEnumerable<long> offsets)
    {
        var list = offsets.ToList();
        var found = new Dictionary<long, ITwinEvent>(list.Count);
        if (list.Count == 0) return found;
        if (JournalPosition.Connect(_config) is not { } journal)
            throw new InvalidOperationException($"Replay of run {_run}: the journal is not the SQL journal; events cannot be read back by offset.");
        var (connection, _) = journal;
        Interlocked.Increment(ref _journalReads);
        using (connection)
        {
            connection.Open();
            using var command = connection.CreateCommand();
            var names = new List<string>(list.Count);
            for (var i = 0; i < list.Count; i++)
            {
                var name = "@o" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                names.Add(name);
                command.AddParameter(name, list[i]);
            }
            command.CommandText = $"SELECT ordering, message, identifier, manifest FROM journal WHERE ordering IN ({string.Join(',', names)})";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var offset = Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
                var bytes = (byte[])reader.GetValue(1);
                var serializer = reader.IsDBNull(2) ? 0 : Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture);
                var manifest = reader.IsDBNull(3) ? "" : reader.GetString(3);
                if (_serialization.Deserialize(bytes, serializer, manifest) is ITwinEvent e) found[offset] = e;
            }
        }
        return found;
    }
}

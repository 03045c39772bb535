using System.Text.Json.Serialization;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Authority;

/// <summary>
/// Every serial a CA issued under its name, in issuance order — so none is reused across its keys — with, for the
/// certificates it issued on request, the key generation that signed them (which key's CRL lists them) and the record the
/// retention policy purges (its notAfter; OCSP tells a kept record "good" from a purged one "unknown").
/// </summary>
/// <remarks>
/// <para>
/// A serial takes one 32-byte entry in chunks of 1,024 (below the large-object heap) plus a 4-byte slot or two of an index:
/// about 40 bytes, where the hex strings, immutable-list nodes and sorted-dictionary node it took before took about 400. A
/// 10,000-device plant issues some 600,000 certificates in ten simulated years.
/// </para>
/// <para>
/// It behaves as an immutable value: <see cref="Append"/> and <see cref="Purge"/> return a new ledger and leave this one as
/// it was. The newest ledger of a chain shares one store with its predecessors and changes it in place (an entry past an
/// older ledger's <see cref="Count"/>, or purged after its version, is invisible to it); changing an older ledger copies
/// its part of the store first. Readers on other threads (the OCSP responder, the snapshot store's serializer) see the
/// ledger they were given, whatever the owner appends meanwhile.
/// </para>
/// </remarks>
[JsonConverter(typeof(SerialLedgerJson))]
public sealed partial class SerialLedger
{
    private const int ChunkBits = 10;
    private const int ChunkSize = 1 << ChunkBits;
    private const int NotPurged = int.MaxValue;

    private readonly Store _store;
    private readonly int _version;

    private SerialLedger(Store store, int count, int version)
    {
        _store = store;
        Count = count;
        _version = version;
    }

    /// <summary>A ledger with no serial.</summary>
    public static SerialLedger Empty => new(new Store(), 0, 0);

    /// <summary>How many serials the CA issued under its name (its own root certificate, link and responder certificates included).</summary>
    public int Count { get; }

    [Flags]
    private enum Kinds : byte
    {
        None = 0,
        Record = 1,
        Long = 2,
        Generation = 4,
    }

    // One issued serial. Serial: the serial's value, or for one longer than 16 octets its position in Store.Long.
    private struct Entry
    {
        public UInt128 Serial;
        public long NotAfterTicks;
        public int PurgedAt;
        public short Generation;
        public Kinds Kinds;
    }

    private sealed class Store
    {
        public Entry[][] Chunks = [];
        public int Count;
        public int Version;
        public int[] Index = new int[16]; // open addressing over serial values: entry position + 1; 0 = free
        public List<string> Long = [];
        public Dictionary<string, int> LongIndex = new(StringComparer.Ordinal);

        public ref Entry At(int i) => ref Chunks[i >> ChunkBits][i & (ChunkSize - 1)];
    }

    /// <summary>True when the CA issued <paramref name="serialHex"/> (any case, leading zeros or not).</summary>
    public bool Contains(string serialHex) => Find(serialHex) >= 0;

    /// <summary>The generation of the key that signed <paramref name="serialHex"/>, for a certificate issued on request; null for others.</summary>
    public int? GenerationOf(string serialHex)
    {
        var i = Find(serialHex);
        if (i < 0) return null;
        ref var e = ref _store.At(i);
        return (e.Kinds & Kinds.Generation) != 0 ? e.Generation : null;
    }

    /// <summary>The notAfter of <paramref name="serialHex"/> while the CA keeps its record; null once purged, or for a serial without one.</summary>
    public DateTimeOffset? RecordOf(string serialHex)
    {
        var i = Find(serialHex);
        return i >= 0 && HasRecord(ref _store.At(i)) ? new DateTimeOffset(_store.At(i).NotAfterTicks, TimeSpan.Zero) : null;
    }

    /// <summary>The serials (hex) the key of <paramref name="generation"/> issued on request, in issuance order.</summary>
    public IEnumerable<string> IssuedUnder(int generation)
    {
        for (var i = 0; i < Count; i++)
        {
            var e = _store.At(i);
            if ((e.Kinds & Kinds.Generation) != 0 && e.Generation == generation) yield return HexOf(e);
        }
    }

    /// <summary>The records the CA keeps (serial hex, notAfter), in issuance order.</summary>
    public IEnumerable<(string Serial, DateTimeOffset NotAfter)> Records
    {
        get
        {
            for (var i = 0; i < Count; i++)
            {
                var e = _store.At(i);
                if (HasRecord(ref e)) yield return (HexOf(e), new DateTimeOffset(e.NotAfterTicks, TimeSpan.Zero));
            }
        }
    }

    /// <summary>Serials with a kept record whose notAfter satisfies <paramref name="due"/>, sorted by hex (ordinal).</summary>
    public IReadOnlyList<string> RecordsWhere(Func<DateTimeOffset, bool> due)
    {
        ArgumentNullException.ThrowIfNull(due);
        var found = new List<string>();
        for (var i = 0; i < Count; i++)
        {
            ref var e = ref _store.At(i);
            if (HasRecord(ref e) && due(new DateTimeOffset(e.NotAfterTicks, TimeSpan.Zero))) found.Add(HexOf(e));
        }
        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>Every serial, as a set a <see cref="Twin.Pki.Authority.CertificateAuthority"/> takes so it never reuses one.</summary>
    public SerialSet ToSet() => ToSet(_ => true);

    /// <summary>The serials the key of <paramref name="generation"/> issued on request, as a set.</summary>
    public SerialSet ToSet(int generation) => ToSet(e => (e.Kinds & Kinds.Generation) != 0 && e.Generation == generation);

    private SerialSet ToSet(Func<Entry, bool> which)
    {
        var set = new SerialSet();
        for (var i = 0; i < Count; i++)
        {
            var e = _store.At(i);
            if (which(e)) set.Add((e.Kinds & Kinds.Long) != 0 ? SerialNumber.Parse(_store.Long[(int)e.Serial]) : SerialSet.FromValue(e.Serial));
        }
        return set;
    }

    /// <summary>
    /// The ledger with <paramref name="serial"/> added: signed by the key of <paramref name="generation"/> for a certificate issued
    /// on request (null for the CA's own, link and responder certificates), with a record until <paramref name="notAfter"/> (null: none).
    /// </summary>
    public SerialLedger Append(SerialNumber serial, int? generation, DateTimeOffset? notAfter)
    {
        ArgumentNullException.ThrowIfNull(serial);
        if (generation is < 0 or > short.MaxValue) throw new ArgumentOutOfRangeException(nameof(generation), generation, "A CA key generation is between 0 and 32767.");
        var store = Tip();
        var entry = new Entry
        {
            PurgedAt = NotPurged,
            Generation = (short)(generation ?? 0),
            NotAfterTicks = notAfter?.UtcTicks ?? 0,
            Kinds = (generation is null ? Kinds.None : Kinds.Generation) | (notAfter is null ? Kinds.None : Kinds.Record),
        };
        if (SerialSet.TryGetValue(serial.Hex, out var value)) entry.Serial = value;
        else
        {
            entry.Serial = (UInt128)store.Long.Count;
            entry.Kinds |= Kinds.Long;
            store.Long.Add(serial.Hex);
        }
        Add(store, entry);
        store.Version = _version + 1;
        return new SerialLedger(store, store.Count, store.Version);
    }

    /// <summary>The ledger without the records of <paramref name="serials"/> (hex); the serials stay issued.</summary>
    public SerialLedger Purge(IEnumerable<string> serials)
    {
        ArgumentNullException.ThrowIfNull(serials);
        var store = Tip();
        var version = _version + 1;
        foreach (var hex in serials)
        {
            var i = Find(store, Count, hex);
            if (i < 0) continue;
            ref var e = ref store.At(i);
            if ((e.Kinds & Kinds.Record) != 0 && e.PurgedAt == NotPurged) e.PurgedAt = version;
        }
        store.Version = version;
        return new SerialLedger(store, Count, version);
    }

    private bool HasRecord(ref Entry e) => (e.Kinds & Kinds.Record) != 0 && e.PurgedAt > _version;

    private string HexOf(Entry e) => (e.Kinds & Kinds.Long) != 0 ? _store.Long[(int)e.Serial] : SerialSet.FromValue(e.Serial).Hex;

    private int Find(string serialHex)
    {
        ArgumentNullException.ThrowIfNull(serialHex);
        return Find(_store, Count, serialHex);
    }

    // The position of the first entry for the serial among the first `count`, or -1.
    private static int Find(Store store, int count, string serialHex)
    {
        if (!SerialSet.TryGetValue(serialHex, out var value))
        {
            string canonical;
            try
            {
                canonical = SerialNumber.Parse(serialHex).Hex;
            }
            catch (Twin.Pki.PkiException)
            {
                return -1; // not a serial at all: certainly not one the CA issued
            }
            return store.LongIndex.TryGetValue(canonical, out var at) && at < count ? at : -1;
        }
        var index = store.Index;
        var mask = index.Length - 1;
        for (var slot = SerialSet.Hash(value) & mask; ; slot = (slot + 1) & mask)
        {
            var at = index[slot] - 1;
            if (at < 0) return -1;
            if (at < count)
            {
                ref var e = ref store.At(at);
                if ((e.Kinds & Kinds.Long) == 0 && e.Serial == value) return at;
            }
        }
    }

    // The store this ledger may change in place: its own when it is the newest of its chain, else a copy of its part. An
    // empty ledger always starts a store of its own: CaState.Empty is shared by every CA of the process, on any thread.
    private Store Tip()
    {
        if (Count > 0 && _store.Version == _version && _store.Count == Count) return _store;
        var copy = new Store();
        for (var i = 0; i < Count; i++)
        {
            var e = _store.At(i);
            if (e.PurgedAt > _version) e.PurgedAt = NotPurged;
            if ((e.Kinds & Kinds.Long) != 0)
            {
                e.Serial = (UInt128)copy.Long.Count;
                copy.Long.Add(_store.Long[(int)_store.At(i).Serial]);
            }
            Add(copy, e);
        }
        copy.Version = _version;
        return copy;
    }

    private static void Add(Store store, Entry entry)
    {
        var at = store.Count;
        if ((at >> ChunkBits) == store.Chunks.Length)
        {
            // A new outer array, published whole: a reader holding the old one still finds every entry it can see.
            var chunks = new Entry[store.Chunks.Length + 1][];
            store.Chunks.CopyTo(chunks, 0);
            chunks[^1] = new Entry[ChunkSize];
            store.Chunks = chunks;
        }
        store.Chunks[at >> ChunkBits][at & (ChunkSize - 1)] = entry;
        if ((entry.Kinds & Kinds.Long) != 0) store.LongIndex.TryAdd(store.Long[(int)entry.Serial], at);
        else
        {
            if ((store.Count + 1) * 2 > store.Index.Length) Reindex(store, store.Index.Length * 2);
            Index(store.Index, store, at);
        }
        store.Count = at + 1;
    }

    private static void Reindex(Store store, int size)
    {
        var index = new int[size];
        for (var i = 0; i < store.Count; i++)
            if ((store.At(i).Kinds & Kinds.Long) == 0) Index(index, store, i);
        store.Index = index; // published whole, like the chunks
    }

    // Indexes entry `at` unless an earlier entry holds the same serial (the first one stands).
    private static void Index(int[] index, Store store, int at)
    {
        var value = store.At(at).Serial;
        var mask = index.Length - 1;
        for (var slot = SerialSet.Hash(value) & mask; ; slot = (slot + 1) & mask)
        {
            var taken = index[slot] - 1;
            if (taken < 0)
            {
                index[slot] = at + 1;
                return;
            }
            if (store.At(taken).Serial == value && (store.At(taken).Kinds & Kinds.Long) == 0) return;
        }
    }
}

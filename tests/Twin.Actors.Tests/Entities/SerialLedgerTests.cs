using Twin.Actors.Entities.Authority;
using Twin.Actors.Serialization;
using Twin.Pki.Certificates;

namespace Twin.Actors.Tests.Entities;

/// <summary>The CA's compact serial ledger behaves as the immutable lists and maps it replaced: checked against plain collections.</summary>
public sealed class SerialLedgerTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Lookups_match_plain_collections_over_thousands_of_serials_of_every_length()
    {
        var random = new Random(11);
        var ledger = SerialLedger.Empty;
        var order = new List<string>();
        var generations = new Dictionary<string, int>(StringComparer.Ordinal);
        var records = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        for (var i = 0; i < 5000; i++)
        {
            var serial = Serial(random, i % 97 == 0 ? 1 + random.Next(20) : 16);
            if (order.Contains(serial.Hex)) continue;
            int? generation = i % 10 == 0 ? null : i / 1000;
            DateTimeOffset? notAfter = generation is null ? null : T0.AddDays(i);
            ledger = ledger.Append(serial, generation, notAfter);
            order.Add(serial.Hex);
            if (generation is { } g) generations[serial.Hex] = g;
            if (notAfter is { } n) records[serial.Hex] = n;
        }

        Assert.Equal(order.Count, ledger.Count);
        foreach (var hex in order)
        {
            Assert.True(ledger.Contains(hex.ToUpperInvariant()));
            Assert.Equal(generations.TryGetValue(hex, out var g) ? g : null, ledger.GenerationOf(hex));
            Assert.Equal(records.TryGetValue(hex, out var n) ? n : null, ledger.RecordOf("00" + hex));
        }
        Assert.False(ledger.Contains("0badc0de"));
        Assert.Equal(order.Where(h => generations.GetValueOrDefault(h, -1) == 2), ledger.IssuedUnder(2));
        Assert.Equal(order.Where(records.ContainsKey).Select(h => (h, records[h])), ledger.Records);
        Assert.Equal(order.Order(StringComparer.Ordinal), ledger.ToSet().Select(s => s.Hex).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_earlier_ledger_is_unchanged_by_what_is_appended_or_purged_after_it_and_can_branch()
    {
        var a = SerialLedger.Empty.Append(SerialNumber.Parse("0a"), 0, T0).Append(SerialNumber.Parse("0b"), 0, T0.AddDays(1));
        var b = a.Append(SerialNumber.Parse("0c"), 1, T0.AddDays(2));
        var c = b.Purge(["0a"]);

        Assert.Equal(2, a.Count);
        Assert.False(a.Contains("0c"));
        Assert.Equal(T0, a.RecordOf("0a"));
        Assert.Equal(T0, b.RecordOf("0a"));
        Assert.Null(c.RecordOf("0a"));
        Assert.True(c.Contains("0a")); // purged records stay issued: the serial is never reused

        // A branch from an earlier ledger sees neither the later serial nor the later purge.
        var branch = a.Append(SerialNumber.Parse("0d"), 1, T0.AddDays(3)).Purge(["0b"]);
        Assert.Equal(3, branch.Count);
        Assert.False(branch.Contains("0c"));
        Assert.True(branch.Contains("0d"));
        Assert.Equal(T0, branch.RecordOf("0a"));
        Assert.Null(branch.RecordOf("0b"));
        Assert.Equal(T0.AddDays(1), c.RecordOf("0b"));
        Assert.True(c.Contains("0c"));
        Assert.False(c.Contains("0d"));
    }

    [Fact]
    public void Chains_started_from_the_shared_empty_state_on_many_threads_at_once_stay_apart()
    {
        // Every CA of a process starts from CaState.Empty, each on its own thread.
        var shared = CaState.Empty.Serials;
        var chains = new SerialLedger[8];
        Parallel.For(0, chains.Length, new ParallelOptions { MaxDegreeOfParallelism = chains.Length }, c =>
        {
            var ledger = shared;
            for (var i = 1; i <= 2000; i++) ledger = ledger.Append(SerialSet.FromValue(((UInt128)(c + 1) << 64) | (uint)i), 0, T0);
            chains[c] = ledger;
        });

        for (var c = 0; c < chains.Length; c++)
        {
            Assert.Equal(2000, chains[c].Count);
            Assert.All(Enumerable.Range(1, 2000), i => Assert.True(chains[c].Contains(SerialSet.FromValue(((UInt128)(c + 1) << 64) | (uint)i).Hex)));
            Assert.False(chains[c].Contains(SerialSet.FromValue(((UInt128)((c + 1) % chains.Length + 1) << 64) | 1u).Hex));
        }
        Assert.Equal(0, CaState.Empty.Serials.Count);
    }

    [Fact]
    public void The_snapshot_form_round_trips_through_the_journal_serializer_with_purged_records_left_out()
    {
        var random = new Random(3);
        var ledger = SerialLedger.Empty.Append(SerialNumber.Parse("01"), null, null);
        for (var i = 0; i < 2500; i++) ledger = ledger.Append(Serial(random, i == 7 ? 20 : 16), i / 1000, T0.AddDays(i));
        var purged = ledger.Records.Take(10).Select(r => r.Serial).ToList();
        ledger = ledger.Purge(purged);
        var state = CaState.Empty with { Serials = ledger };

        var serializer = new TwinSerializer(null!);
        var bytes = serializer.ToBinary(state);
        var back = ((CaState)serializer.FromBinary(bytes, "ca.state.v2")).Serials;

        Assert.Equal(ledger.Count, back.Count);
        Assert.Equal(ledger.Records, back.Records);
        Assert.Equal(ledger.IssuedUnder(1), back.IssuedUnder(1));
        Assert.All(purged, s => Assert.True(back.Contains(s) && back.RecordOf(s) is null));
        Assert.True(bytes.Length < 2500 * 38, $"{bytes.Length} bytes for 2,501 serials"); // 36 characters a serial (27 octets in base64url), where v1 wrote ~130
    }

    [Fact]
    public void A_truncated_snapshot_is_refused_naming_the_entry()
    {
        var serializer = new TwinSerializer(null!);
        var json = """{"certificateDer":null,"keyRef":null,"serials":{"count":1,"entries":"BQE"}}""";
        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(json), "ca.state.v2"));
        Assert.Contains("entry at octet 0", error.Message, StringComparison.Ordinal);
    }

    private static SerialNumber Serial(Random random, int octets)
    {
        var bytes = new byte[octets];
        random.NextBytes(bytes);
        bytes[0] = (byte)(bytes[0] & 0x7F | 0x01);
        return new SerialNumber(bytes);
    }
}

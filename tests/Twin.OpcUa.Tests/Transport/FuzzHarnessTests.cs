using Twin.OpcUa.Encoding;
using Twin.OpcUa.Fuzz;
using Twin.Tests.Support;

namespace Twin.OpcUa.Tests.Transport;

/// <summary>
/// The SharpFuzz target (fuzz/Twin.OpcUa.Fuzz) run without AFL: over the checked-in seed corpus, then over many
/// deterministic mutations of it. Any exception other than a protocol fault with its status code is a finding.
/// </summary>
public sealed class FuzzHarnessTests
{
    private static readonly string CorpusFolder = Path.Combine(RepoPaths.Root, "fuzz", "Twin.OpcUa.Fuzz", "Corpus");

    private static IReadOnlyList<(string Name, byte[] Bytes)> CheckedIn() =>
        [.. Directory.GetFiles(CorpusFolder, "*.bin").Order(StringComparer.Ordinal).Select(f => (Path.GetFileNameWithoutExtension(f), File.ReadAllBytes(f)))];

    [Fact]
    public void Checked_in_corpus_is_what_our_encoders_produce()
    {
        var built = SeedCorpus.Build();

        Assert.Equal(built.Select(s => s.Name), CheckedIn().Select(s => s.Name));
        Assert.All(built.Zip(CheckedIn()), p => Assert.True(p.First.Bytes.AsSpan().SequenceEqual(p.Second.Bytes), $"{p.First.Name} differs: regenerate with `Twin.OpcUa.Fuzz corpus`"));
    }

    // Part 6 §7.1.2 framing, §6.7.2 chunks, §6.7.2.1 message bodies: every seed is a valid stream and decodes to the end.
    [Fact]
    public void Every_seed_decodes_without_a_fault()
    {
        var outcomes = CheckedIn().ToDictionary(s => s.Name, s => FrameHarness.Run(s.Bytes));

        Assert.All(outcomes, o => Assert.True(o.Value.Fault == 0, $"{o.Key}: {StatusCodes.NameOf(o.Value.Fault)}"));
        Assert.Equal(1, outcomes["04-open-none"].Messages);
        Assert.Equal(8, outcomes["06-session"].Messages); // OPN, CreateSession, ActivateSession, Read, Browse, Write, Call, CLO
        Assert.True(outcomes["08-multi-chunk"].Frames > 4, "the multi-chunk seed spans several chunks");
        Assert.Equal(2, outcomes["08-multi-chunk"].Messages);
    }

    [Fact]
    public void Mutated_seeds_end_in_a_status_code_or_decode_never_in_another_exception()
    {
        var seeds = CheckedIn().Select(s => s.Bytes).ToList();
        var random = new Random(20261127);
        var faults = new Dictionary<uint, int>();
        var deep = 0;
        const int count = 50_000;

        for (var i = 0; i < count; i++)
        {
            var input = Mutate(seeds, random);
            HarnessOutcome outcome;
            try
            {
                outcome = FrameHarness.Run(input);
            }
            catch (Exception e)
            {
                Assert.Fail($"input {i} ({Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 64)))}...) threw {e.GetType().Name}: {e.Message}");
                throw;
            }
            faults[outcome.Fault] = faults.GetValueOrDefault(outcome.Fault) + 1;
            if (outcome.Messages > 0 && outcome.Fault != 0) deep++;
        }

        // The mutations reach every layer: framing faults, decoding faults, and inputs that fail only after whole messages decoded.
        Assert.Contains(StatusCodes.BadTcpMessageTypeInvalid, faults.Keys);
        Assert.Contains(StatusCodes.BadDecodingError, faults.Keys);
        Assert.True(faults.GetValueOrDefault(0u) > 0, "some mutations still decode");
        Assert.True(deep > 100, $"only {deep} inputs got past a whole message");
    }

    /// <summary>Byte flips, random bytes, length-field edits, truncation, duplication and splicing of seeds.</summary>
    private static byte[] Mutate(List<byte[]> seeds, Random random)
    {
        var data = seeds[random.Next(seeds.Count)].ToList();
        var edits = 1 + random.Next(4);
        for (var e = 0; e < edits && data.Count > 0; e++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(7))
            {
                case 0: data[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: data[at] = (byte)random.Next(256); break;
                case 2: // an interesting 32-bit value where a length, size or count may sit
                    var value = new[] { 0u, 1u, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu, 0xFFFFu, 65536u, (uint)random.Next() }[random.Next(8)];
                    for (var b = 0; b < 4 && at + b < data.Count; b++) data[at + b] = (byte)(value >> (8 * b));
                    break;
                case 3: data.RemoveRange(at, data.Count - at); break;
                case 4: data.InsertRange(at, data.GetRange(at, Math.Min(16, data.Count - at))); break;
                case 5: data.RemoveRange(at, Math.Min(1 + random.Next(8), data.Count - at)); break;
                default: data.AddRange(seeds[random.Next(seeds.Count)].Take(1 + random.Next(200))); break;
            }
        }
        return [.. data];
    }
}

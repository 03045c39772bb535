using System.Diagnostics;
using Twin.Actors.Serialization;

namespace Twin.Actors.Persistence;

/// <summary>
/// Fault injection for resume tests: with <c>PLANTTRUST_KILL_BEFORE=MANIFEST#N</c> in the environment the
/// process kills itself (SIGKILL, nothing flushed) when the N-th event with that manifest is about to be
/// journaled — a kill at a chosen point of the run (mid-enrollment, mid-rollover) instead of a lucky one.
/// Unset, it costs one null check per event.
/// </summary>
public static class KillSwitch
{
    /// <summary>The environment variable that arms it.</summary>
    public const string Variable = "PLANTTRUST_KILL_BEFORE";

    private static readonly (string Manifest, int Ordinal)? Armed = Parse(Environment.GetEnvironmentVariable(Variable));
    private static int _seen;

    /// <summary>Parses <c>MANIFEST#N</c> (N ≥ 1); null when unset; a clear error when malformed.</summary>
    public static (string Manifest, int Ordinal)? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var hash = value.LastIndexOf('#');
        if (hash <= 0 || !int.TryParse(value[(hash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1)
            throw new ArgumentException($"{Variable}='{value}': expected MANIFEST#N, for example ca.issued.v1#3.", nameof(value));
        return (value[..hash], n);
    }

    /// <summary>Called for every event on its way to the journal.</summary>
    public static void BeforeJournaling(object evt)
    {
        if (Armed is not { } armed) return;
        if (!TwinSerializer.Manifests.TryGetValue(evt.GetType(), out var manifest) || manifest != armed.Manifest) return;
        if (Interlocked.Increment(ref _seen) == armed.Ordinal) Process.GetCurrentProcess().Kill();
    }
}

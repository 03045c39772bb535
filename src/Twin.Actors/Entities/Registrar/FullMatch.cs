using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Twin.Actors.Entities.Registrar;

/// <summary>
/// Configured patterns (allow-list serial numbers and URIs, template subjects) matched in full, in linear time. The matching engine
/// without backtracking needs no time-out, so the verdict never depends on how busy the machine is: a 100 ms guard on the
/// classic engine turned a match on a starved thread into an exception (a refused or failed request, an actor restart, a
/// seeded run that differs under load). A pattern only the classic engine can run (back-references, look-arounds) keeps it
/// with that guard.
/// </summary>
public static class FullMatch
{
    // Patterns come from the scenario and the host's settings: a bounded set, each compiled once.
    private static readonly ConcurrentDictionary<string, Regex> s_compiled = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="pattern"/> (a regular expression) matches all of <paramref name="value"/>.</summary>
    public static bool Matches(string pattern, string value)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(value);
        return s_compiled.GetOrAdd(pattern, Compile).IsMatch(value);
    }

    /// <summary>The regular expression for a wildcard pattern ('*' any run of characters, '?' one character, the rest literal).</summary>
    public static string FromWildcard(string wildcard)
    {
        ArgumentNullException.ThrowIfNull(wildcard);
        return Regex.Escape(wildcard).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal);
    }

    private static Regex Compile(string pattern)
    {
        var full = $"^(?:{pattern})$";
        try
        {
            return new Regex(full, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            return new Regex(full, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        }
    }
}

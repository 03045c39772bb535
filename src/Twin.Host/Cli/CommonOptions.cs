using System.CommandLine;
using System.Globalization;
using Twin.Actors.Clock;

namespace Twin.Host.Cli;

/// <summary>Options several verbs share, and how their values are checked.</summary>
internal static class CommonOptions
{
    public static Option<string?> Db() => new("--db") { Description = "journal: a SQLite file (its key store lives beside it in keys/) or postgres://user:password@host:port/database" };

    public static Option<long?> Seed() => new("--seed") { Description = "seed for reproducible keys and serials (simulation only)" };

    public static Option<string?> Speed() => new("--speed") { Description = "'max' (discrete events, as fast as possible) or simulated seconds per wall second" };

    /// <summary>Parses --speed: "max", or a positive number.</summary>
    public static (ClockMode? Mode, double? Speed) ParseSpeed(string? text)
    {
        if (text is null) return (null, null);
        if (text.Equals("max", StringComparison.OrdinalIgnoreCase)) return (ClockMode.Max, null);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var speed) && speed > 0 && double.IsFinite(speed))
            return (ClockMode.Realtime, speed);
        throw new UsageException($"--speed '{text}': expected 'max' or a positive number of simulated seconds per wall second.");
    }

    /// <summary>Parses an ISO 8601 instant (2030-01-05T12:00:00Z; without an offset it is UTC).</summary>
    public static SimInstant ParseInstant(string text, string option)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) && text.Contains('T', StringComparison.Ordinal))
            return new SimInstant(t.ToUniversalTime());
        throw new UsageException($"{option} '{text}': expected an ISO 8601 instant such as 2030-01-05T12:00:00Z.");
    }

    /// <summary>Parses an ISO 8601 duration (P30D, PT12H, P10Y).</summary>
    public static TimeSpan? ParseDuration(string? text, string option)
    {
        if (text is null) return null;
        try
        {
            var span = System.Xml.XmlConvert.ToTimeSpan(text);
            if (span > TimeSpan.Zero) return span;
        }
        catch (FormatException)
        {
            // reported below
        }
        throw new UsageException($"{option} '{text}': expected a positive ISO 8601 duration such as P30D or PT12H.");
    }
}

/// <summary>A command line that cannot be carried out; the message says which option and what was expected.</summary>
internal sealed class UsageException(string message) : Exception(message);

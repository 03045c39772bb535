using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Twin.Actors.Clock;

/// <summary>An instant on the simulation clock (UTC). Certificates, CRLs and validations are judged at these, never at wall time.</summary>
[JsonConverter(typeof(SimInstantJsonConverter))]
public readonly record struct SimInstant(DateTimeOffset Utc) : IComparable<SimInstant>
{
    /// <summary>Adds a simulated duration.</summary>
    public SimInstant Add(TimeSpan span) => new(Utc + span);

    /// <inheritdoc />
    public int CompareTo(SimInstant other) => Utc.CompareTo(other.Utc);

    /// <summary>Earlier-than comparison.</summary>
    public static bool operator <(SimInstant a, SimInstant b) => a.Utc < b.Utc;
    /// <summary>Later-than comparison.</summary>
    public static bool operator >(SimInstant a, SimInstant b) => a.Utc > b.Utc;
    /// <summary>Earlier-or-equal comparison.</summary>
    public static bool operator <=(SimInstant a, SimInstant b) => a.Utc <= b.Utc;
    /// <summary>Later-or-equal comparison.</summary>
    public static bool operator >=(SimInstant a, SimInstant b) => a.Utc >= b.Utc;
    /// <summary>The simulated time between two instants.</summary>
    public static TimeSpan operator -(SimInstant a, SimInstant b) => a.Utc - b.Utc;

    /// <summary>ISO 8601 with seconds, UTC ("2030-01-01T00:00:00Z").</summary>
    public override string ToString() => Utc.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses an ISO 8601 instant; an offset is converted to UTC.</summary>
    public static SimInstant Parse(string text) => new(DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime());
}

internal sealed class SimInstantJsonConverter : JsonConverter<SimInstant>
{
    public override SimInstant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64()));

    // Milliseconds since the epoch: compact, exact, and independent of culture.
    public override void Write(Utf8JsonWriter writer, SimInstant value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.Utc.ToUnixTimeMilliseconds());
}

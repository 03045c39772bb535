using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Twin.Actors.Model;

/// <summary>The identity of an entity in the twin ("ca-root", "pea-07.server-1"): lower-case letters, digits, '-', '.', '_'.</summary>
[JsonConverter(typeof(EntityIdJsonConverter))]
public readonly partial record struct EntityId
{
    /// <summary>Creates an id after checking its form.</summary>
    public EntityId(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!Pattern().IsMatch(value))
            throw new ArgumentException($"Entity id '{value}': use 1–100 characters of a-z, 0-9, '-', '.', '_', starting with a letter or digit.", nameof(value));
        Value = value;
    }

    /// <summary>The id as text.</summary>
    public string Value { get; }

    /// <inheritdoc />
    public override string ToString() => Value;

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,99}$")]
    private static partial Regex Pattern();
}

/// <summary>The identity of one simulation run; every event carries it.</summary>
[JsonConverter(typeof(RunIdJsonConverter))]
public readonly partial record struct RunId
{
    /// <summary>Creates a run id after checking its form.</summary>
    public RunId(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!Pattern().IsMatch(value))
            throw new ArgumentException($"Run id '{value}': use 1–64 characters of a-z, 0-9, '-', '_'.", nameof(value));
        Value = value;
    }

    /// <summary>The id as text.</summary>
    public string Value { get; }

    /// <inheritdoc />
    public override string ToString() => Value;

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex Pattern();
}

internal sealed class EntityIdJsonConverter : JsonConverter<EntityId>
{
    public override EntityId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetString()!);
    public override void Write(Utf8JsonWriter writer, EntityId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}

internal sealed class RunIdJsonConverter : JsonConverter<RunId>
{
    public override RunId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetString()!);
    public override void Write(Utf8JsonWriter writer, RunId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}

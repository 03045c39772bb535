using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Twin.Actors.Protocol;
using Twin.Actors.Serialization;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Authority;

/// <summary>
/// A CA snapshot as ca.state.v1 wrote it, kept byte for byte: every serial as hex in <c>issuedSerials</c>, again in
/// <c>keySerials</c> and in each previous key's <c>serials</c>, and the records as a <c>records</c> map of hex to notAfter.
/// A CA that recovers from one carries it over with <see cref="ToCurrent"/>; nothing writes this format any more.
/// </summary>
/// <param name="Json">The snapshot's JSON.</param>
[PersistedAs("ca.state.v1")]
[JsonConverter(typeof(Converter))]
public sealed record CaStateV1(JsonElement Json) : ITwinPersisted
{
    /// <summary>The same state as ca.state.v2: the serials in one <see cref="SerialLedger"/>, each with the key that issued it and its record.</summary>
    public CaState ToCurrent()
    {
        var node = JsonObject.Create(Json) ?? throw new JsonException("ca.state.v1: the snapshot is not a JSON object.");
        var generations = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var current = node["generation"]?.GetValue<int>() ?? 0;
        foreach (var hex in Strings(node, "keySerials")) generations.TryAdd(hex, current);
        if (node["previousKeys"] is JsonArray previous)
        {
            foreach (var key in previous.OfType<JsonObject>())
            {
                var generation = key["generation"]?.GetValue<int>() ?? 0;
                foreach (var hex in Strings(key, "serials")) generations.TryAdd(hex, generation);
                key.Remove("serials");
            }
        }
        var records = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        if (node["records"] is JsonObject kept)
            foreach (var (hex, notAfter) in kept)
                records[hex] = notAfter?.GetValue<DateTimeOffset>() ?? throw new JsonException($"ca.state.v1: record {hex} has no notAfter.");
        var ledger = SerialLedger.Empty;
        foreach (var hex in Strings(node, "issuedSerials"))
        {
            ledger = ledger.Append(SerialNumber.Parse(hex),
                generations.TryGetValue(hex, out var generation) ? generation : null,
                records.TryGetValue(hex, out var notAfter) ? notAfter : null);
        }
        foreach (var legacy in new[] { "issuedSerials", "keySerials", "records" }) node.Remove(legacy);
        var state = node.Deserialize<CaState>(TwinSerializer.Json) ?? throw new JsonException("ca.state.v1: the snapshot is empty.");
        return state with { Serials = ledger };
    }

    private static IEnumerable<string> Strings(JsonObject node, string name) =>
        node[name] is JsonArray values ? values.Select(v => v?.GetValue<string>() ?? throw new JsonException($"ca.state.v1: a null in '{name}'.")) : [];

    private sealed class Converter : JsonConverter<CaStateV1>
    {
        public override CaStateV1 Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(JsonElement.ParseValue(ref reader));

        public override void Write(Utf8JsonWriter writer, CaStateV1 value, JsonSerializerOptions options) => value.Json.WriteTo(writer);
    }
}

using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using SerializationException = System.Runtime.Serialization.SerializationException;
using Twin.Actors.Protocol;

namespace Twin.Actors.Serialization;

/// <summary>
/// Serializes everything the twin persists as JSON under the short, fixed manifest of its
/// <see cref="PersistedAsAttribute"/>. The journal never holds .NET type names, so renaming a
/// class does not break a recorded run; changing a payload's shape means a new manifest version.
/// </summary>
public sealed class TwinSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer id registered with Akka (ids below 100 are Akka's own).</summary>
    public const int SerializerId = 4711;

    private static readonly FrozenDictionary<Type, string> ManifestByType = Scan().ToFrozenDictionary(p => p.Type, p => p.Manifest);
    private static readonly FrozenDictionary<string, Type> TypeByManifest = Scan().ToFrozenDictionary(p => p.Manifest, p => p.Type);

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Created by Akka with the actor system.</summary>
    public TwinSerializer(ExtendedActorSystem system) : base(system) { }

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <summary>Every manifest the serializer knows, by type: for tests that pin the journal format.</summary>
    public static IReadOnlyDictionary<Type, string> Manifests => ManifestByType;

    /// <inheritdoc />
    public override string Manifest(object o) =>
        ManifestByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new SerializationException($"{o.GetType().Name} has no [PersistedAs] manifest and cannot be persisted.");

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!TypeByManifest.TryGetValue(manifest, out var type))
            throw new SerializationException($"Journal entry with unknown manifest '{manifest}': written by a newer PlantTrust, or corrupted.");
        try
        {
            return JsonSerializer.Deserialize(bytes, type, Json) ?? throw new SerializationException($"Journal entry '{manifest}' is empty.");
        }
        catch (JsonException e)
        {
            throw new SerializationException($"Journal entry '{manifest}' cannot be read: {e.Message}", e);
        }
    }

    private static IEnumerable<(Type Type, string Manifest)> Scan() =>
        typeof(TwinSerializer).Assembly.GetTypes()
            .Select(t => (Type: t, Attr: t.GetCustomAttribute<PersistedAsAttribute>()))
            .Where(p => p.Attr is not null && typeof(ITwinPersisted).IsAssignableFrom(p.Type))
            .Select(p => (p.Type, p.Attr!.Manifest));
}

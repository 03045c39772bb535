using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Twin.OpcUa.Encoding;

/// <summary>Maps binary encoding ids to the structures that decode them, so ExtensionObjects and messages decode to types.</summary>
public sealed class EncodeableRegistry
{
    private readonly ConcurrentDictionary<NodeId, Func<IEncodeable>> _factories = new();

    /// <summary>The registry holding every structure this stack knows (services, identity tokens, notifications).</summary>
    public static EncodeableRegistry Default { get; } = CreateDefault();

    public void Add<T>() where T : IEncodeable, new() => _factories[new T().BinaryEncodingId] = static () => new T();

    /// <summary>Registers a structure type that has a public parameterless constructor.</summary>
    public void Add(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var sample = (IEncodeable)Activator.CreateInstance(type)!;
        _factories[sample.BinaryEncodingId] = () => (IEncodeable)Activator.CreateInstance(type)!;
    }

    public bool TryCreate(NodeId encodingId, [NotNullWhen(true)] out IEncodeable? value)
    {
        ArgumentNullException.ThrowIfNull(encodingId);
        if (_factories.TryGetValue(encodingId, out var factory))
        {
            value = factory();
            return true;
        }
        value = null;
        return false;
    }

    private static EncodeableRegistry CreateDefault()
    {
        var registry = new EncodeableRegistry();
        Messages.KnownTypes.Register(registry);
        return registry;
    }
}

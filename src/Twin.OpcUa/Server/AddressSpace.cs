using System.Collections.Concurrent;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;

namespace Twin.OpcUa.Server;

/// <summary>
/// The nodes a server exposes. It starts with the standard Root, Objects, Types and Server nodes so generic clients work;
/// the twin adds its own objects, variables and methods in namespace 2 (<see cref="NamespaceIndex"/>).
/// </summary>
public sealed partial class AddressSpace
{
    private readonly ConcurrentDictionary<NodeId, Node> _nodes = new();
    private string[] _namespaces;
    private uint _nextId = 1000;

    /// <param name="applicationUri">The server's application URI: namespace 1 (Part 5 §6.3.1).</param>
    /// <param name="namespaceUri">The URI of the twin's own namespace: namespace 2.</param>
    public AddressSpace(string applicationUri, string namespaceUri)
    {
        ArgumentException.ThrowIfNullOrEmpty(applicationUri);
        ArgumentException.ThrowIfNullOrEmpty(namespaceUri);
        _namespaces = ["http://opcfoundation.org/UA/", applicationUri, namespaceUri];
        AddStandardNodes();
    }

    /// <summary>The namespace index of nodes added by the twin.</summary>
    public const ushort NamespaceIndex = 2;

    public IReadOnlyList<string> NamespaceUris => Volatile.Read(ref _namespaces);

    /// <summary>
    /// The index of a namespace for nodes of a companion specification (e.g. the GDS namespace of Part 12), appended to
    /// NamespaceArray on first use.
    /// </summary>
    public ushort RegisterNamespace(string uri)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        lock (_nodes)
        {
            var at = Array.IndexOf(_namespaces, uri);
            if (at >= 0) return (ushort)at;
            Volatile.Write(ref _namespaces, [.. _namespaces, uri]);
            (Find(WellKnownIds.NamespaceArray) as VariableNode)?.SetValue(new Variant(BuiltInType.String, _namespaces));
            return (ushort)(_namespaces.Length - 1);
        }
    }

    /// <summary>The values shown in Server.ServerStatus.BuildInfo.</summary>
    public BuildInfo BuildInfo { get; } = new()
    {
        ProductUri = "urn:planttrust:twin-opcua", ManufacturerName = "PlantTrust", ProductName = "PlantTrust Twin.OpcUa",
        SoftwareVersion = typeof(AddressSpace).Assembly.GetName().Version?.ToString() ?? "0", BuildNumber = "1", BuildDate = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
    };

    public DateTime StartTime { get; } = DateTime.UtcNow;

    public Node? Find(NodeId id) => id is null ? null : _nodes.GetValueOrDefault(id);

    public int Count => _nodes.Count;

    /// <summary>Adds a node; fails with BadNodeIdExists when the id is taken.</summary>
    public T Add<T>(T node) where T : Node
    {
        ArgumentNullException.ThrowIfNull(node);
        if (!_nodes.TryAdd(node.NodeId, node)) throw new UaException(StatusCodes.BadNodeIdExists, $"Node {node.NodeId} already exists.");
        return node;
    }

    /// <summary>Adds a reference and its inverse.</summary>
    public void AddReference(NodeId source, NodeId referenceType, NodeId target)
    {
        var from = Find(source) ?? throw new UaException(StatusCodes.BadSourceNodeIdInvalid, $"Node {source} does not exist.");
        from.AddReference(new Reference(referenceType, true, target));
        Find(target)?.AddReference(new Reference(referenceType, false, source));
    }

    private NodeId NewId() => new(Interlocked.Increment(ref _nextId), NamespaceIndex);

    private static NodeId Child(NodeId parent, string name) =>
        parent.NamespaceIndex == NamespaceIndex && parent.IdType == IdType.String ? new NodeId($"{parent.StringId}.{name}", NamespaceIndex) : new NodeId(name, NamespaceIndex);

    /// <summary>Adds a folder under <paramref name="parent"/> (Objects when null) with an Organizes reference.</summary>
    public ObjectNode AddFolder(NodeId? parent, string name, NodeId? id = null)
    {
        parent ??= WellKnownIds.ObjectsFolder;
        var node = Add(new ObjectNode(id ?? Child(parent, name), new QualifiedName(NamespaceIndex, name)));
        AddReference(parent, WellKnownIds.Organizes, node.NodeId);
        AddReference(node.NodeId, WellKnownIds.HasTypeDefinition, WellKnownIds.FolderType);
        return node;
    }

    /// <summary>Adds an object under <paramref name="parent"/> (Objects when null): Organizes from a folder, HasComponent otherwise.</summary>
    public ObjectNode AddObject(NodeId? parent, string name, NodeId? id = null, NodeId? typeDefinition = null)
    {
        parent ??= WellKnownIds.ObjectsFolder;
        var node = Add(new ObjectNode(id ?? Child(parent, name), new QualifiedName(NamespaceIndex, name)));
        AddReference(parent, IsFolder(parent) ? WellKnownIds.Organizes : WellKnownIds.HasComponent, node.NodeId);
        AddReference(node.NodeId, WellKnownIds.HasTypeDefinition, typeDefinition ?? WellKnownIds.BaseObjectType);
        return node;
    }

    /// <summary>Adds a data variable (HasComponent) whose data type follows from <paramref name="value"/> unless given.</summary>
    public VariableNode AddVariable(NodeId parent, string name, Variant value, AccessLevels access = AccessLevels.CurrentRead, NodeId? id = null, NodeId? dataType = null)
    {
        ArgumentNullException.ThrowIfNull(parent);
        var node = Add(new VariableNode(id ?? Child(parent, name), new QualifiedName(NamespaceIndex, name), value, dataType ?? WellKnownIds.DataTypeOf(value.Type)) { AccessLevel = access });
        AddReference(parent, IsFolder(parent) ? WellKnownIds.Organizes : WellKnownIds.HasComponent, node.NodeId);
        AddReference(node.NodeId, WellKnownIds.HasTypeDefinition, WellKnownIds.BaseDataVariableType);
        return node;
    }

    /// <summary>Adds a method (HasComponent) with InputArguments and OutputArguments properties (Part 3 §5.7).</summary>
    public MethodNode AddMethod(NodeId parent, string name, Func<MethodContext, Variant[], Variant[]> handler, IReadOnlyList<Argument>? inputs = null, IReadOnlyList<Argument>? outputs = null, NodeId? id = null)
    {
        ArgumentNullException.ThrowIfNull(parent);
        var node = Add(new MethodNode(id ?? Child(parent, name), new QualifiedName(NamespaceIndex, name), handler) { InputArguments = inputs ?? [], OutputArguments = outputs ?? [] });
        AddReference(parent, WellKnownIds.HasComponent, node.NodeId);
        if (node.InputArguments.Count > 0) AddArgumentsProperty(node, "InputArguments", node.InputArguments);
        if (node.OutputArguments.Count > 0) AddArgumentsProperty(node, "OutputArguments", node.OutputArguments);
        return node;
    }

    private void AddArgumentsProperty(MethodNode method, string name, IReadOnlyList<Argument> arguments)
    {
        var value = new Variant(BuiltInType.ExtensionObject, arguments.Select(a => new ExtensionObject(a)).ToArray());
        var id = method.NodeId.IdType == IdType.String ? new NodeId($"{method.NodeId.StringId}.{name}", method.NodeId.NamespaceIndex) : NewId();
        var property = Add(new VariableNode(id, new QualifiedName(0, name), value, WellKnownIds.Argument) { ValueRank = 1 });
        AddReference(method.NodeId, WellKnownIds.HasProperty, property.NodeId);
        AddReference(property.NodeId, WellKnownIds.HasTypeDefinition, WellKnownIds.PropertyType);
    }

    private bool IsFolder(NodeId id) => Find(id) is { } n && n.References.Any(r => r.IsForward && r.ReferenceTypeId == WellKnownIds.HasTypeDefinition && r.TargetId == WellKnownIds.FolderType);

    /// <summary>The type definition of an object or variable, or null.</summary>
    public static NodeId? TypeDefinitionOf(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.References.FirstOrDefault(r => r.IsForward && r.ReferenceTypeId == WellKnownIds.HasTypeDefinition)?.TargetId;
    }
}

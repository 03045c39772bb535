using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;

namespace Twin.OpcUa.Server;

public sealed partial class AddressSpace
{
    /// <summary>A namespace-0 object under its standard NodeId (Part 12 nodes such as ServerConfiguration).</summary>
    internal ObjectNode StandardObject(NodeId parent, NodeId id, string name, NodeId typeDefinition, NodeId? referenceType = null, ushort browseNamespace = 0)
    {
        var node = Add(new ObjectNode(id, new QualifiedName(browseNamespace, name)));
        AddReference(parent, referenceType ?? WellKnownIds.HasComponent, id);
        AddReference(id, WellKnownIds.HasTypeDefinition, typeDefinition);
        return node;
    }

    /// <summary>A namespace-0 method under its standard NodeId, with its arguments as properties (Part 3 §5.7).</summary>
    internal MethodNode StandardMethod(NodeId parent, NodeId id, string name, Func<MethodContext, Variant[], Variant[]> handler, IReadOnlyList<Argument>? inputs = null, IReadOnlyList<Argument>? outputs = null,
        ushort browseNamespace = 0) =>
        StandardMethod(parent, new MethodNode(id, new QualifiedName(browseNamespace, name), handler), inputs, outputs);

    /// <summary>As <see cref="StandardMethod(NodeId, NodeId, string, Func{MethodContext, Variant[], Variant[]}, IReadOnlyList{Argument}?, IReadOnlyList{Argument}?, ushort)"/>, answering when the handler's task completes.</summary>
    internal MethodNode StandardAsyncMethod(NodeId parent, NodeId id, string name, Func<MethodContext, Variant[], ValueTask<Variant[]>> handler, IReadOnlyList<Argument>? inputs = null,
        IReadOnlyList<Argument>? outputs = null, ushort browseNamespace = 0) =>
        StandardMethod(parent, new MethodNode(id, new QualifiedName(browseNamespace, name), handler), inputs, outputs);

    private MethodNode StandardMethod(NodeId parent, MethodNode method, IReadOnlyList<Argument>? inputs, IReadOnlyList<Argument>? outputs)
    {
        method.InputArguments = inputs ?? [];
        method.OutputArguments = outputs ?? [];
        var node = Add(method);
        var id = node.NodeId;
        AddReference(parent, WellKnownIds.HasComponent, id);
        if (node.InputArguments.Count > 0) AddArgumentsProperty(node, "InputArguments", node.InputArguments);
        if (node.OutputArguments.Count > 0) AddArgumentsProperty(node, "OutputArguments", node.OutputArguments);
        return node;
    }
}

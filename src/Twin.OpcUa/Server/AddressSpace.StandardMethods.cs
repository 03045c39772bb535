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
        ushort browseNamespace = 0)
    {
        var node = Add(new MethodNode(id, new QualifiedName(browseNamespace, name), handler) { InputArguments = inputs ?? [], OutputArguments = outputs ?? [] });
        AddReference(parent, WellKnownIds.HasComponent, id);
        if (node.InputArguments.Count > 0) AddArgumentsProperty(node, "InputArguments", node.InputArguments);
        if (node.OutputArguments.Count > 0) AddArgumentsProperty(node, "OutputArguments", node.OutputArguments);
        return node;
    }
}

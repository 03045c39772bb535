using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;

namespace Twin.OpcUa.Server;

public sealed partial class AddressSpace
{
    /// <summary>Root, the standard folders, reference and base types, and the Server object (Part 5 §6, §8.3.2).</summary>
    private void AddStandardNodes()
    {
        var root = Add(new ObjectNode(WellKnownIds.RootFolder, new QualifiedName("Root")));
        foreach (var (id, name) in new[] { (WellKnownIds.ObjectsFolder, "Objects"), (WellKnownIds.TypesFolder, "Types"), (WellKnownIds.ViewsFolder, "Views") })
            StandardFolder(root.NodeId, id, name);
        foreach (var (id, name) in new[] { (WellKnownIds.ObjectTypesFolder, "ObjectTypes"), (WellKnownIds.VariableTypesFolder, "VariableTypes"), (WellKnownIds.DataTypesFolder, "DataTypes"), (WellKnownIds.ReferenceTypesFolder, "ReferenceTypes") })
            StandardFolder(WellKnownIds.TypesFolder, id, name);
        AddReference(root.NodeId, WellKnownIds.HasTypeDefinition, WellKnownIds.FolderType);

        foreach (var r in ReferenceTypeTree.Standard)
        {
            Add(new TypeNode(r.Id, NodeClass.ReferenceType, new QualifiedName(r.Name)) { IsAbstract = r.Abstract, Symmetric = r.Symmetric, InverseName = r.Inverse is null ? null : new LocalizedText(r.Inverse) });
            AddReference(r.Parent ?? WellKnownIds.ReferenceTypesFolder, r.Parent is null ? WellKnownIds.Organizes : WellKnownIds.HasSubtype, r.Id);
        }

        TypeNode(WellKnownIds.BaseObjectType, NodeClass.ObjectType, "BaseObjectType", null, WellKnownIds.ObjectTypesFolder);
        foreach (var (id, name) in new[] { (WellKnownIds.FolderType, "FolderType"), (WellKnownIds.ServerType, "ServerType"), (WellKnownIds.ServerCapabilitiesType, "ServerCapabilitiesType"), (WellKnownIds.OperationLimitsType, "OperationLimitsType") })
            TypeNode(id, NodeClass.ObjectType, name, WellKnownIds.BaseObjectType, null);
        TypeNode(WellKnownIds.BaseVariableType, NodeClass.VariableType, "BaseVariableType", null, WellKnownIds.VariableTypesFolder, isAbstract: true);
        TypeNode(WellKnownIds.BaseDataVariableType, NodeClass.VariableType, "BaseDataVariableType", WellKnownIds.BaseVariableType, null);
        TypeNode(WellKnownIds.PropertyType, NodeClass.VariableType, "PropertyType", WellKnownIds.BaseVariableType, null);
        TypeNode(WellKnownIds.ServerStatusType, NodeClass.VariableType, "ServerStatusType", WellKnownIds.BaseDataVariableType, null);
        TypeNode(WellKnownIds.BuildInfoType, NodeClass.VariableType, "BuildInfoType", WellKnownIds.BaseDataVariableType, null);

        TypeNode(WellKnownIds.BaseDataType, NodeClass.DataType, "BaseDataType", null, WellKnownIds.DataTypesFolder, isAbstract: true);
        for (var t = BuiltInType.Boolean; t <= BuiltInType.DiagnosticInfo; t++)
            if (t is not (BuiltInType.Variant or BuiltInType.ExtensionObject)) TypeNode(WellKnownIds.DataTypeOf(t), NodeClass.DataType, t.ToString(), WellKnownIds.BaseDataType, null);
        foreach (var (id, name, parent) in new[]
        {
            (WellKnownIds.Structure, "Structure", WellKnownIds.BaseDataType), (WellKnownIds.Enumeration, "Enumeration", WellKnownIds.BaseDataType), (WellKnownIds.Number, "Number", WellKnownIds.BaseDataType),
            (WellKnownIds.Duration, "Duration", (NodeId)11u), (WellKnownIds.UtcTime, "UtcTime", (NodeId)13u), (WellKnownIds.LocaleId, "LocaleId", (NodeId)12u),
            (WellKnownIds.ServerState, "ServerState", WellKnownIds.Enumeration), (WellKnownIds.ServerStatusDataType, "ServerStatusDataType", WellKnownIds.Structure),
            (WellKnownIds.BuildInfo, "BuildInfo", WellKnownIds.Structure), (WellKnownIds.Argument, "Argument", WellKnownIds.Structure),
        })
            TypeNode(id, NodeClass.DataType, name, parent, null);

        AddServerObject();
        Events.EventTypeTree.AddTo(this);
    }

    private void StandardFolder(NodeId parent, NodeId id, string name)
    {
        Add(new ObjectNode(id, new QualifiedName(name)));
        AddReference(parent, WellKnownIds.Organizes, id);
        AddReference(id, WellKnownIds.HasTypeDefinition, WellKnownIds.FolderType);
    }

    private void TypeNode(NodeId id, NodeClass nodeClass, string name, NodeId? supertype, NodeId? folder, bool isAbstract = false)
    {
        Add(new TypeNode(id, nodeClass, new QualifiedName(name)) { IsAbstract = isAbstract });
        if (supertype is not null) AddReference(supertype, WellKnownIds.HasSubtype, id);
        if (folder is not null) AddReference(folder, WellKnownIds.Organizes, id);
    }

    internal VariableNode StandardVariable(NodeId parent, NodeId id, string name, Variant value, NodeId dataType, bool property = false, Func<DataValue>? onRead = null)
    {
        var node = Add(new VariableNode(id, new QualifiedName(name), value, dataType) { OnRead = onRead });
        AddReference(parent, property ? WellKnownIds.HasProperty : WellKnownIds.HasComponent, id);
        AddReference(id, WellKnownIds.HasTypeDefinition, property ? WellKnownIds.PropertyType : WellKnownIds.BaseDataVariableType);
        return node;
    }

    private void AddServerObject()
    {
        var server = Add(new ObjectNode(WellKnownIds.Server, new QualifiedName("Server")) { EventNotifier = 1 });
        AddReference(WellKnownIds.ObjectsFolder, WellKnownIds.Organizes, server.NodeId);
        AddReference(server.NodeId, WellKnownIds.HasTypeDefinition, WellKnownIds.ServerType);

        StandardVariable(server.NodeId, WellKnownIds.NamespaceArray, "NamespaceArray", new Variant(BuiltInType.String, _namespaces), 12, property: true).ValueRank = 1;
        StandardVariable(server.NodeId, WellKnownIds.ServerArray, "ServerArray", new Variant(BuiltInType.String, new[] { _namespaces[1] }), 12, property: true).ValueRank = 1;
        StandardVariable(server.NodeId, WellKnownIds.ServiceLevel, "ServiceLevel", new Variant(BuiltInType.Byte, (byte)255), 3, property: true);
        StandardVariable(server.NodeId, WellKnownIds.Auditing, "Auditing", false, 1, property: true);

        var status = StandardVariable(server.NodeId, WellKnownIds.ServerStatus, "ServerStatus", Variant.Null, WellKnownIds.ServerStatusDataType,
            onRead: () => Now(new Variant(BuiltInType.ExtensionObject, new ExtensionObject(CurrentStatus()))));
        status.MinimumSamplingInterval = 1000;
        ReplaceTypeDefinition(status, WellKnownIds.ServerStatusType);
        StandardVariable(status.NodeId, WellKnownIds.ServerStatusStartTime, "StartTime", StartTime, WellKnownIds.UtcTime);
        StandardVariable(status.NodeId, WellKnownIds.ServerStatusCurrentTime, "CurrentTime", Variant.Null, WellKnownIds.UtcTime, onRead: () => Now(DateTime.UtcNow));
        StandardVariable(status.NodeId, WellKnownIds.ServerStatusState, "State", (int)ServerState.Running, WellKnownIds.ServerState);
        StandardVariable(status.NodeId, WellKnownIds.SecondsTillShutdown, "SecondsTillShutdown", 0u, 7);
        StandardVariable(status.NodeId, WellKnownIds.ShutdownReason, "ShutdownReason", new Variant(BuiltInType.LocalizedText, new LocalizedText("")), 21);
        var build = StandardVariable(status.NodeId, WellKnownIds.ServerStatusBuildInfo, "BuildInfo", new Variant(BuiltInType.ExtensionObject, new ExtensionObject(BuildInfo)), WellKnownIds.BuildInfo);
        ReplaceTypeDefinition(build, WellKnownIds.BuildInfoType);
        StandardVariable(build.NodeId, 2262, "ProductUri", BuildInfo.ProductUri, 12);
        StandardVariable(build.NodeId, 2263, "ManufacturerName", BuildInfo.ManufacturerName, 12);
        StandardVariable(build.NodeId, 2261, "ProductName", BuildInfo.ProductName, 12);
        StandardVariable(build.NodeId, 2264, "SoftwareVersion", BuildInfo.SoftwareVersion, 12);
        StandardVariable(build.NodeId, 2265, "BuildNumber", BuildInfo.BuildNumber, 12);
        StandardVariable(build.NodeId, 2266, "BuildDate", BuildInfo.BuildDate, WellKnownIds.UtcTime);

        var caps = Add(new ObjectNode(WellKnownIds.ServerCapabilities, new QualifiedName("ServerCapabilities")));
        AddReference(server.NodeId, WellKnownIds.HasComponent, caps.NodeId);
        AddReference(caps.NodeId, WellKnownIds.HasTypeDefinition, WellKnownIds.ServerCapabilitiesType);
        StandardVariable(caps.NodeId, 2269, "ServerProfileArray", new Variant(BuiltInType.String, ServerProfiles), 12, property: true).ValueRank = 1;
        StandardVariable(caps.NodeId, 2271, "LocaleIdArray", new Variant(BuiltInType.String, Locales), WellKnownIds.LocaleId, property: true).ValueRank = 1;
        StandardVariable(caps.NodeId, 2272, "MinSupportedSampleRate", 0.0, WellKnownIds.Duration, property: true);
        StandardVariable(caps.NodeId, 2735, "MaxBrowseContinuationPoints", new Variant(BuiltInType.UInt16, (ushort)ServerLimits.MaxBrowseContinuationPoints), 5, property: true);
        StandardVariable(caps.NodeId, 11702, "MaxArrayLength", (uint)EncodingLimits.Default.MaxArrayLength, 7, property: true);
        StandardVariable(caps.NodeId, 11703, "MaxStringLength", (uint)EncodingLimits.Default.MaxStringLength, 7, property: true);
        StandardVariable(caps.NodeId, 12911, "MaxByteStringLength", (uint)EncodingLimits.Default.MaxByteStringLength, 7, property: true);
        var limits = Add(new ObjectNode(WellKnownIds.OperationLimits, new QualifiedName("OperationLimits")));
        AddReference(caps.NodeId, WellKnownIds.HasComponent, limits.NodeId);
        AddReference(limits.NodeId, WellKnownIds.HasTypeDefinition, WellKnownIds.OperationLimitsType);
        foreach (var (id, name) in new (uint, string)[] { (11705, "MaxNodesPerRead"), (11707, "MaxNodesPerWrite"), (11709, "MaxNodesPerMethodCall"), (11710, "MaxNodesPerBrowse"), (11712, "MaxNodesPerTranslateBrowsePathsToNodeIds"), (11714, "MaxMonitoredItemsPerCall") })
            StandardVariable(limits.NodeId, id, name, (uint)ServerLimits.MaxNodesPerCall, 7, property: true);
    }

    private static readonly string[] ServerProfiles = ["http://opcfoundation.org/UA-Profile/Server/MicroEmbeddedDevice"];
    private static readonly string[] Locales = ["en"];

    private static DataValue Now(Variant value) => new(value, StatusCodes.Good, DateTime.UtcNow, null);

    private ServerStatusDataType CurrentStatus() => new() { StartTime = StartTime, CurrentTime = DateTime.UtcNow, State = ServerState.Running, BuildInfo = BuildInfo };

    private void ReplaceTypeDefinition(Node node, NodeId type)
    {
        node.RemoveReferences(r => r.ReferenceTypeId == WellKnownIds.HasTypeDefinition);
        AddReference(node.NodeId, WellKnownIds.HasTypeDefinition, type);
    }
}

/// <summary>Per-request limits this server advertises in ServerCapabilities.</summary>
public static class ServerLimits
{
    public const int MaxNodesPerCall = 10_000;
    public const int MaxBrowseContinuationPoints = 16;
}

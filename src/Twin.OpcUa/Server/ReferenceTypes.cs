using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Server;

/// <summary>Well-known node ids of namespace 0 that the server's address space uses (Part 5, Part 6 Annex A NodeIds.csv).</summary>
public static class WellKnownIds
{
    public static readonly NodeId References = 31, NonHierarchicalReferences = 32, HierarchicalReferences = 33, HasChild = 34, Organizes = 35,
        HasEventSource = 36, HasModellingRule = 37, HasEncoding = 38, HasTypeDefinition = 40, GeneratesEvent = 41, Aggregates = 44,
        HasSubtype = 45, HasProperty = 46, HasComponent = 47, HasNotifier = 48;

    public static readonly NodeId RootFolder = 84, ObjectsFolder = 85, TypesFolder = 86, ViewsFolder = 87, ObjectTypesFolder = 88,
        VariableTypesFolder = 89, DataTypesFolder = 90, ReferenceTypesFolder = 91;

    public static readonly NodeId BaseObjectType = 58, FolderType = 61, BaseVariableType = 62, BaseDataVariableType = 63, PropertyType = 68,
        ServerType = 2004, ServerCapabilitiesType = 2013, ServerStatusType = 2138, BuildInfoType = 3051, OperationLimitsType = 11564;

    public static readonly NodeId BaseDataType = 24, Structure = 22, Enumeration = 29, Number = 26, Duration = 290, UtcTime = 294, LocaleId = 295,
        ServerState = 852, ServerStatusDataType = 862, BuildInfo = 338, Argument = 296;

    public static readonly NodeId Server = 2253, ServerArray = 2254, NamespaceArray = 2255, ServerStatus = 2256, ServerStatusStartTime = 2257,
        ServerStatusCurrentTime = 2258, ServerStatusState = 2259, ServerStatusBuildInfo = 2260, ServiceLevel = 2267, ServerCapabilities = 2268,
        Auditing = 2994, SecondsTillShutdown = 2992, ShutdownReason = 2993, OperationLimits = 11704;

    /// <summary>The NodeId of the DataType of a built-in type: its type id (Part 6 §5.1.2).</summary>
    public static NodeId DataTypeOf(BuiltInType type) => type == BuiltInType.Variant ? BaseDataType : (uint)type;
}

/// <summary>The reference type hierarchy of Part 5 §11, for matching references with IncludeSubtypes.</summary>
public static class ReferenceTypeTree
{
    /// <summary>Each standard reference type with its supertype, inverse name and whether it is abstract or symmetric.</summary>
    public static IReadOnlyList<(NodeId Id, string Name, NodeId? Parent, string? Inverse, bool Abstract, bool Symmetric)> Standard { get; } =
    [
        (WellKnownIds.References, "References", null, null, true, true),
        (WellKnownIds.NonHierarchicalReferences, "NonHierarchicalReferences", WellKnownIds.References, null, true, true),
        (WellKnownIds.HierarchicalReferences, "HierarchicalReferences", WellKnownIds.References, "InverseHierarchicalReferences", true, false),
        (WellKnownIds.HasChild, "HasChild", WellKnownIds.HierarchicalReferences, "ChildOf", true, false),
        (WellKnownIds.Organizes, "Organizes", WellKnownIds.HierarchicalReferences, "OrganizedBy", false, false),
        (WellKnownIds.HasEventSource, "HasEventSource", WellKnownIds.HierarchicalReferences, "EventSourceOf", false, false),
        (WellKnownIds.HasNotifier, "HasNotifier", WellKnownIds.HasEventSource, "NotifierOf", false, false),
        (WellKnownIds.Aggregates, "Aggregates", WellKnownIds.HasChild, "AggregatedBy", true, false),
        (WellKnownIds.HasSubtype, "HasSubtype", WellKnownIds.HasChild, "SubtypeOf", false, false),
        (WellKnownIds.HasComponent, "HasComponent", WellKnownIds.Aggregates, "ComponentOf", false, false),
        (WellKnownIds.HasProperty, "HasProperty", WellKnownIds.Aggregates, "PropertyOf", false, false),
        (WellKnownIds.HasTypeDefinition, "HasTypeDefinition", WellKnownIds.NonHierarchicalReferences, "TypeDefinitionOf", false, false),
        (WellKnownIds.HasModellingRule, "HasModellingRule", WellKnownIds.NonHierarchicalReferences, "ModellingRuleOf", false, false),
        (WellKnownIds.HasEncoding, "HasEncoding", WellKnownIds.NonHierarchicalReferences, "EncodingOf", false, false),
        (WellKnownIds.GeneratesEvent, "GeneratesEvent", WellKnownIds.NonHierarchicalReferences, "GeneratedBy", false, false),
    ];

    private static readonly Dictionary<NodeId, NodeId?> Parents = Standard.ToDictionary(r => r.Id, r => r.Parent);

    public static bool IsKnown(NodeId id) => Parents.ContainsKey(id);

    /// <summary>True when <paramref name="candidate"/> is <paramref name="wanted"/> or, with subtypes, derives from it.</summary>
    public static bool Matches(NodeId candidate, NodeId wanted, bool includeSubtypes)
    {
        if (wanted.IsNull || candidate == wanted) return true;
        if (!includeSubtypes) return false;
        var current = candidate;
        while (Parents.TryGetValue(current, out var parent) && parent is not null)
        {
            if (parent == wanted) return true;
            current = parent;
        }
        return false;
    }
}

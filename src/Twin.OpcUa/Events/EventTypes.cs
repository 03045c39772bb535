using System.Collections.Concurrent;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Events;

/// <summary>The standard NodeIds of the event types this server raises (Part 5 §6.4, Part 12 §7.8.2.10 / §7.10.11), as in Opc.Ua.NodeSet2.</summary>
public static class EventTypeIds
{
    public static readonly NodeId BaseEventType = 2041u, AuditEventType = 2052u, AuditSecurityEventType = 2058u, AuditChannelEventType = 2059u,
        AuditSessionEventType = 2069u, AuditUpdateMethodEventType = 2127u, SystemEventType = 2130u, EventQueueOverflowEventType = 3035u;
}

/// <summary>One property an event type declares (an InstanceDeclaration with HasProperty), with its standard NodeId.</summary>
public sealed record EventField(string Name, NodeId PropertyId, NodeId DataType, int ValueRank = -1);

/// <summary>An event type: its supertype and the fields it adds.</summary>
public sealed record EventTypeDefinition(NodeId Id, string Name, NodeId? Supertype, IReadOnlyList<EventField> Fields);

/// <summary>
/// The event type tree the server knows (a subset of Part 5 §6.4 and Part 12): BaseEventType, the audit types for channels,
/// sessions, certificates and method calls, Part 12's CertificateUpdated and TrustListUpdated, and EventQueueOverflowEventType.
/// Property NodeIds and data types are those of the OPC Foundation NodeSet2.
/// </summary>
public static class EventTypeTree
{
    private static readonly NodeId ByteString = 15u, NodeIdType = 17u, String = 12u, UtcTime = 294u, LocalizedText = 21u, UInt16 = 5u, Boolean = 1u,
        StatusCode = 19u, Duration = 290u, SecurityTokenRequestType = 315u, MessageSecurityMode = 302u, UserIdentityToken = 316u;

    public static IReadOnlyList<EventTypeDefinition> All { get; } =
    [
        new(EventTypeIds.BaseEventType, "BaseEventType", null,
        [
            new("EventId", 2042u, ByteString), new("EventType", 2043u, NodeIdType), new("SourceNode", 2044u, NodeIdType), new("SourceName", 2045u, String),
            new("Time", 2046u, UtcTime), new("ReceiveTime", 2047u, UtcTime), new("Message", 2050u, LocalizedText), new("Severity", 2051u, UInt16),
        ]),
        new(EventTypeIds.AuditEventType, "AuditEventType", EventTypeIds.BaseEventType,
        [
            new("ActionTimeStamp", 2053u, UtcTime), new("Status", 2054u, Boolean), new("ServerId", 2055u, String), new("ClientAuditEntryId", 2056u, String),
            new("ClientUserId", 2057u, String),
        ]),
        new(EventTypeIds.AuditSecurityEventType, "AuditSecurityEventType", EventTypeIds.AuditEventType, [new("StatusCodeId", 17615u, StatusCode)]),
        new(EventTypeIds.AuditChannelEventType, "AuditChannelEventType", EventTypeIds.AuditSecurityEventType, [new("SecureChannelId", 2745u, String)]),
        new(AuditEventTypes.AuditOpenSecureChannelEventType, "AuditOpenSecureChannelEventType", EventTypeIds.AuditChannelEventType,
        [
            new("ClientCertificate", 2061u, ByteString), new("ClientCertificateThumbprint", 2746u, String), new("RequestType", 2062u, SecurityTokenRequestType),
            new("SecurityPolicyUri", 2063u, String), new("SecurityMode", 2065u, MessageSecurityMode), new("RequestedLifetime", 2066u, Duration),
        ]),
        new(EventTypeIds.AuditSessionEventType, "AuditSessionEventType", EventTypeIds.AuditSecurityEventType, [new("SessionId", 2070u, NodeIdType)]),
        new(AuditEventTypes.AuditCreateSessionEventType, "AuditCreateSessionEventType", EventTypeIds.AuditSessionEventType,
        [
            new("SecureChannelId", 2072u, String), new("ClientCertificate", 2073u, ByteString), new("ClientCertificateThumbprint", 2747u, String),
            new("RevisedSessionTimeout", 2074u, Duration),
        ]),
        new(AuditEventTypes.AuditActivateSessionEventType, "AuditActivateSessionEventType", EventTypeIds.AuditSessionEventType,
            [new("UserIdentityToken", 2077u, UserIdentityToken), new("SecureChannelId", 11485u, String)]),
        new(AuditEventTypes.AuditCertificateEventType, "AuditCertificateEventType", EventTypeIds.AuditSecurityEventType, [new("Certificate", 2081u, ByteString)]),
        new(AuditEventTypes.AuditCertificateDataMismatchEventType, "AuditCertificateDataMismatchEventType", AuditEventTypes.AuditCertificateEventType,
            [new("InvalidHostname", 2083u, String), new("InvalidUri", 2084u, String)]),
        new(AuditEventTypes.AuditCertificateExpiredEventType, "AuditCertificateExpiredEventType", AuditEventTypes.AuditCertificateEventType, []),
        new(AuditEventTypes.AuditCertificateInvalidEventType, "AuditCertificateInvalidEventType", AuditEventTypes.AuditCertificateEventType, []),
        new(AuditEventTypes.AuditCertificateUntrustedEventType, "AuditCertificateUntrustedEventType", AuditEventTypes.AuditCertificateEventType, []),
        new(AuditEventTypes.AuditCertificateRevokedEventType, "AuditCertificateRevokedEventType", AuditEventTypes.AuditCertificateEventType, []),
        new(AuditEventTypes.AuditCertificateMismatchEventType, "AuditCertificateMismatchEventType", AuditEventTypes.AuditCertificateEventType, []),
        new(EventTypeIds.AuditUpdateMethodEventType, "AuditUpdateMethodEventType", EventTypeIds.AuditEventType,
            [new("MethodId", 2128u, NodeIdType), new("StatusCodeId", 19305u, StatusCode)]),
        new(Gds.GdsIds.CertificateUpdatedAuditEventType, "CertificateUpdatedAuditEventType", EventTypeIds.AuditUpdateMethodEventType,
            [new("CertificateGroup", 13735u, NodeIdType), new("CertificateType", 13736u, NodeIdType)]),
        new(Gds.GdsIds.TrustListUpdatedAuditEventType, "TrustListUpdatedAuditEventType", EventTypeIds.AuditUpdateMethodEventType, [new("TrustListId", 32281u, NodeIdType)]),
        new(EventTypeIds.SystemEventType, "SystemEventType", EventTypeIds.BaseEventType, []),
        new(EventTypeIds.EventQueueOverflowEventType, "EventQueueOverflowEventType", EventTypeIds.BaseEventType, []),
    ];

    // The standard types, plus those a companion specification adds in a namespace a server registers at run time (Extend).
    private static readonly ConcurrentDictionary<NodeId, EventTypeDefinition> ById = new(All.ToDictionary(t => t.Id));

    // Every field's browse name (namespace and name; a companion specification's fields are in its namespace).
    private static readonly ConcurrentDictionary<(ushort Namespace, string Name), byte> AnyFieldName =
        new(All.SelectMany(t => t.Fields).Select(BrowseName).Distinct().ToDictionary(n => n, _ => (byte)0));

    private static (ushort Namespace, string Name) BrowseName(EventField f) => (f.PropertyId.NamespaceIndex, f.Name);

    public static bool IsKnown(NodeId type) => type is not null && ById.ContainsKey(type);

    /// <summary>True when <paramref name="type"/> is <paramref name="ancestor"/> or derives from it.</summary>
    public static bool IsSubtypeOf(NodeId type, NodeId ancestor)
    {
        for (var current = type; current is not null && ById.TryGetValue(current, out var t); current = t.Supertype)
            if (current == ancestor) return true;
        return false;
    }

    /// <summary>
    /// True when <paramref name="name"/> (in namespace <paramref name="namespaceIndex"/>: 0 for Part 5's fields, a companion
    /// specification's own for its fields) is a field of <paramref name="type"/> (declared by it or a supertype). For BaseEventType any
    /// field of any known type counts: Part 4 §7.22.3 evaluates such a path without considering the type.
    /// </summary>
    public static bool Declares(NodeId type, string name, ushort namespaceIndex = 0)
    {
        if (type == EventTypeIds.BaseEventType) return AnyFieldName.ContainsKey((namespaceIndex, name));
        for (var current = type; current is not null && ById.TryGetValue(current, out var t); current = t.Supertype)
            if (t.Fields.Any(f => BrowseName(f) == (namespaceIndex, name))) return true;
        return false;
    }

    /// <summary>Adds the event types, with their properties as InstanceDeclarations, under BaseObjectType (Part 5 §6.4.2).</summary>
    internal static void AddTo(AddressSpace space)
    {
        var mandatory = space.Add(new ObjectNode(ModellingRuleMandatory, new QualifiedName("Mandatory")));
        space.AddReference(mandatory.NodeId, WellKnownIds.HasTypeDefinition, ModellingRuleType);
        foreach (var t in All) AddType(space, t, t.Id == EventTypeIds.BaseEventType || t.Id == EventTypeIds.AuditEventType);
        space.AddReference(WellKnownIds.Server, WellKnownIds.GeneratesEvent, EventTypeIds.AuditEventType);
    }

    /// <summary>
    /// Adds event types of a companion specification (Part 12's GDS audit types) whose namespace the server registered at run time:
    /// to the server's address space, and to the tree filters and the audit mapping consult. Their NodeIds carry the namespace
    /// index that server gave; types already known are left as they are.
    /// </summary>
    internal static void Extend(AddressSpace space, IReadOnlyList<EventTypeDefinition> types)
    {
        foreach (var t in types)
        {
            if (t.Supertype is null || !ById.ContainsKey(t.Supertype)) throw new ArgumentException($"Event type {t.Name} must derive from a known event type.", nameof(types));
            ById.TryAdd(t.Id, t);
            foreach (var f in t.Fields) AnyFieldName.TryAdd(BrowseName(f), 0);
            if (space.Find(t.Id) is null) AddType(space, t, isAbstract: false);
        }
    }

    private static void AddType(AddressSpace space, EventTypeDefinition t, bool isAbstract)
    {
        space.Add(new TypeNode(t.Id, Messages.NodeClass.ObjectType, new QualifiedName(t.Id.NamespaceIndex, t.Name)) { IsAbstract = isAbstract });
        space.AddReference(t.Supertype ?? WellKnownIds.BaseObjectType, WellKnownIds.HasSubtype, t.Id);
        foreach (var f in t.Fields)
        {
            var property = space.Add(new VariableNode(f.PropertyId, new QualifiedName(f.PropertyId.NamespaceIndex, f.Name), Variant.Null, f.DataType) { ValueRank = f.ValueRank });
            space.AddReference(t.Id, WellKnownIds.HasProperty, property.NodeId);
            space.AddReference(property.NodeId, WellKnownIds.HasTypeDefinition, WellKnownIds.PropertyType);
            space.AddReference(property.NodeId, WellKnownIds.HasModellingRule, ModellingRuleMandatory);
        }
    }

    private static readonly NodeId ModellingRuleMandatory = 78u, ModellingRuleType = 77u;
}

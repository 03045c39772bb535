using System.Security.Cryptography;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Events;

/// <summary>
/// One event as the address space presents it (Part 3 §6.4, Part 5 §6.4.2): its type and the values of its fields, keyed by the
/// browse path from the event type ("Message", "Status", ...). Fields the event does not carry read as null.
/// </summary>
public sealed class UaEvent
{
    private readonly Dictionary<string, Variant> _fields;

    public UaEvent(NodeId eventType, IReadOnlyDictionary<string, Variant> fields)
    {
        EventType = eventType ?? throw new ArgumentNullException(nameof(eventType));
        ArgumentNullException.ThrowIfNull(fields);
        _fields = new Dictionary<string, Variant>(fields, StringComparer.Ordinal) { ["EventType"] = new Variant(BuiltInType.NodeId, eventType) };
        if (!_fields.ContainsKey("EventId")) _fields["EventId"] = new Variant(BuiltInType.ByteString, RandomNumberGenerator.GetBytes(16));
    }

    public NodeId EventType { get; }

    /// <summary>The node the event is about (BaseEventType.SourceNode); the Server object when not given.</summary>
    public NodeId SourceNode => this["SourceNode"].Value as NodeId ?? WellKnownIds.Server;

    public IReadOnlyDictionary<string, Variant> Fields => _fields;

    /// <summary>The field at a browse path ("/"-separated names), or null.</summary>
    public Variant this[string path] => _fields.GetValueOrDefault(path);

    /// <summary>True for AuditEventType and its subtypes: delivered only to the roles the server allows to audit.</summary>
    public bool IsAudit => EventTypeTree.IsSubtypeOf(EventType, EventTypeIds.AuditEventType);

    /// <summary>The standard fields every event carries (BaseEventType); <paramref name="extra"/> adds type-specific ones.</summary>
    public static UaEvent Create(NodeId eventType, NodeId sourceNode, string sourceName, DateTime time, string message, ushort severity,
        IEnumerable<KeyValuePair<string, Variant>>? extra = null)
    {
        var fields = new Dictionary<string, Variant>(StringComparer.Ordinal)
        {
            ["SourceNode"] = new Variant(BuiltInType.NodeId, sourceNode), ["SourceName"] = sourceName, ["Time"] = time, ["ReceiveTime"] = time,
            ["Message"] = new Variant(BuiltInType.LocalizedText, new LocalizedText("en", message)), ["Severity"] = new Variant(BuiltInType.UInt16, severity),
        };
        foreach (var (k, v) in extra ?? []) if (!v.IsNull) fields[k] = v;
        return new UaEvent(eventType, fields);
    }
}

using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Messages;

/// <summary>The operators of a ContentFilterElement (Part 4 §7.7.3, Table 119).</summary>
public enum FilterOperator
{
    Equals = 0, IsNull = 1, GreaterThan = 2, LessThan = 3, GreaterThanOrEqual = 4, LessThanOrEqual = 5, Like = 6, Not = 7, Between = 8,
    InList = 9, And = 10, Or = 11, Cast = 12, InView = 13, OfType = 14, RelatedTo = 15, BitwiseAnd = 16, BitwiseOr = 17,
}

/// <summary>Part 4 §7.7.4.5: a value of an event field, named by the event type and the browse path from it.</summary>
public sealed class SimpleAttributeOperand : IEncodeable
{
    public NodeId TypeDefinitionId { get; set; } = NodeId.Null;
    public QualifiedName[]? BrowsePath { get; set; }
    public uint AttributeId { get; set; } = 13;
    public string? IndexRange { get; set; }
    public NodeId BinaryEncodingId => 603;

    /// <summary>The Value of the property <paramref name="path"/> (names in namespace 0, "/"-separated) of <paramref name="type"/>.</summary>
    public static SimpleAttributeOperand Field(NodeId type, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new() { TypeDefinitionId = type, BrowsePath = [.. path.Split('/').Select(n => new QualifiedName(n))] };
    }

    public void Encode(BinaryEncoder e)
    {
        e.WriteNodeId(TypeDefinitionId); e.WriteArray(BrowsePath, static (x, q) => x.WriteQualifiedName(q)); e.WriteUInt32(AttributeId); e.WriteString(IndexRange);
    }

    public void Decode(BinaryDecoder d)
    {
        TypeDefinitionId = d.ReadNodeId(); BrowsePath = d.ReadArray(static x => x.ReadQualifiedName()); AttributeId = d.ReadUInt32(); IndexRange = d.ReadString();
    }
}

/// <summary>Part 4 §7.7.4.4: an attribute of a node reached by a relative path (accepted on the wire; not supported in filters).</summary>
public sealed class AttributeOperand : IEncodeable
{
    public NodeId NodeId { get; set; } = NodeId.Null;
    public string? Alias { get; set; }
    public RelativePathElement[]? BrowsePath { get; set; }
    public uint AttributeId { get; set; }
    public string? IndexRange { get; set; }
    public NodeId BinaryEncodingId => 600;
    public void Encode(BinaryEncoder e) { e.WriteNodeId(NodeId); e.WriteString(Alias); e.WriteEncodeableArray(BrowsePath); e.WriteUInt32(AttributeId); e.WriteString(IndexRange); }
    public void Decode(BinaryDecoder d) { NodeId = d.ReadNodeId(); Alias = d.ReadString(); BrowsePath = d.ReadEncodeableArray<RelativePathElement>(); AttributeId = d.ReadUInt32(); IndexRange = d.ReadString(); }
}

/// <summary>Part 4 §7.7.4.2: the result of another element of the same filter.</summary>
public sealed class ElementOperand : IEncodeable
{
    public uint Index { get; set; }
    public NodeId BinaryEncodingId => 594;
    public void Encode(BinaryEncoder e) => e.WriteUInt32(Index);
    public void Decode(BinaryDecoder d) => Index = d.ReadUInt32();
}

/// <summary>Part 4 §7.7.4.3: a constant.</summary>
public sealed class LiteralOperand : IEncodeable
{
    public Variant Value { get; set; }
    public NodeId BinaryEncodingId => 597;
    public void Encode(BinaryEncoder e) => e.WriteVariant(Value);
    public void Decode(BinaryDecoder d) => Value = d.ReadVariant();
}

/// <summary>Part 4 §7.7.2: an operator and its operands (each an ExtensionObject holding one of the operand structures).</summary>
public sealed class ContentFilterElement : IEncodeable
{
    public FilterOperator FilterOperator { get; set; }
    public ExtensionObject[]? FilterOperands { get; set; }
    public NodeId BinaryEncodingId => 585;

    public static ContentFilterElement Of(FilterOperator op, params IEncodeable[] operands) =>
        new() { FilterOperator = op, FilterOperands = [.. operands.Select(o => new ExtensionObject(o))] };

    public void Encode(BinaryEncoder e) { e.WriteInt32((int)FilterOperator); e.WriteExtensionObjectArray(FilterOperands); }
    public void Decode(BinaryDecoder d) { FilterOperator = (FilterOperator)d.ReadInt32(); FilterOperands = d.ReadExtensionObjectArray(); }
}

/// <summary>Part 4 §7.7.1: a tree of elements; element 0 is the root.</summary>
public sealed class ContentFilter : IEncodeable
{
    public ContentFilterElement[]? Elements { get; set; }
    public NodeId BinaryEncodingId => 588;
    public void Encode(BinaryEncoder e) => e.WriteEncodeableArray(Elements);
    public void Decode(BinaryDecoder d) => Elements = d.ReadEncodeableArray<ContentFilterElement>();
}

/// <summary>Part 4 §7.22.3: which fields an event notification carries, and which events pass.</summary>
public sealed class EventFilter : IEncodeable
{
    public SimpleAttributeOperand[]? SelectClauses { get; set; }
    public ContentFilter WhereClause { get; set; } = new();
    public NodeId BinaryEncodingId => 727;

    /// <summary>Selects BaseEventType fields by name ("EventType", "Message", ...), every event passing.</summary>
    public static EventFilter Select(params string[] fields) =>
        new() { SelectClauses = [.. fields.Select(f => SimpleAttributeOperand.Field(2041u, f))] };

    /// <summary>This filter with a where clause letting only events of <paramref name="eventType"/> or its subtypes pass.</summary>
    public EventFilter OfType(NodeId eventType)
    {
        WhereClause = new ContentFilter { Elements = [ContentFilterElement.Of(FilterOperator.OfType, new LiteralOperand { Value = new Variant(BuiltInType.NodeId, eventType) })] };
        return this;
    }

    public void Encode(BinaryEncoder e) { e.WriteEncodeableArray(SelectClauses); e.WriteEncodeable(WhereClause); }
    public void Decode(BinaryDecoder d) { SelectClauses = d.ReadEncodeableArray<SimpleAttributeOperand>(); WhereClause = d.ReadEncodeable<ContentFilter>(); }
}

/// <summary>Part 4 §7.7.1, Table 117: the verdict on one element and on each of its operands.</summary>
public sealed class ContentFilterElementResult : IEncodeable
{
    public StatusCode StatusCode { get; set; }
    public StatusCode[]? OperandStatusCodes { get; set; }
    public DiagnosticInfo?[]? OperandDiagnosticInfos { get; set; }
    public NodeId BinaryEncodingId => 606;
    public void Encode(BinaryEncoder e) { e.WriteStatusCode(StatusCode); e.WriteStatusCodeArray(OperandStatusCodes); e.WriteDiagnosticInfoArray(OperandDiagnosticInfos); }
    public void Decode(BinaryDecoder d) { StatusCode = d.ReadStatusCode(); OperandStatusCodes = d.ReadStatusCodeArray(); OperandDiagnosticInfos = d.ReadDiagnosticInfoArray(); }
}

/// <summary>Part 4 §7.7.1, Table 116.</summary>
public sealed class ContentFilterResult : IEncodeable
{
    public ContentFilterElementResult[]? ElementResults { get; set; }
    public DiagnosticInfo?[]? ElementDiagnosticInfos { get; set; }
    public NodeId BinaryEncodingId => 609;
    public void Encode(BinaryEncoder e) { e.WriteEncodeableArray(ElementResults); e.WriteDiagnosticInfoArray(ElementDiagnosticInfos); }
    public void Decode(BinaryDecoder d) { ElementResults = d.ReadEncodeableArray<ContentFilterElementResult>(); ElementDiagnosticInfos = d.ReadDiagnosticInfoArray(); }
}

/// <summary>Part 4 §7.22.3, Table 147: a status per select clause and the where clause's per-element results.</summary>
public sealed class EventFilterResult : IEncodeable
{
    public StatusCode[]? SelectClauseResults { get; set; }
    public DiagnosticInfo?[]? SelectClauseDiagnosticInfos { get; set; }
    public ContentFilterResult WhereClauseResult { get; set; } = new();
    public NodeId BinaryEncodingId => 736;
    public void Encode(BinaryEncoder e) { e.WriteStatusCodeArray(SelectClauseResults); e.WriteDiagnosticInfoArray(SelectClauseDiagnosticInfos); e.WriteEncodeable(WhereClauseResult); }
    public void Decode(BinaryDecoder d) { SelectClauseResults = d.ReadStatusCodeArray(); SelectClauseDiagnosticInfos = d.ReadDiagnosticInfoArray(); WhereClauseResult = d.ReadEncodeable<ContentFilterResult>(); }
}

/// <summary>Part 4 §7.25.3: the selected fields of one event, in select-clause order.</summary>
public sealed class EventFieldList : IEncodeable
{
    public uint ClientHandle { get; set; }
    public Variant[]? EventFields { get; set; }
    public NodeId BinaryEncodingId => 919;
    public void Encode(BinaryEncoder e) { e.WriteUInt32(ClientHandle); e.WriteVariantArray(EventFields); }
    public void Decode(BinaryDecoder d) { ClientHandle = d.ReadUInt32(); EventFields = d.ReadVariantArray(); }
}

/// <summary>Part 4 §7.25.3.</summary>
public sealed class EventNotificationList : IEncodeable
{
    public EventFieldList[]? Events { get; set; }
    public NodeId BinaryEncodingId => 916;
    public void Encode(BinaryEncoder e) => e.WriteEncodeableArray(Events);
    public void Decode(BinaryDecoder d) => Events = d.ReadEncodeableArray<EventFieldList>();
}

using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Events;

/// <summary>
/// An EventFilter (Part 4 §7.22.3) checked once when a monitored item is created or modified, then applied to every event: the
/// where clause decides whether the event passes, the select clauses pick its fields. Where-clause operators supported: Equals, IsNull,
/// GreaterThan, LessThan, GreaterThanOrEqual, LessThanOrEqual, Not, Between, InList, And, Or, OfType; the others answer
/// BadFilterOperatorUnsupported. Operands: SimpleAttributeOperand, LiteralOperand, ElementOperand (to a later element only, so a filter
/// has no cycles); AttributeOperand answers BadFilterOperandInvalid.
/// </summary>
internal sealed partial class CompiledEventFilter
{
    private readonly SimpleAttributeOperand?[] _select;
    private readonly ContentFilterElement[] _where;

    private CompiledEventFilter(SimpleAttributeOperand?[] select, ContentFilterElement[] where)
    {
        _select = select;
        _where = where;
    }

    /// <summary>The status codes of one check: the item's (Good or BadEventFilterInvalid) and the per-element result.</summary>
    internal sealed record Verdict(StatusCode Status, EventFilterResult Result, CompiledEventFilter? Filter);

    /// <summary>
    /// Checks a filter. Invalid when it selects nothing valid or when any where-clause element is invalid; then the item is refused with
    /// BadEventFilterInvalid and the result says which clause failed and why. A select clause that is invalid on its own is reported
    /// in the result and returns null fields; the item stands.
    /// </summary>
    public static Verdict Compile(EventFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var selects = filter.SelectClauses ?? [];
        var selectResults = selects.Select(CheckOperand).ToArray();
        var elements = filter.WhereClause?.Elements ?? [];
        var elementResults = elements.Select((e, i) => CheckElement(elements, i)).ToArray();
        var result = new EventFilterResult
        {
            SelectClauseResults = selectResults.Any(s => s.IsBad) ? selectResults : [],
            SelectClauseDiagnosticInfos = [],
            WhereClauseResult = new ContentFilterResult { ElementResults = elementResults.Any(r => r.StatusCode.IsBad) ? elementResults : [], ElementDiagnosticInfos = [] },
        };
        var valid = selects.Length > 0 && selectResults.Any(s => s.IsGood) && elementResults.All(r => r.StatusCode.IsGood);
        if (!valid) return new Verdict(StatusCodes.BadEventFilterInvalid, result, null);
        var kept = selects.Select((s, i) => selectResults[i].IsGood ? s : null).ToArray();
        return new Verdict(StatusCodes.Good, result, new CompiledEventFilter(kept, elements));
    }

    /// <summary>True when the event passes the where clause (an empty where clause passes everything).</summary>
    public bool Matches(UaEvent e) => _where.Length == 0 || Evaluate(e, 0) is true;

    /// <summary>The selected fields in select-clause order; null for a field the event does not carry.</summary>
    public Variant[] Select(UaEvent e) => [.. _select.Select(s => s is null ? Variant.Null : FieldOf(e, s))];

    /// <summary>Part 4 §7.7.4.5: with BaseEventType any event's field is taken; with another type only events of that type or its subtypes.</summary>
    private static Variant FieldOf(UaEvent e, SimpleAttributeOperand operand)
    {
        var type = operand.TypeDefinitionId;
        if (!type.IsNull && type != EventTypeIds.BaseEventType && !EventTypeTree.IsSubtypeOf(e.EventType, type)) return Variant.Null;
        if (operand.BrowsePath is not { Length: > 0 } path) return Variant.Null; // the ConditionId: these events are no conditions
        return e[string.Join('/', path.Select(q => q.Name))];
    }

    /// <summary>Select clause or operand (Part 4 §7.22.3 Table 147): a known event type, a path it declares, the Value attribute.</summary>
    private static StatusCode CheckOperand(SimpleAttributeOperand operand)
    {
        var type = operand.TypeDefinitionId.IsNull ? EventTypeIds.BaseEventType : operand.TypeDefinitionId;
        var path = operand.BrowsePath ?? [];
        // Part 9 §5.5.2: the ConditionId (empty path, NodeId attribute, usually of ConditionType); null here, no event is a condition.
        if (path.Length == 0 && operand.AttributeId == Attributes.NodeId) return StatusCodes.Good;
        if (!EventTypeTree.IsKnown(type)) return StatusCodes.BadTypeDefinitionInvalid;
        if (path.Length == 0) return StatusCodes.BadBrowseNameInvalid;
        if (path.Any(q => string.IsNullOrEmpty(q.Name))) return StatusCodes.BadBrowseNameInvalid;
        if (path.Length != 1 || !EventTypeTree.Declares(type, path[0].Name!, path[0].NamespaceIndex)) return StatusCodes.BadNodeIdUnknown;
        if (operand.AttributeId != Attributes.Value) return StatusCodes.BadAttributeIdInvalid;
        if (!string.IsNullOrEmpty(operand.IndexRange)) return StatusCodes.BadIndexRangeInvalid;
        return StatusCodes.Good;
    }

    private static (int Min, int Max)? OperandCount(FilterOperator op) => op switch
    {
        FilterOperator.IsNull or FilterOperator.Not or FilterOperator.OfType => (1, 1),
        FilterOperator.Equals or FilterOperator.GreaterThan or FilterOperator.LessThan or FilterOperator.GreaterThanOrEqual
            or FilterOperator.LessThanOrEqual or FilterOperator.And or FilterOperator.Or => (2, 2),
        FilterOperator.Between => (3, 3),
        FilterOperator.InList => (2, int.MaxValue),
        _ => null,
    };

    /// <summary>Part 4 §7.7.1 Table 117: the element's status and one status per operand.</summary>
    private static ContentFilterElementResult CheckElement(ContentFilterElement[] elements, int index)
    {
        var element = elements[index];
        var operands = element.FilterOperands ?? [];
        ContentFilterElementResult Fail(uint status, StatusCode[]? operandCodes = null) =>
            new() { StatusCode = status, OperandStatusCodes = operandCodes ?? [], OperandDiagnosticInfos = [] };
        if (element.FilterOperator is < FilterOperator.Equals or > FilterOperator.BitwiseOr) return Fail(StatusCodes.BadFilterOperatorInvalid);
        if (OperandCount(element.FilterOperator) is not { } count) return Fail(StatusCodes.BadFilterOperatorUnsupported);
        if (operands.Length < count.Min || operands.Length > count.Max) return Fail(StatusCodes.BadFilterOperandCountMismatch);
        var codes = operands.Select(o => CheckOperandOf(element.FilterOperator, o, elements.Length, index)).ToArray();
        return codes.All(c => c.IsGood)
            ? new ContentFilterElementResult { StatusCode = StatusCodes.Good, OperandStatusCodes = [], OperandDiagnosticInfos = [] }
            : Fail(StatusCodes.BadFilterOperandInvalid, codes);
    }

    private static StatusCode CheckOperandOf(FilterOperator op, ExtensionObject operand, int count, int index) => operand.Body switch
    {
        _ when op == FilterOperator.OfType => operand.Body is LiteralOperand { Value.Value: NodeId type } && EventTypeTree.IsKnown(type)
            ? StatusCodes.Good : StatusCodes.BadFilterOperandInvalid,
        SimpleAttributeOperand s => CheckOperand(s) is { IsGood: true } ? StatusCodes.Good : StatusCodes.BadFilterOperandInvalid,
        LiteralOperand => StatusCodes.Good,
        ElementOperand e => e.Index > index && e.Index < count ? StatusCodes.Good : StatusCodes.BadFilterOperandInvalid,
        _ => StatusCodes.BadFilterOperandInvalid,
    };
}

using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;

namespace Twin.OpcUa.Events;

internal sealed partial class CompiledEventFilter
{
    /// <summary>
    /// The value of element <paramref name="index"/> for one event (Part 4 §7.7.3): a bool for the logical and comparison operators,
    /// null when an operand is missing (a comparison with null is false, Part 4 Table 120).
    /// </summary>
    private bool? Evaluate(UaEvent e, int index)
    {
        var element = _where[index];
        var operands = element.FilterOperands ?? [];
        object? Operand(int i) => operands[i].Body switch
        {
            LiteralOperand l => l.Value.Value,
            SimpleAttributeOperand s => FieldOf(e, s).Value,
            ElementOperand x => Evaluate(e, (int)x.Index),
            _ => null,
        };
        switch (element.FilterOperator)
        {
            case FilterOperator.OfType:
                return operands[0].Body is LiteralOperand { Value.Value: NodeId type } && EventTypeTree.IsSubtypeOf(e.EventType, type);
            case FilterOperator.And:
            {
                var a = Operand(0) as bool?;
                if (a == false) return false;
                var b = Operand(1) as bool?;
                return b == false ? false : a == true && b == true ? true : null;
            }
            case FilterOperator.Or:
            {
                var a = Operand(0) as bool?;
                if (a == true) return true;
                var b = Operand(1) as bool?;
                return b == true ? true : a == false && b == false ? false : null;
            }
            case FilterOperator.Not:
                return Operand(0) is bool v ? !v : null;
            case FilterOperator.IsNull:
                return Operand(0) is null;
            case FilterOperator.Equals:
                return ValuesEqual(Operand(0), Operand(1));
            case FilterOperator.GreaterThan:
                return Compare(Operand(0), Operand(1)) is { } gt ? gt > 0 : null;
            case FilterOperator.LessThan:
                return Compare(Operand(0), Operand(1)) is { } lt ? lt < 0 : null;
            case FilterOperator.GreaterThanOrEqual:
                return Compare(Operand(0), Operand(1)) is { } ge ? ge >= 0 : null;
            case FilterOperator.LessThanOrEqual:
                return Compare(Operand(0), Operand(1)) is { } le ? le <= 0 : null;
            case FilterOperator.Between:
            {
                var value = Operand(0);
                return Compare(value, Operand(1)) is { } low && Compare(value, Operand(2)) is { } high ? low >= 0 && high <= 0 : null;
            }
            case FilterOperator.InList:
            {
                var value = Operand(0);
                for (var i = 1; i < operands.Length; i++)
                    if (ValuesEqual(value, Operand(i)) == true) return true;
                return false;
            }
            default:
                return null;
        }
    }

    /// <summary>Equality with the implicit conversions that matter for event fields: numbers across types, status codes, texts.</summary>
    private static bool? ValuesEqual(object? a, object? b)
    {
        if (a is null || b is null) return null;
        if (Number(a) is { } x && Number(b) is { } y) return x == y;
        return (a, b) switch
        {
            (byte[] p, byte[] q) => p.AsSpan().SequenceEqual(q),
            (LocalizedText p, string q) => p.Text == q,
            (string p, LocalizedText q) => p == q.Text,
            (LocalizedText p, LocalizedText q) => p.Text == q.Text,
            (ExpandedNodeId p, NodeId q) => p.IsLocal && p.NodeId == q,
            (NodeId p, ExpandedNodeId q) => q.IsLocal && q.NodeId == p,
            _ => a.Equals(b),
        };
    }

    /// <summary>Order of two values of comparable kinds (numbers, strings, times), or null when they do not compare.</summary>
    private static int? Compare(object? a, object? b)
    {
        if (a is null || b is null) return null;
        if (Number(a) is { } x && Number(b) is { } y) return x.CompareTo(y);
        return (a, b) switch
        {
            (string p, string q) => string.CompareOrdinal(p, q),
            (DateTime p, DateTime q) => p.CompareTo(q),
            (LocalizedText p, string q) => string.CompareOrdinal(p.Text, q),
            _ => null,
        };
    }

    private static decimal? Number(object value) => value switch
    {
        sbyte v => v, byte v => v, short v => v, ushort v => v, int v => v, uint v => v, long v => v, ulong v => v,
        float v when float.IsFinite(v) => (decimal)v, double v when double.IsFinite(v) && Math.Abs(v) < 7.9e27 => (decimal)v,
        StatusCode v => v.Code,
        _ => null,
    };
}

using Twin.OpcUa.Encoding;
using Twin.OpcUa.Events;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Tests.Events;

/// <summary>The where-clause operators of Part 4 §7.7.3 (Table 119) on one event, with the spec's rules for nulls and element order.</summary>
public sealed class CompiledEventFilterTests
{
    private static readonly UaEvent Refused = UaEvent.Create(AuditEventTypes.AuditActivateSessionEventType, WellKnownIds.Server, "Session/ActivateSession",
        new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc), "refused", 500, [new("Status", false), new("ClientUserId", "operator")]);

    private static SimpleAttributeOperand Field(string name) => SimpleAttributeOperand.Field(EventTypeIds.BaseEventType, name);

    private static LiteralOperand Literal(Variant v) => new() { Value = v };

    private static bool Passes(params ContentFilterElement[] elements)
    {
        var verdict = CompiledEventFilter.Compile(new EventFilter { SelectClauses = [Field("EventType")], WhereClause = new ContentFilter { Elements = elements } });
        Assert.True(verdict.Status.IsGood, verdict.Status.ToString());
        return verdict.Filter!.Matches(Refused);
    }

    [Fact]
    public void Comparisons_convert_numbers_across_types_and_compare_texts()
    {
        Assert.True(Passes(ContentFilterElement.Of(FilterOperator.Equals, Field("Severity"), Literal(500))));
        Assert.True(Passes(ContentFilterElement.Of(FilterOperator.GreaterThan, Field("Severity"), Literal(100.5))));
        Assert.False(Passes(ContentFilterElement.Of(FilterOperator.LessThan, Field("Severity"), Literal(new Variant(BuiltInType.UInt16, (ushort)500)))));
        Assert.False(Passes(ContentFilterElement.Of(FilterOperator.LessThanOrEqual, Field("Severity"), Literal(new Variant(BuiltInType.Byte, (byte)255)))));
        Assert.True(Passes(ContentFilterElement.Of(FilterOperator.GreaterThanOrEqual, Field("Time"), Literal(new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc)))));
        Assert.True(Passes(ContentFilterElement.Of(FilterOperator.Equals, Field("Message"), Literal("refused"))));
        Assert.True(Passes(ContentFilterElement.Of(FilterOperator.Between, Field("Severity"), Literal(400), Literal(600))));
        Assert.True(Passes(ContentFilterElement.Of(FilterOperator.InList, Field("ClientUserId"), Literal("admin"), Literal("operator"))));
        Assert.False(Passes(ContentFilterElement.Of(FilterOperator.InList, Field("ClientUserId"), Literal("admin"), Literal("engineer"))));
    }

    [Fact]
    public void Logic_follows_the_tables_with_null_for_missing_fields()
    {
        var missing = ContentFilterElement.Of(FilterOperator.Equals, Field("CertificateGroup"), Literal(1)); // null: the event has no such field
        var refusedStatus = ContentFilterElement.Of(FilterOperator.Equals, Field("Status"), Literal(false));
        Assert.False(Passes(missing));
        Assert.True(Passes(ContentFilterElement.Of(FilterOperator.IsNull, Field("CertificateGroup"))));
        Assert.True(Passes(ContentFilterElement.Of(FilterOperator.Not, new ElementOperand { Index = 1 }), ContentFilterElement.Of(FilterOperator.Equals, Field("Status"), Literal(true))));
        Assert.False(Passes(ContentFilterElement.Of(FilterOperator.Not, new ElementOperand { Index = 1 }), missing)); // NOT null is null: no match
        Assert.True(Passes(ContentFilterElement.Of(FilterOperator.Or, new ElementOperand { Index = 1 }, new ElementOperand { Index = 2 }), missing, refusedStatus));
        Assert.False(Passes(ContentFilterElement.Of(FilterOperator.And, new ElementOperand { Index = 1 }, new ElementOperand { Index = 2 }), missing, refusedStatus));
        Assert.True(Passes(ContentFilterElement.Of(FilterOperator.OfType, Literal(new Variant(BuiltInType.NodeId, EventTypeIds.AuditSessionEventType)))));
        Assert.False(Passes(ContentFilterElement.Of(FilterOperator.OfType, Literal(new Variant(BuiltInType.NodeId, EventTypeIds.AuditChannelEventType)))));
    }

    [Fact]
    public void Fields_of_another_type_read_as_null_and_bad_select_clauses_alone_keep_the_item()
    {
        var verdict = CompiledEventFilter.Compile(new EventFilter
        {
            SelectClauses = [SimpleAttributeOperand.Field(Twin.OpcUa.Gds.GdsIds.CertificateUpdatedAuditEventType, "Status"), Field("ClientUserId"), Field("NoSuchField")],
        });

        Assert.True(verdict.Status.IsGood);
        Assert.Equal([Variant.Null, "operator", Variant.Null], verdict.Filter!.Select(Refused));
        Assert.Equal([StatusCode.Good, StatusCode.Good, new StatusCode(StatusCodes.BadNodeIdUnknown)], verdict.Result.SelectClauseResults!);
    }
}

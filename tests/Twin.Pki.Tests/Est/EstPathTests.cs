using Twin.Pki.Brski;
using Twin.Pki.Est;

namespace Twin.Pki.Tests.Est;

/// <summary>RFC 7030 §3.2.2 paths and the RFC 8366 voucher's required leaves.</summary>
public sealed class EstPathTests
{
    [Theory]
    [InlineData("ca-issuing", true)]
    [InlineData("plant.domain_1", true)]
    [InlineData("simpleenroll", false)] // an operation name cannot be a label
    [InlineData("Upper", false)]
    [InlineData("-leading", false)]
    [InlineData("", false)]
    [InlineData("a/b", false)]
    public void Domain_labels_are_one_safe_segment_distinct_from_operation_names(string label, bool valid) =>
        Assert.Equal(valid, EstPaths.IsValidLabel(label));

    [Fact]
    public void Every_operation_round_trips_through_its_segment()
    {
        foreach (var op in Enum.GetValues<EstOperation>())
            Assert.Equal(op, EstPaths.Parse(EstPaths.Segment(op)));
        Assert.Null(EstPaths.Parse("fullcmc"));
    }

    [Theory]
    [InlineData("""{"ietf-voucher:voucher":{"assertion":"logged","serial-number":"A","pinned-domain-cert":"AQ==","nonce":"AQ=="}}""", "created-on")]
    [InlineData("""{"ietf-voucher:voucher":{"created-on":"2030-01-01T00:00:00Z","assertion":"logged","serial-number":"A","pinned-domain-cert":"AQ=="}}""", "neither nonce nor expires-on")]
    [InlineData("""{"ietf-voucher:voucher":{"created-on":"2030-01-01T00:00:00Z","assertion":"maybe","serial-number":"A","pinned-domain-cert":"AQ==","nonce":"AQ=="}}""", "assertion: 'maybe'")]
    [InlineData("""{"ietf-voucher:voucher":{"created-on":"2030-01-01T00:00:00Z","assertion":"logged","serial-number":"A","pinned-domain-cert":"*","nonce":"AQ=="}}""", "pinned-domain-cert: not base64")]
    [InlineData("""{"voucher":{}}""", "no object member 'ietf-voucher:voucher'")]
    [InlineData("""not json""", "not JSON")]
    public void A_voucher_missing_or_misstating_a_leaf_is_refused_naming_it(string json, string expected) // RFC 8366 §5.3
    {
        var e = Assert.Throws<PkiFormatException>(() => Voucher.FromJson(System.Text.Encoding.UTF8.GetBytes(json)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}

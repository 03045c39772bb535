using System.Text.RegularExpressions;
using Twin.Actors.Entities.Registrar;

namespace Twin.Actors.Tests.Entities;

/// <summary>
/// Allow-list and template patterns are matched in full without a time-out: the verdicts are those of .NET's classic engine,
/// and a pattern that makes the classic engine backtrack for ever still gets an answer instead of an exception.
/// </summary>
public sealed class FullMatchTests
{
    [Theory]
    [InlineData("BENCH-[0-9]+", "BENCH-1", true)]
    [InlineData("BENCH-[0-9]+", "BENCH-1x", false)]
    [InlineData("BENCH-[0-9]+", "xBENCH-1", false)]
    [InlineData("urn:planttrust:(pump|valve)-[0-9]{3}", "urn:planttrust:valve-042", true)]
    [InlineData("urn:planttrust:(pump|valve)-[0-9]{3}", "urn:planttrust:valve-42", false)]
    [InlineData("CN=.*,O=Plant", "CN=a,O=Plant", true)]
    [InlineData("a|b", "ab", false)] // in full: the alternation is grouped before the anchors
    [InlineData("(\\w+)-\\1", "ab-ab", true)] // a back-reference: only the classic engine runs it
    [InlineData("(\\w+)-\\1", "ab-ba", false)]
    public void Verdicts_are_those_of_the_classic_engine_matching_in_full(string pattern, string value, bool expected)
    {
        Assert.Equal(expected, Regex.IsMatch(value, $"^(?:{pattern})$", RegexOptions.CultureInvariant));
        Assert.Equal(expected, FullMatch.Matches(pattern, value));
    }

    [Fact]
    public void A_pattern_that_backtracks_for_ever_on_the_classic_engine_still_gets_a_verdict()
    {
        const string pattern = "(a+)+b";
        var value = new string('a', 40);
        // The classic engine with the 100 ms guard this replaced gives up with an exception, however idle the machine.
        Assert.Throws<RegexMatchTimeoutException>(() => Regex.IsMatch(value, $"^(?:{pattern})$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)));
        Assert.False(FullMatch.Matches(pattern, value));
        Assert.True(FullMatch.Matches(pattern, value + "b"));
    }

    [Theory]
    [InlineData("BENCH-*", "BENCH-0042", true)]
    [InlineData("BENCH-*", "OTHER-0042", false)]
    [InlineData("SN-??", "SN-12", true)]
    [InlineData("SN-??", "SN-123", false)]
    [InlineData("a.b*", "a.bzz", true)] // '.' is literal in a wildcard
    [InlineData("a.b*", "axbzz", false)]
    public void Wildcards_match_as_the_host_settings_document(string wildcard, string value, bool expected) =>
        Assert.Equal(expected, FullMatch.Matches(FullMatch.FromWildcard(wildcard), value));
}

using Twin.Actors.Persistence;

namespace Twin.Actors.Tests.Persistence;

public sealed class KillSwitchTests
{
    [Fact]
    public void Unset_it_is_disarmed_and_set_it_names_a_manifest_and_an_ordinal()
    {
        Assert.Null(KillSwitch.Parse(null));
        Assert.Null(KillSwitch.Parse(" "));
        Assert.Equal(("ca.issued.v1", 3), KillSwitch.Parse("ca.issued.v1#3"));
    }

    [Theory]
    [InlineData("ca.issued.v1")]
    [InlineData("ca.issued.v1#0")]
    [InlineData("#3")]
    [InlineData("ca.issued.v1#-1")]
    public void A_malformed_value_is_refused_naming_the_variable_and_the_form(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => KillSwitch.Parse(value));
        Assert.Contains("PLANTTRUST_KILL_BEFORE", error.Message, StringComparison.Ordinal);
        Assert.Contains("MANIFEST#N", error.Message, StringComparison.Ordinal);
    }
}

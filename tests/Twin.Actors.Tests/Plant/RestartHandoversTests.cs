using Twin.Actors.Model;
using Twin.Actors.Plant;

namespace Twin.Actors.Tests.Plant;

/// <summary>What a stopped start leaves to the next one: taken once, refused at the run's end, never dropped with its parties waiting.</summary>
public sealed class RestartHandoversTests
{
    private static readonly EntityId Registrar = new("registrar-001");

    [Fact]
    public void What_a_start_left_is_taken_once_by_the_next_start()
    {
        var handovers = new RestartHandovers();
        var refused = 0;
        Assert.True(handovers.Leave(Registrar, "left", 1, () => refused++));

        Assert.Equal("left", handovers.Take<string>(Registrar));
        Assert.Null(handovers.Take<string>(Registrar));
        Assert.Empty(handovers.End());
        Assert.Equal(0, refused);
    }

    [Fact]
    public void A_start_that_stops_again_before_taking_over_has_what_its_last_start_left_refused_at_once()
    {
        var handovers = new RestartHandovers();
        var (first, second) = (0, 0);
        Assert.True(handovers.Leave(Registrar, "first start's", 2, () => first++));

        // The next start stopped before it recovered and took that over: no start will take the first start's exchanges now.
        Assert.True(handovers.Leave(Registrar, "second start's", 1, () => second++));

        Assert.Equal((1, 0), (first, second)); // before: dropped, its two parties waiting for an answer that never comes
        Assert.Equal("second start's", handovers.Take<string>(Registrar));
        Assert.Empty(handovers.End());
        Assert.Equal((1, 0), (first, second)); // refused once, not again at the run's end
    }

    [Fact]
    public void The_runs_end_refuses_what_was_left_and_keeps_nothing_after()
    {
        var handovers = new RestartHandovers();
        var refused = 0;
        handovers.Leave(Registrar, "left", 3, () => refused++);

        var ended = Assert.Single(handovers.End());

        Assert.Equal((Registrar, 3, 1), (ended.Entity, ended.Waiting, refused));
        Assert.False(handovers.Leave(Registrar, "too late", 1, () => refused++));
        Assert.Null(handovers.Take<string>(Registrar));
        Assert.Empty(handovers.End());
        Assert.Equal(1, refused);
    }
}

using Twin.Actors.Clock;
using Twin.Actors.Plant;

namespace Twin.Actors.Tests.Plant;

/// <summary>What a POL has not yet journaled of the PEAs' service states is counted work; nothing stays counted for ever.</summary>
public sealed class ServiceObservationsTests
{
    private readonly SimulationWork _work = new();
    private readonly ServiceObservations _observations = new();

    [Fact]
    public void A_new_watch_owes_the_state_the_service_holds_until_the_POL_journals_it()
    {
        _observations.Changed(_work, "pea-001", "Dose", "Idle");
        _observations.Watch(_work, "pol", "pea-001", ["Dose"], _ => null);
        Assert.Equal(1, _work.Outstanding);

        _observations.Observed(_work, "pol", "pea-001", "Dose", "Idle");
        Assert.Equal(0, _work.Outstanding);
    }

    [Fact]
    public void A_state_the_POL_journaled_before_a_restart_is_not_owed_again()
    {
        _observations.Changed(_work, "pea-001", "Dose", "Execute");
        _observations.Watch(_work, "pol", "pea-001", ["Dose"], _ => "Execute");
        Assert.Equal(0, _work.Outstanding);
    }

    [Fact]
    public void An_intermediate_state_seen_late_keeps_the_latest_one_owed()
    {
        _observations.Changed(_work, "pea-001", "Dose", "Idle");
        _observations.Watch(_work, "pol", "pea-001", ["Dose"], _ => "Idle");
        _observations.Changed(_work, "pea-001", "Dose", "Starting");
        _observations.Changed(_work, "pea-001", "Dose", "Execute");
        Assert.Equal(1, _work.Outstanding); // one piece per watched service, however many changes

        _observations.Observed(_work, "pol", "pea-001", "Dose", "Starting");
        Assert.Equal(1, _work.Outstanding);
        _observations.Observed(_work, "pol", "pea-001", "Dose", "Execute");
        Assert.Equal(0, _work.Outstanding);
    }

    [Fact]
    public void A_server_that_stops_or_a_session_closed_ends_what_was_owed()
    {
        _observations.Changed(_work, "pea-001", "Dose", "Idle");
        _observations.Changed(_work, "pea-002", "Dose", "Idle");
        _observations.Watch(_work, "pol", "pea-001", ["Dose"], _ => null);
        _observations.Watch(_work, "pol", "pea-002", ["Dose"], _ => null);
        Assert.Equal(2, _work.Outstanding);

        _observations.ServerStopped(_work, "pea-001");
        Assert.Equal(1, _work.Outstanding);
        _observations.Unwatch(_work, "pol", "pea-002");
        Assert.Equal(0, _work.Outstanding);
        _observations.Changed(_work, "pea-002", "Dose", "Starting"); // nobody watches any more
        Assert.Equal(0, _work.Outstanding);
    }

    [Fact]
    public void A_PEA_whose_state_is_unknown_here_owes_nothing()
    {
        // Its server runs in another process (or has not started): no state reported, nothing to wait for.
        _observations.Watch(_work, "pol", "pea-009", ["Dose"], _ => null);
        Assert.Equal(0, _work.Outstanding);
        Assert.Equal(0, _observations.Pending);
    }

    [Fact]
    public void A_session_lost_under_a_serving_PEA_is_a_silent_loss_and_one_ended_by_the_server_stop_is_not()
    {
        _observations.Changed(_work, "pea-001", "Dose", "Idle");
        _observations.Changed(_work, "pea-002", "Dose", "Idle");
        _observations.Watch(_work, "pol", "pea-001", ["Dose"], _ => "Idle");
        _observations.Watch(_work, "pol", "pea-002", ["Dose"], _ => "Idle");
        _observations.Watch(_work, "pol", "pea-003", [], _ => null); // a PEA without services: its session is still known
        _observations.Changed(_work, "pea-001", "Dose", "Starting"); // owed, and can no longer arrive on the lost session
        Assert.Equal(1, _work.Outstanding);

        Assert.True(_observations.Lost(_work, "pol", "pea-001"));
        Assert.Equal(0, _work.Outstanding);
        Assert.False(_observations.Lost(_work, "pol", "pea-001")); // told once

        _observations.ServerStopped(_work, "pea-002"); // told before the server closes its connections
        Assert.False(_observations.Lost(_work, "pol", "pea-002"));
        Assert.True(_observations.Lost(_work, "pol", "pea-003"));
        Assert.False(_observations.Lost(_work, "other-pol", "pea-001"));
    }
}

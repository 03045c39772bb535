using Akka.Actor;
using Akka.TestKit.Xunit2;
using Twin.Actors.Plant;

namespace Twin.Actors.Tests.Plant;

/// <summary>An entity stopped by a crash starts again after a back-off; what reaches it meanwhile waits for that start.</summary>
public sealed class EntitySupervisorTests : TestKit
{
    // Answers every message with its text and the start that served it; stops itself on "crash" (as a failed persist stops an entity).
    private sealed class Echo : ReceiveActor
    {
        private static int _starts;

        public Echo()
        {
            var start = Interlocked.Increment(ref _starts);
            Receive<string>(m => m == "crash", _ => Context.Stop(Self));
            Receive<string>(m => Sender.Tell((m, start)));
        }
    }

    [Fact]
    public void Messages_that_arrive_while_the_entity_is_down_reach_its_next_start_in_order_with_their_senders()
    {
        Sys.EventStream.Subscribe(TestActor, typeof(EntitySupervisor.EntityDown));
        Sys.EventStream.Subscribe(TestActor, typeof(EntitySupervisor.EntityBackUp));
        var supervisor = Sys.ActorOf(EntitySupervisor.Props(Props.Create(() => new Echo()), "echo", TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)), "sup");
        var client = CreateTestProbe();

        supervisor.Tell("before", client.Ref);
        var (_, first) = client.ExpectMsg<(string, int)>();
        supervisor.Tell("crash");
        var down = ExpectMsg<EntitySupervisor.EntityDown>();
        Assert.Equal(("echo", 1), (down.Entity, down.Stops));
        Assert.InRange(down.StartsIn, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.4));

        // The entity is down now: these wait for its next start, which answers them in order, to the client.
        supervisor.Tell("one", client.Ref);
        supervisor.Tell("two", client.Ref);
        Assert.Equal(2, ExpectMsg<EntitySupervisor.EntityBackUp>(TimeSpan.FromSeconds(10)).Handed);
        var (one, second) = client.ExpectMsg<(string, int)>();
        var (two, again) = client.ExpectMsg<(string, int)>();
        Assert.Equal(("one", "two"), (one, two));
        Assert.NotEqual(first, second);
        Assert.Equal(second, again);

        // And the start after it serves messages straight away.
        supervisor.Tell("three", client.Ref);
        Assert.Equal(("three", second), client.ExpectMsg<(string, int)>());
    }

    [Fact]
    public void A_start_that_stops_again_at_once_waits_longer_before_the_next()
    {
        Sys.EventStream.Subscribe(TestActor, typeof(EntitySupervisor.EntityDown));
        Sys.EventStream.Subscribe(TestActor, typeof(EntitySupervisor.EntityBackUp));
        var supervisor = Sys.ActorOf(EntitySupervisor.Props(Props.Create(() => new Echo()), "echo", TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(30)), "sup");

        supervisor.Tell("crash");
        Assert.Equal(1, ExpectMsg<EntitySupervisor.EntityDown>().Stops);
        // Held, then handed to the next start, which stops at once: the second stop in a row backs off from twice the least.
        supervisor.Tell("crash");
        ExpectMsg<EntitySupervisor.EntityBackUp>(TimeSpan.FromSeconds(10));
        var second = ExpectMsg<EntitySupervisor.EntityDown>(TimeSpan.FromSeconds(10));
        Assert.Equal(2, second.Stops);
        Assert.InRange(second.StartsIn, TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(720));
    }

    [Fact]
    public void A_back_off_that_is_not_positive_is_refused_with_its_values_and_entity()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => EntitySupervisor.Props(Props.Empty, "ca-root", TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        Assert.Contains("00:00:00..00:00:01 for entity 'ca-root'", e.Message);
    }
}

using Akka.Actor;
using Akka.Cluster.Sharding;
using Twin.Actors.Protocol.Commands;

namespace Twin.Actors.Cluster;

/// <summary>
/// The seed node's plant actor: waits for the clock to recover, then for the expected number of
/// shard regions, then starts every entity through its region; afterwards it forwards clock
/// commands to the clock and <see cref="ToEntity"/> messages to the entity, wherever it lives.
/// </summary>
public sealed class ShardedPlantStarter : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan RegionPoll = TimeSpan.FromMilliseconds(200);
    private readonly IReadOnlyList<string> _entities;
    private readonly IActorRef _region;
    private readonly IActorRef _clock;
    private readonly int _nodes;

    /// <summary>Creates the starter of <paramref name="entities"/> over <paramref name="nodes"/> regions.</summary>
    public ShardedPlantStarter(IReadOnlyList<string> entities, IActorRef region, IActorRef clock, int nodes)
    {
        _entities = entities;
        _region = region;
        _clock = clock;
        _nodes = nodes;
        Receive<ClockReady>(_ => AskRegions());
        Receive<CountRegions>(_ => AskRegions());
        Receive<CurrentRegions>(r =>
        {
            if (r.Regions.Count < _nodes)
            {
                Timers.StartSingleTimer("regions", CountRegions.Instance, RegionPoll);
                return;
            }
            // The region answers each with an acknowledgement nobody needs: the entities report their start to the work counter.
            foreach (var id in _entities) _region.Tell(new ShardRegion.StartEntity(id), ActorRefs.NoSender);
        });
        Receive<Status.Failure>(_ => Timers.StartSingleTimer("regions", CountRegions.Instance, RegionPoll));
        Receive<IClockCommand>(c => _clock.Forward(c));
        Receive<ToEntity>(t => _region.Forward(new ShardEnvelope(t.Entity.Value, t.Message)));
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props for the starter.</summary>
    public static Props Props(IReadOnlyList<string> entities, IActorRef region, IActorRef clock, int nodes) =>
        Akka.Actor.Props.Create(() => new ShardedPlantStarter(entities, region, clock, nodes));

    /// <inheritdoc />
    protected override void PreStart() => _clock.Tell(new WhenClockReady());

    private void AskRegions() => _region.Ask<CurrentRegions>(GetCurrentRegions.Instance, TimeSpan.FromSeconds(10)).PipeTo(Self);

    private sealed record CountRegions
    {
        public static CountRegions Instance { get; } = new();
    }
}

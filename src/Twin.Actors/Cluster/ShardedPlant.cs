using Akka.Actor;
using Akka.Cluster.Sharding;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Device;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Actors.Protocol.Commands;

namespace Twin.Actors.Cluster;

/// <summary>
/// A plant whose CAs and devices are distributed over a cluster with Akka.Cluster.Sharding, on a
/// journal every node shares (PostgreSQL). The seed node owns the run's clock actor (one per run,
/// addressed by every node at /user/clock) and starts the entities once the expected number of
/// nodes host a shard region; every other node joins with a region of its own. A single node
/// keeps using <see cref="PlantSupervisor"/>: nothing here is on its path.
/// </summary>
public static class ShardedPlant
{
    /// <summary>The shard type name of the twin's entities.</summary>
    public const string TypeName = "twin-entity";

    /// <summary>
    /// Cluster settings for a node on <paramref name="hostname"/>:<paramref name="port"/> (0 picks a
    /// free port). Entities never passivate (they hold wake-ups in the clock's timetable) and shards
    /// are not rebalanced during a run: a hand-off stops an entity, and the requests it holds (a CA
    /// waiting for its own certificate) and the work counted for them would be lost, stalling max mode.
    /// </summary>
    public static string ClusterHocon(string hostname = "127.0.0.1", int port = 0) => $$"""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = "{{hostname}}", port = {{port}} }
        akka.cluster.sharding {
          passivate-idle-entity-after = off
          rebalance-interval = 3650d
          remember-entities = off
          state-store-mode = ddata
        }
        akka.cluster.run-coordinated-shutdown-when-down = on
        """;

    /// <summary>
    /// Starts the run on the seed node: counts every entity as starting (max mode waits for all of
    /// them), creates the clock at /user/clock and this node's region, and returns the plant actor
    /// that starts the entities once <paramref name="nodes"/> regions exist. It answers clock
    /// commands and <see cref="ToEntity"/> like <see cref="PlantSupervisor"/>.
    /// </summary>
    public static IActorRef StartSeed(ActorSystem system, PlantSpec spec, SimulationClock clock, IKeyVault vault, SimulationWork work, PlantRuntime runtime, int nodes)
    {
        ArgumentNullException.ThrowIfNull(system);
        Check(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        foreach (var id in EntityIds(spec)) work.BeginStart(id);
        var clockActor = system.ActorOf(ClockActor.Props(spec.Run, clock, work, spec.StartRunning), "clock");
        if (spec.Until is { } until) clockActor.Tell(new RunUntil(until));
        var region = StartRegion(system, spec, clock, vault, work, runtime, clockActor);
        return system.ActorOf(ShardedPlantStarter.Props(EntityIds(spec), region, clockActor, nodes), "plant");
    }

    /// <summary>Joins the run on another node: finds the seed's clock actor and starts this node's region.</summary>
    public static async Task<IActorRef> JoinAsync(ActorSystem system, PlantSpec spec, SimulationClock clock, IKeyVault vault, SimulationWork work, PlantRuntime runtime, Address seed)
    {
        ArgumentNullException.ThrowIfNull(system);
        Check(spec);
        var clockActor = await system.ActorSelection(new RootActorPath(seed) / "user" / "clock").ResolveOne(TimeSpan.FromSeconds(30));
        return StartRegion(system, spec, clock, vault, work, runtime, clockActor);
    }

    /// <summary>Every entity id of the plant, authorities first.</summary>
    public static IReadOnlyList<string> EntityIds(PlantSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return [.. spec.Authorities.Select(a => a.Id.Value), .. spec.Devices.Select(d => d.Id.Value)];
    }

    private static void Check(PlantSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Registrars.Count > 0)
            throw new ArgumentException($"Run {spec.Run}: registrars are not distributed over a cluster yet; run this plant on one node.", nameof(spec));
        if (spec.Timeline.Count > 0)
            throw new ArgumentException($"Run {spec.Run}: timeline steps are not distributed over a cluster yet; run this plant on one node.", nameof(spec));
        if (spec.Authorities.Any(a => a.Settings.IsTrustCentre || a.Settings.TrustCentre is not null))
            throw new ArgumentException($"Run {spec.Run}: trust centres are not distributed over a cluster yet; run this plant on one node.", nameof(spec));
    }

    private static IActorRef StartRegion(ActorSystem system, PlantSpec spec, SimulationClock clock, IKeyVault vault, SimulationWork work, PlantRuntime runtime, IActorRef clockActor)
    {
        // What an entity holds of another party is this node's forwarder to it, never a raw actor
        // reference: the party may live, or move, to another node.
        var forwarders = spec.Authorities.ToDictionary(a => a.Id, a => system.ActorOf(EntityForwarder.Props(TypeName, a.Id.Value), "to-" + a.Id.Value));
        var authorities = spec.Authorities.ToDictionary(a => a.Id.Value, a => (a.Id, a.Settings), StringComparer.Ordinal);
        var devices = spec.Devices.ToDictionary(d => d.Id.Value, d => (d.Id, d.Settings), StringComparer.Ordinal);
        var entropy = spec.Entropy;
        Props EntityProps(string id)
        {
            if (authorities.TryGetValue(id, out var ca))
            {
                var parent = ca.Settings.Parent is { } p ? forwarders[p] : null;
                return PlantSupervisor.Supervised(CaActor.Props(spec.Run, ca.Id, ca.Settings, clock, vault, work, clockActor, entropy, parent, runtime.Distribution), id);
            }
            if (devices.TryGetValue(id, out var device))
                return PlantSupervisor.Supervised(DeviceActor.Props(spec.Run, device.Id, device.Settings, clock, clockActor, forwarders[device.Settings.Ca], vault, work, entropy, runtime), id);
            throw new ArgumentException($"No entity '{id}' in run {spec.Run}.", nameof(id));
        }
        return ClusterSharding.Get(system).Start(TypeName, EntityProps, ClusterShardingSettings.Create(system), new TwinShardExtractor(TwinShardExtractor.DefaultShards));
    }
}

using Akka.Actor;
using Akka.Cluster.Sharding;

namespace Twin.Actors.Cluster;

/// <summary>
/// Stands in for one sharded entity on this node: entities that hold an <see cref="IActorRef"/> of
/// another party (a device its CA, a subordinate CA its parent) get this one, and what they send
/// reaches the party through the shard region — on whichever node it lives — with the sender kept,
/// so the answer comes straight back.
/// </summary>
public sealed class EntityForwarder : ReceiveActor
{
    private IActorRef? _region;

    /// <summary>Forwards everything to this node's region of <paramref name="typeName"/> for <paramref name="entityId"/>.</summary>
    public EntityForwarder(string typeName, string entityId) =>
        // The region is looked up at the first message: forwarders exist before the region starts.
        ReceiveAny(m => (_region ??= ClusterSharding.Get(Context.System).ShardRegion(typeName)).Forward(new ShardEnvelope(entityId, m)));

    /// <summary>Props for the forwarder of <paramref name="entityId"/>.</summary>
    public static Props Props(string typeName, string entityId) => Akka.Actor.Props.Create(() => new EntityForwarder(typeName, entityId));
}

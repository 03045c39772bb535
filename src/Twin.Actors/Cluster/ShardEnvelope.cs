using Akka.Cluster.Sharding;

namespace Twin.Actors.Cluster;

/// <summary>A message for the sharded entity <paramref name="EntityId"/>, wherever in the cluster it lives.</summary>
public sealed record ShardEnvelope(string EntityId, object Message);

/// <summary>
/// Maps entity ids to shards by a stable hash (the same on every node and every start), so an
/// entity always lives in the same shard and its journal is written from one place at a time.
/// </summary>
public sealed class TwinShardExtractor(int shards) : HashCodeMessageExtractor(shards)
{
    /// <summary>Ten shards: enough to spread a plant over a handful of nodes, few enough to rebalance cheaply.</summary>
    public const int DefaultShards = 10;

    /// <inheritdoc />
    public override string? EntityId(object message) => message is ShardEnvelope e ? e.EntityId : null;

    /// <inheritdoc />
    public override object? EntityMessage(object message) => message is ShardEnvelope e ? e.Message : message;
}

using Twin.Actors.Attacks;
using Twin.Actors.Model;

namespace Twin.Actors.Protocol.Commands;

/// <summary>An attacker plays <paramref name="Attack"/> against the target PEA's OPC UA server; answered with <see cref="AttackDone"/>.</summary>
public sealed record LaunchAttack(OpcUaAttack Attack, string Requester) : IDeviceCommand
{
    /// <summary>Set when the timeline plays again a step first played at this instant (the run was killed mid-attack): an entity that journaled it already answers from its journal.</summary>
    public Clock.SimInstant? FirstSentAt { get; init; }
}

/// <summary>For the POL: its next connection to <paramref name="Pea"/> goes through a man in the middle who offers only SecurityPolicy None; answered with <see cref="AttackDone"/>.</summary>
public sealed record InterceptDiscovery(EntityId Pea, string Requester) : IDeviceCommand
{
    /// <summary>As <see cref="LaunchAttack.FirstSentAt"/>.</summary>
    public Clock.SimInstant? FirstSentAt { get; init; }
}

/// <summary>What an attack came to: how many of its steps were refused, of how many.</summary>
public sealed record AttackDone(EntityId Target, string Attack, int Steps, int Refused, string Summary);

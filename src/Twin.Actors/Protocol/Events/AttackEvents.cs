using Twin.Actors.Clock;
using Twin.Actors.Model;

namespace Twin.Actors.Protocol.Events;

/// <summary>
/// One step of an attack on <paramref name="Target"/>'s OPC UA server and its outcome, journaled by the entity that saw it
/// (<paramref name="Entity"/>: the attacked PEA, or the POL a man in the middle tried to downgrade): <paramref name="Refused"/>
/// with the OPC UA status the attacker got, <paramref name="By"/> who refused it (the PEA's server or the POL's client).
/// </summary>
[PersistedAs("attack.attempted.v1")]
public sealed record AttackAttempted(RunId Run, SimInstant At, EntityId Entity, EntityId Target, string Attack, string Step, uint StatusCode, string Status, bool Refused, string By, string Detail) : ITwinEvent;

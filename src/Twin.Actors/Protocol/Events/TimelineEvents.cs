using Twin.Actors.Clock;
using Twin.Actors.Model;

namespace Twin.Actors.Protocol.Events;

/// <summary>The scenario's timeline applied step <paramref name="Step"/> (<paramref name="Action"/> on <paramref name="Target"/>).</summary>
[PersistedAs("timeline.applied.v1")]
public sealed record TimelineStepApplied(RunId Run, SimInstant At, EntityId Entity, int Step, string Action, EntityId Target) : ITwinEvent;

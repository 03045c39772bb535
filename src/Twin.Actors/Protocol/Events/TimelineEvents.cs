using Twin.Actors.Clock;
using Twin.Actors.Model;

namespace Twin.Actors.Protocol.Events;

/// <summary>The scenario's timeline applied step <paramref name="Step"/> (<paramref name="Action"/> on <paramref name="Target"/>).</summary>
[PersistedAs("timeline.applied.v1")]
public sealed record TimelineStepApplied(RunId Run, SimInstant At, EntityId Entity, int Step, string Action, EntityId Target) : ITwinEvent;

/// <summary>
/// Every entity an attack step (<see cref="TimelineStepApplied"/>: attempting) went to has journaled what it saw: the step was
/// attempted. A step applied and not attempted when the run was killed is played again at its instant on resume.
/// </summary>
[PersistedAs("timeline.attempted.v1")]
public sealed record TimelineStepAttempted(RunId Run, SimInstant At, EntityId Entity, int Step) : ITwinEvent;

/// <summary>The run was ended by <paramref name="By"/>: its entities were stopped and it is not resumed; a new start is a fresh run.</summary>
[PersistedAs("run.stopped.v1")]
public sealed record RunStopped(RunId Run, SimInstant At, EntityId Entity, string By) : ITwinEvent;

namespace Twin.Actors.Protocol;

/// <summary>
/// A message that is part of the simulation's work: its sender counted it with
/// <see cref="Clock.SimulationWork.Begin"/>, and its receiver reports it done once it has handled
/// it and persisted what it decided. Max mode waits for all of these before time moves on.
/// </summary>
public sealed record Tracked(object Message, string Label);

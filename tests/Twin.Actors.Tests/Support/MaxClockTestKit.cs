using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;

namespace Twin.Actors.Tests.Support;

/// <summary>
/// A persistent test kit with one run's max-mode clock started at <see cref="Start"/>, its work counter, entropy and a file key vault
/// in the test's folder: what entity tests that kill and recover one device beside its CA set up.
/// </summary>
public abstract class MaxClockTestKit : PersistentTestKit
{
    protected MaxClockTestKit(string name, RunId run, SimInstant start) : base(name)
    {
        Clock = new SimulationClock(start, ClockMode.Max);
        Entropy = Entropy.System(run);
        Vault = new FileKeyVault(Path.Combine(Folder, "keys"));
        ClockActor = Sys.ActorOf(Twin.Actors.Clock.ClockActor.Props(run, Clock, Work, startRunning: true));
        ClockActor.Tell(new RunUntil(start));
    }

    protected SimulationClock Clock { get; }

    protected SimulationWork Work { get; } = new();

    protected Entropy Entropy { get; }

    protected FileKeyVault Vault { get; }

    protected IActorRef ClockActor { get; }

    /// <summary>Waits until max mode has nothing left to do at the current instant.</summary>
    protected Task<ClockIdle> Idle() => ClockActor.Ask<ClockIdle>(new WhenClockIdle(), TimeSpan.FromSeconds(60));
}

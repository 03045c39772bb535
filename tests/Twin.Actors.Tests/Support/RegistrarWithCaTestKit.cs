using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Actors.Protocol.Commands;

namespace Twin.Actors.Tests.Support;

/// <summary>
/// A domain registrar beside its CA on a fresh journal, in max mode at <see cref="T0"/>: the set-up of the registrar's kill-and-recover
/// tests. The CA runs for the whole test; the registrar is started, killed and started again.
/// </summary>
public abstract class RegistrarWithCaTestKit : PersistentTestKit
{
    /// <summary>The instant the clock starts at.</summary>
    protected static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");

    private readonly RegistrarSettings _settings;
    private readonly TimeSpan _idleTimeout;

    /// <param name="name">The scratch folder's name.</param>
    /// <param name="run">The run's id.</param>
    /// <param name="ca">The CA's entity id (the registrar's issuing CA).</param>
    /// <param name="caSettings">The CA.</param>
    /// <param name="settings">The registrar.</param>
    /// <param name="idleTimeout">How long to wait for the clock to be idle (generous where keys are RSA and sessions real).</param>
    /// <param name="seed">Seeded draws (a scenario's seed: the same request makes the same bytes); null: the system CSPRNG.</param>
    protected RegistrarWithCaTestKit(string name, RunId run, EntityId ca, CaSettings caSettings, RegistrarSettings settings, TimeSpan idleTimeout, long? seed = null) : base(name)
    {
        (Run, _settings, _idleTimeout) = (run, settings, idleTimeout);
        RegistrarId = RegistrarSettings.EntityIdOf(settings.Domain);
        Clock = new SimulationClock(T0, ClockMode.Max);
        Entropy = seed is { } s ? Entropy.SimulationOnlySeeded(run, s) : Entropy.System(run);
        Vault = new FileKeyVault(Path.Combine(Folder, "keys"));
        ClockActor = Sys.ActorOf(Twin.Actors.Clock.ClockActor.Props(run, Clock, Work, startRunning: true));
        ClockActor.Tell(new RunUntil(T0));
        Work.BeginStart(ca.Value);
        Ca = Sys.ActorOf(CaActor.Props(run, ca, caSettings, Clock, Vault, Work, ClockActor, Entropy, distribution: Runtime.Distribution));
    }

    protected RunId Run { get; }

    protected EntityId RegistrarId { get; }

    protected SimulationClock Clock { get; }

    protected SimulationWork Work { get; } = new();

    protected Entropy Entropy { get; }

    protected PlantRuntime Runtime { get; } = new();

    protected FileKeyVault Vault { get; }

    protected IActorRef ClockActor { get; }

    /// <summary>The registrar's CA.</summary>
    protected IActorRef Ca { get; }

    /// <summary>How an RA-mode registrar reaches its upstream CA; null: CMP over HTTP.</summary>
    protected virtual ICmpTransport? Transport => null;

    /// <summary>A new incarnation of the registrar, recovering from the journal.</summary>
    protected IActorRef StartRegistrar() => StartRegistrar(Run);

    /// <summary>
    /// The same registrar journaling as run <paramref name="run"/>: another journal, and the same seeded draws as this run's — an
    /// uninterrupted registrar beside the one a test restarts.
    /// </summary>
    protected IActorRef StartRegistrar(RunId run)
    {
        Work.BeginStart(RegistrarId.Value);
        return Sys.ActorOf(RegistrarActor.Props(run, RegistrarId, _settings, Clock, ClockActor, Ca, Vault, Work, Entropy, Runtime, Transport));
    }

    /// <summary>Waits until everything the current instant started is done.</summary>
    protected Task<ClockIdle> Idle() => ClockActor.Ask<ClockIdle>(new WhenClockIdle(), _idleTimeout);

    /// <summary>Kills the registrar at a quiet instant and starts it again.</summary>
    protected async Task<IActorRef> RestartAsync(IActorRef registrar)
    {
        // The crash comes at a quiet instant: a PoisonPill overtakes a persist in flight, and work the dead
        // incarnation had begun (its deferred Done) would then keep max mode waiting for ever.
        await Idle();
        Kill(registrar);
        var revived = StartRegistrar();
        await Idle();
        return revived;
    }

    /// <summary>Stops <paramref name="actor"/> as a crash would, at once: the stop overtakes whatever waits in its mailbox.</summary>
    protected void KillAtOnce(IActorRef actor)
    {
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
    }
}

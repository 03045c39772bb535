using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Device;
using Twin.Actors.Model;

namespace Twin.Actors.Plant;

/// <summary>What to run: the run's identity, the clock, and the entities with their settings.</summary>
public sealed record PlantSpec(
    RunId Run,
    SimInstant Start,
    double Speed,
    bool StartRunning,
    IReadOnlyList<(EntityId Id, CaSettings Settings)> Authorities,
    IReadOnlyList<(EntityId Id, DeviceSettings Settings)> Devices)
{
    /// <summary>Realtime (wall time × speed) or max (discrete events as fast as possible).</summary>
    public ClockMode Mode { get; init; } = ClockMode.Realtime;

    /// <summary>Steps played on the clock: revocations, CAs going offline and online.</summary>
    public IReadOnlyList<Entities.Timeline.TimelineStep> Timeline { get; init; } = [];

    /// <summary>The registrars of the operator domains, each with its domain's settings.</summary>
    public IReadOnlyList<(EntityId Id, Entities.Registrar.RegistrarSettings Settings)> Registrars { get; init; } = [];

    /// <summary>The manufacturers: IDevID CA, MASA, firmware and MTP package signing for the devices they make.</summary>
    public IReadOnlyList<(EntityId Id, Entities.Manufacturer.ManufacturerSettings Settings)> Manufacturers { get; init; } = [];

    /// <summary>In max mode, where simulated time stops (paused) once nothing earlier is due. Null: no stop.</summary>
    public SimInstant? Until { get; init; }

    /// <summary>A seed makes keys, serials and signatures reproducible — simulation only. Null: the system CSPRNG.</summary>
    public long? Seed { get; init; }

    /// <summary>design.keyStorage.device: where the plant's devices keep their keys; the host refuses EST /serverkeygen unless software.</summary>
    public Keys.KeyStoreKind DeviceKeyStorage { get; init; }

    /// <summary>The randomness the run's entities draw from.</summary>
    public Entropy Entropy => Seed is long seed ? Entropy.SimulationOnlySeeded(Run, seed) : Entropy.System(Run);
}

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
    EntityId RootCa,
    RootCaSettings RootCaSettings,
    IReadOnlyList<(EntityId Id, DeviceSettings Settings)> Devices);

using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Device;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Pki.Keys;

namespace Twin.Actors.Scenarios;

/// <summary>A checked scenario: the plant, the trust design and the clock of one run.</summary>
public sealed record Scenario(
    string Name,
    RunId Run,
    long? Seed,
    SimInstant Start,
    TimeSpan? Duration,
    ClockMode Mode,
    double Speed,
    DesignKnobs Design,
    RootCaSpec RootCa,
    IReadOnlyList<DeviceSpec> Devices)
{
    /// <summary>The plant to start for this scenario, with optional overrides from the command line.</summary>
    public PlantSpec ToPlant(long? seed = null, ClockMode? mode = null, double? speed = null, TimeSpan? until = null)
    {
        var duration = until ?? Duration;
        var caSettings = new RootCaSettings(RootCa.Subject, RootCa.Algorithm, RootCa.Validity);
        var devices = Devices.Select(d => (d.Id, new DeviceSettings(
            RootCa.Id, d.Subject, d.Algorithm ?? Design.KeyAlgorithm, d.Lifetime ?? Design.DeviceLifetime, Design.RenewAtFraction, Design.RekeyOnRenewal))).ToList();
        return new PlantSpec(Run, Start, speed ?? Speed, StartRunning: true, RootCa.Id, caSettings, devices)
        {
            Mode = mode ?? Mode,
            Seed = seed ?? Seed,
            Until = duration is { } d ? Start.Add(d) : null,
        };
    }
}

/// <summary>The design knobs an architect varies between runs.</summary>
public sealed record DesignKnobs(double RenewAtFraction, bool RekeyOnRenewal, TimeSpan DeviceLifetime, KeyAlgorithm KeyAlgorithm)
{
    /// <summary>Renew at ¾ of the lifetime, new key on every renewal, 90-day P-256 certificates.</summary>
    public static DesignKnobs Default { get; } = new(0.75, true, TimeSpan.FromDays(90), KeyAlgorithm.EcdsaP256);
}

/// <summary>The root CA of the plant.</summary>
public sealed record RootCaSpec(EntityId Id, string Subject, KeyAlgorithm Algorithm, TimeSpan Validity);

/// <summary>One device; lifetime and algorithm fall back to the design's.</summary>
public sealed record DeviceSpec(EntityId Id, string Subject, TimeSpan? Lifetime, KeyAlgorithm? Algorithm);

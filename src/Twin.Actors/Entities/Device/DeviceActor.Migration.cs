using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Device;

/// <summary>
/// Algorithm migration: the device's domain moved to another signature suite, so the device generates keys of it from
/// its next renewal on, at its usual schedule (journaled, so a restarted device remembers). Gateways keep the algorithm of each further domain they were built with.
/// </summary>
public sealed partial class DeviceActor
{
    private KeyAlgorithm KeyAlgorithmNow =>
        _state.MigratedAlgorithm is { } name && Enum.TryParse<KeyAlgorithm>(name, out var migrated) ? migrated : _settings.Algorithm;

    private void ReceiveMigration()
    {
        Recover<DeviceKeyAlgorithmMigrated>(e => _state = _state.Apply(e));
        Command<MigrateKeyAlgorithm>(Migrate);
    }

    private void Migrate(MigrateKeyAlgorithm command)
    {
        if (_state.Decommissioned || KeyAlgorithmNow == command.Algorithm) return;
        Persist(new DeviceKeyAlgorithmMigrated(_run, _clock.Now, Id, command.Algorithm.ToString(), command.Requester), e => _state = _state.Apply(e));
    }
}

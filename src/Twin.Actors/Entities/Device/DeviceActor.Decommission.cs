using Akka.Event;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Revocation;

namespace Twin.Actors.Entities.Device;

// Decommissioning: the end of a device's life. The decision is journaled first, then the keys are
// destroyed and the certificate goes to the CA for revocation; a device recovered after that stays out
// of service (no renewal, no server, no probing), whatever its wake-ups still deliver.
public sealed partial class DeviceActor
{
    private void Decommission(DecommissionDevice command)
    {
        if (_state.Decommissioned)
        {
            _log.Info("Device {0}: already decommissioned; {1}'s request ignored.", Id, command.Requester);
            return;
        }
        var keys = (_state.KeyRefs ?? []).Count > 0 ? _state.KeyRefs! : _state.KeyRef is { } only ? [only] : [];
        var serial = _state.Current?.SerialNumber.Hex;
        Persist(new DeviceDecommissioned(_run, _clock.Now, Id, command.Requester, [.. keys], serial), e =>
        {
            _state = _state.Apply(e);
            foreach (var keyRef in e.DestroyedKeyRefs) _vault.Destroy(keyRef);
            if (e.RevokedSerial is { } revoked)
                SendWork(_ca, new RevokeCertificate(revoked, RevocationReason.CessationOfOperation, command.Requester), "revoke");
            _runtime?.Retired.TryAdd(Id.Value, 0);
            _runtime?.Endpoints.TryRemove(Id.Value, out _);
            _ = _server.StopAsync();
            _log.Info("Device {0}: decommissioned by {1}; {2} key(s) destroyed.", Id, command.Requester, e.DestroyedKeyRefs.Count);
        });
    }

    // A decommissioned device that recovers tells the plant it is retired, and nothing else.
    private bool StaysRetired()
    {
        if (!_state.Decommissioned) return false;
        _runtime?.Retired.TryAdd(Id.Value, 0);
        return true;
    }
}

using Akka.Event;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Revocation;

namespace Twin.Actors.Entities.Device;

// Decommissioning: the end of a device's life. The decision is journaled first, naming every key the device still holds —
// its IDevID key, its LDevID or application keys, its further domains' keys, a GDS key made and never certified — then
// those keys are destroyed and the certificate goes to the CA for revocation. A device killed after the event and before
// the store forgot the keys destroys the listed keys again at recovery (destruction is idempotent); recovered after that,
// it stays out of service (no renewal, no server, no probing), whatever its wake-ups still deliver.
public sealed partial class DeviceActor
{
    private void Decommission(DecommissionDevice command)
    {
        if (_state.Decommissioned)
        {
            _log.Info("Device {0}: already decommissioned; {1}'s request ignored.", Id, command.Requester);
            return;
        }
        var serial = _state.Current?.SerialNumber.Hex;
        Persist(new DeviceDecommissioned(_run, _clock.Now, Id, command.Requester, HeldKeyRefs(), serial), e =>
        {
            _state = _state.Apply(e);
            _pendingIdevidKey = null;
            _gdsPullKey = null;
            _pushKeys.Clear();
            foreach (var keyRef in e.DestroyedKeyRefs) _vault.Destroy(keyRef);
            if (e.RevokedSerial is { } revoked)
                SendWork(_ca, new RevokeCertificate(revoked, RevocationReason.CessationOfOperation, command.Requester), "revoke");
            _runtime?.Retired.TryAdd(Id.Value, 0);
            _runtime?.Endpoints.TryRemove(Id.Value, out _);
            _ = _server.StopAsync();
            _log.Info("Device {0}: decommissioned by {1}; {2} key(s) destroyed.", Id, command.Requester, e.DestroyedKeyRefs.Count);
        });
    }

    /// <summary>
    /// Every key in the device's store, oldest first: operational keys not destroyed yet, the IDevID key (unless it is a copy an
    /// attacker took from another device: that key is the original's), each further domain's keys, and GDS keys made for a
    /// request not certified yet.
    /// </summary>
    private List<string> HeldKeyRefs()
    {
        var held = new List<string>();
        void Add(string? keyRef)
        {
            if (keyRef is not null && !held.Contains(keyRef, StringComparer.Ordinal)) held.Add(keyRef);
        }
        if (!_onboarding.Stolen) Add(_onboarding.IdevidKeyRef);
        Add(_pendingIdevidKey?.KeyRef);
        foreach (var keyRef in _state.KeyRefs ?? []) Add(keyRef);
        Add(_state.KeyRef);
        foreach (var credential in _gateway.Values)
            foreach (var keyRef in credential.Held) Add(keyRef);
        Add(_gdsPullKey?.KeyRef);
        foreach (var made in _pushKeys.Values.Select(k => k.KeyRef).Order(StringComparer.Ordinal)) Add(made);
        return held;
    }

    private void RecoverDecommissioned(DeviceDecommissioned e)
    {
        _state = _state.Apply(e);
        _destroyedBeforeRestart.AddRange(e.DestroyedKeyRefs);
    }

    // A decommissioned device that recovers finishes the destruction a kill may have interrupted, tells the plant it is retired,
    // and does nothing else.
    private bool StaysRetired()
    {
        if (!_state.Decommissioned) return false;
        foreach (var keyRef in _destroyedBeforeRestart) _vault.Destroy(keyRef);
        _destroyedBeforeRestart.Clear();
        _runtime?.Retired.TryAdd(Id.Value, 0);
        return true;
    }
}

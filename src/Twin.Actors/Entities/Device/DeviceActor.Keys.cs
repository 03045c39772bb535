using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Device;

// Keys are generated inside the device's key store (design.keyStorage) from the same entropy paths whatever the store,
// and used only through the handle the store returns: a TPM key signs CSRs, CMP protection and OPC UA messages in place.
//
// A rekey leaves the previous key behind; a real device destroys it once the certificate for the new key is in service.
// Here: after the install is journaled (and, for a server, once the server presents the new certificate), one key.destroyed
// event per superseded key is journaled, and only then does the store forget the key. Killed in between, the recovered device
// finds the same superseded keys (the install is in its journal, the destructions are not) and destroys them at resume; killed
// after the event but before the store forgot the key, it destroys it again (destruction is idempotent). The key the current
// certificate certifies is never among them (DeviceState.SupersededKeyRefs).
public sealed partial class DeviceActor
{
    private const string RetireLabel = "retire-keys";
    private readonly List<string> _destroyedBeforeRestart = [];

    /// <summary>A new key in the device's store and the event that records it (with the store's kind).</summary>
    private (ISigningKey Key, DeviceKeyGenerated Event) GenerateKey(Clock.SimInstant now, KeyAlgorithm algorithm, PkiRandom random)
    {
        var (keyRef, key) = _vault.Generate(_run, Id, _settings.KeyStorage, algorithm, random);
        return (key, new DeviceKeyGenerated(_run, now, Id, keyRef, key.Algorithm.ToString(), key.PublicKey.SubjectPublicKeyInfo, KeyRefs.Text(_settings.KeyStorage)));
    }

    private void RecoverKeyDestroyed(KeyDestroyed e)
    {
        _state = _state.Apply(e);
        ApplyGateway(e);
        _destroyedBeforeRestart.Add(e.KeyRef);
    }

    /// <summary>After recovery: finishes destructions a kill interrupted, then retires what the last install superseded.</summary>
    private void ResumeKeyRetirement()
    {
        foreach (var keyRef in _destroyedBeforeRestart) _vault.Destroy(keyRef);
        _destroyedBeforeRestart.Clear();
        RetireSupersededKeys(then: null);
    }

    /// <summary>Journals and destroys every key the certificate in use superseded; <paramref name="then"/> runs once that is done (at once if nothing was).</summary>
    private void RetireSupersededKeys(Action? then)
    {
        var superseded = _state.SupersededKeyRefs();
        if (superseded.Count == 0)
        {
            then?.Invoke();
            return;
        }
        // Dated at the install that superseded them: a device that finishes the job after a restart journals what an uninterrupted one did.
        var now = _state.InstalledAt ?? _clock.Now;
        var reason = $"superseded by the key of certificate {_state.Current!.SerialNumber.Hex}";
        var events = superseded.Select(keyRef => new KeyDestroyed(_run, now, Id, keyRef, reason)).ToList();
        var last = events[^1];
        Work.Begin(RetireLabel); // counted: the clock does not move on (nor a test read the store) before the keys are gone
        PersistAll(events, e =>
        {
            _state = _state.Apply(e);
            _vault.Destroy(e.KeyRef);
            if (!ReferenceEquals(e, last)) return;
            then?.Invoke();
            Work.Done(RetireLabel);
        });
    }
}

using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Device;

// Keys are generated inside the device's key store (design.keyStorage) from the same entropy paths whatever the store,
// and used only through the handle the store returns: a TPM key signs CSRs, CMP protection and OPC UA messages in place.
public sealed partial class DeviceActor
{
    /// <summary>A new key in the device's store and the event that records it (with the store's kind).</summary>
    private (ISigningKey Key, DeviceKeyGenerated Event) GenerateKey(Clock.SimInstant now, KeyAlgorithm algorithm, PkiRandom random)
    {
        var (keyRef, key) = _vault.Generate(_run, Id, _settings.KeyStorage, algorithm, random);
        return (key, new DeviceKeyGenerated(_run, now, Id, keyRef, key.Algorithm.ToString(), key.PublicKey.SubjectPublicKeyInfo, KeyRefs.Text(_settings.KeyStorage)));
    }
}

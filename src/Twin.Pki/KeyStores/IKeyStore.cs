using Twin.Pki.Keys;

namespace Twin.Pki.KeyStores;

/// <summary>
/// Where private keys live. Callers sign through the returned <see cref="ISigningKey"/>; whether the key
/// can ever leave the store is the store's property (<see cref="CanExport"/>), not the caller's choice.
/// </summary>
public interface IKeyStore
{
    /// <summary>A short name for logs and the dashboard.</summary>
    string Name { get; }

    /// <summary>True when <see cref="Export"/> may hand out the private key (software stores only).</summary>
    bool CanExport { get; }

    /// <summary>The labels of the keys held.</summary>
    IReadOnlyCollection<string> Labels { get; }

    /// <summary>Generates a key inside the store under <paramref name="label"/> (which must be new).</summary>
    ISigningKey Generate(string label, KeyAlgorithm algorithm, PkiRandom? random = null);

    /// <summary>The key under <paramref name="label"/>, or null.</summary>
    ISigningKey? Find(string label);

    /// <summary>The private key as a software key pair; throws <see cref="KeyExportRefusedException"/> when the store keeps keys in.</summary>
    KeyPair Export(string label);

    /// <summary>Destroys the key (decommissioning); true when it existed.</summary>
    bool Destroy(string label);
}

namespace Twin.Actors.Keys;

/// <summary>Where an entity's keys live: the design knob <c>design.keyStorage</c>.</summary>
public enum KeyStoreKind
{
    /// <summary>PKCS#8 files in the run's key folder; exportable.</summary>
    Software,

    /// <summary>A simulated TPM on the device: keys generated inside, non-exportable, persisted as sealed blobs.</summary>
    Tpm,

    /// <summary>A simulated HSM at an authority: keys generated inside, non-exportable, persisted as sealed blobs.</summary>
    Hsm,

    /// <summary>A real PKCS#11 token (SoftHSM2): keys generated on the token, sensitive and non-extractable; signing only.</summary>
    Pkcs11,
}

/// <summary>Key references and store-kind names as the scenario, the journal and the dashboard write them.</summary>
public static class KeyRefs
{
    /// <summary>The names, as in <c>design.keyStorage</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["software", "tpm", "hsm", "pkcs11"];

    /// <summary>The name of <paramref name="kind"/> ("software", "tpm", "hsm", "pkcs11").</summary>
    public static string Text(KeyStoreKind kind) => kind switch
    {
        KeyStoreKind.Tpm => "tpm",
        KeyStoreKind.Hsm => "hsm",
        KeyStoreKind.Pkcs11 => "pkcs11",
        _ => "software",
    };

    /// <summary>The kind named <paramref name="text"/>, or null.</summary>
    public static KeyStoreKind? Parse(string? text) => text switch
    {
        "software" => KeyStoreKind.Software,
        "tpm" => KeyStoreKind.Tpm,
        "hsm" => KeyStoreKind.Hsm,
        "pkcs11" => KeyStoreKind.Pkcs11,
        _ => null,
    };

    /// <summary>The store a key reference points into: "tpm:…" and "hsm:…" name a sealed store, "pkcs11:…" a token, anything else a software file.</summary>
    public static KeyStoreKind KindOf(string keyRef)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyRef);
        if (keyRef.StartsWith("tpm:", StringComparison.Ordinal)) return KeyStoreKind.Tpm;
        if (keyRef.StartsWith("hsm:", StringComparison.Ordinal)) return KeyStoreKind.Hsm;
        if (keyRef.StartsWith("pkcs11:", StringComparison.Ordinal)) return KeyStoreKind.Pkcs11;
        return KeyStoreKind.Software;
    }
}

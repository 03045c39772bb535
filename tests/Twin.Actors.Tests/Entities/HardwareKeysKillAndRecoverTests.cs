using Twin.Actors.Keys;

namespace Twin.Actors.Tests.Entities;

/// <summary>
/// The kill-and-recover tests again with the CA's key in a simulated HSM and the device's in a simulated TPM: the sealed
/// blobs in the run's key folder bring the same keys back after a restart, and decommissioning destroys the TPM key.
/// </summary>
public sealed class HardwareKeysKillAndRecoverTests : KillAndRecoverTests
{
    /// <inheritdoc />
    protected override KeyStoreKind AuthorityKeys => KeyStoreKind.Hsm;

    /// <inheritdoc />
    protected override KeyStoreKind DeviceKeys => KeyStoreKind.Tpm;
}

using Akka.Actor;
using Twin.Actors.Protocol.Commands;

namespace Twin.Actors.Entities.Registrar;

public sealed partial class RegistrarActor
{
    // The certificate the enrollment listener shows to a client that names this domain (RFC 8995 §5.1: the pledge pins what the TLS
    // handshake shows). The key crosses no process boundary.
    private RegistrarTlsIdentity TlsIdentity(IActorRef asker)
    {
        if (!_state.IsReady) return new RegistrarTlsIdentity(null, [], null, $"the registrar of domain '{_settings.Domain}' has no certificate yet.");
        if (!asker.Path.Address.HasLocalScope) return new RegistrarTlsIdentity(null, [], null, "the registrar's key is handed out only within its own process.");
        if (Keys.KeyRefs.KindOf(_state.KeyRef!) != Keys.KeyStoreKind.Software)
            return new RegistrarTlsIdentity(null, [], null, $"the registrar's key of domain '{_settings.Domain}' lives in a {Keys.KeyRefs.KindOf(_state.KeyRef!)} and never leaves it.");
        return new RegistrarTlsIdentity(_state.CertificateDer, _state.ChainDer, _vault.Export(_state.KeyRef!).ExportPkcs8(), null);
    }
}

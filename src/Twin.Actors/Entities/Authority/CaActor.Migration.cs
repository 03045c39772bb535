using Twin.Actors.Protocol.Commands;

namespace Twin.Actors.Entities.Authority;

/// <summary>
/// Algorithm migration: a rollover whose new key is of another algorithm (ECDSA or RSA to ML-DSA). The parent
/// certifies it under the same name whatever its own algorithm (a mixed chain); the previous key keeps signing CRLs
/// for its certificates until they are gone, so relying parties accept both during the overlap.
/// </summary>
public sealed partial class CaActor
{
    private void Migrate(MigrateCaKey command)
    {
        var reply = ReplyChannel();
        if (Refuse(reply, "migration")) return;
        if (_ca!.Certificate.PublicKey.Algorithm == command.Algorithm)
        {
            reply(new CaLifecycleDone($"migration refused: CA {Id} already signs with {command.Algorithm}.", [], null));
            return;
        }
        StartRekey("migration", reply, reenrollAfter: null, command.Algorithm);
    }
}

using Akka.Event;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Authority;

/// <summary>
/// Root key update (RFC 4210 §4.4): the root generates a new key, self-signs it (NewWithNew) and issues
/// the link certificates OldWithNew and NewWithOld. From then on it certifies with the new key; the old
/// root stays a trust anchor, and keeps signing CRLs, until the certificates it issued are gone.
/// </summary>
public sealed partial class CaActor
{
    private void UpdateRootKey(UpdateRootCaKey command)
    {
        var reply = ReplyChannel();
        string? problem = _ca is null ? $"CA {Id} has no key and certificate yet."
            : _settings.Parent is not null ? $"CA {Id} is not a root: a subordinate rolls over instead."
            : !_state.Reachable ? $"CA {Id} is unreachable."
            : null;
        if (problem is not null)
        {
            _log.Warning("CA {0}: root key update refused: {1}", Id, problem);
            reply(new CaLifecycleDone($"root key update refused: {problem}", [], null));
            return;
        }
        var now = _clock.Now;
        var generation = _state.Generation + 1;
        var (keyRef, key) = _vault.Generate(_run, Id, _settings.KeyStorage, _settings.Algorithm, _entropy.For(Id, "root-key", generation));
        var update = _ca!.UpdateRootKey(key, now.Utc, now.Utc + _settings.Validity);
        var updated = new RootKeyUpdated(_run, now, Id, generation, keyRef, update.NewRoot.Certificate.GetDer(), update.OldWithNew.GetDer(), update.NewWithOld.GetDer());
        RetireCurrent(update.NewRoot);
        PersistWithCrl([updated], e =>
        {
            if (e is CrlPublished) reply(new CaLifecycleDone("root key update", [], null));
        });
    }
}

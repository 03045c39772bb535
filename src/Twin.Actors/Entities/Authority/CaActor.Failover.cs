using Akka.Event;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;

namespace Twin.Actors.Entities.Authority;

/// <summary>
/// Standby failover. A CA with a standby runs two instances of one CA: the same key in a shared key store
/// (an HSM cluster's replicated key) and the same journal, so the standby continues the serials, revocations and
/// CRL numbers without a gap. When the primary is cut off the standby takes over issuance and CRL publication
/// and relying parties see no lapse; when the primary is back it takes over again.
/// </summary>
public sealed partial class CaActor
{
    private const string Primary = "primary";

    /// <summary>True when the reachability change was a failover (or failback) and is handled.</summary>
    private bool TryFailover(SetCaReachable command, Action<object> reply)
    {
        if (_settings.Standby is not { } standby) return false;
        var instance = command.Reachable ? Primary : standby;
        if ((_state.ActiveInstance ?? Primary) == instance || !_state.Reachable)
            return false;
        Persist(new CaFailedOver(_run, _clock.Now, Id, instance, command.Requester), e =>
        {
            _state = _state.Apply(e);
            _log.Info("CA {0}: instance {1} serves now.", Id, instance);
            reply(new CaReachability(true));
        });
        return true;
    }
}

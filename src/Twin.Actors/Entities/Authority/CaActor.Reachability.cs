using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;

namespace Twin.Actors.Entities.Authority;

public sealed partial class CaActor
{
    private const string LapseKey = "crl-lapse";

    private void SetReachable(SetCaReachable command)
    {
        var reply = ReplyChannel();
        if (TryFailover(command, reply)) return;
        if (command.Reachable == _state.Reachable)
        {
            reply(new CaReachability(_state.Reachable));
            return;
        }
        var now = _clock.Now;
        var changed = new CaReachabilityChanged(_run, now, Id, command.Reachable, command.Requester);
        if (command.Reachable)
        {
            // Back online: publish at once, in the same write, so relying parties recover as soon as they fetch.
            PersistWithCrl([changed], e => { if (e is CrlPublished) reply(new CaReachability(true)); });
            return;
        }
        Persist(changed, e =>
        {
            _state = _state.Apply(e);
            PublishOcsp(); // its responder goes down with it
            reply(new CaReachability(false));
            if (_state.LastCrlNextUpdate is { } next) WakeAt(next, new CrlLapseCheck(), LapseKey, priority: -5);
        });
    }

    private void CheckLapse()
    {
        // Only a CA that is still cut off and has published nothing newer lets its CRL lapse.
        if (_state.Reachable || _state.LastCrlNextUpdate is not { } next || _clock.Now < next) return;
        Persist(new CrlLapsed(_run, _clock.Now, Id, _state.CrlNumber), e => _state = _state.Apply(e));
    }

    /// <summary>The clock's wake-up at the last CRL's nextUpdate while the CA is unreachable.</summary>
    public sealed record CrlLapseCheck;
}

using Akka.Actor;
using Akka.Event;

namespace Twin.Actors.Entities.Registrar;

// An RA-mode registrar stopped alone (a crash: a persist failure stops it) while requests it forwarded are upstream, and started again
// by its back-off supervisor while the rest of the plant goes on: the upstream's answers would reach only the stopped start, and the
// members would hear nothing until their retry an hour later. The stopped start leaves the exchanges still upstream to the next one
// (PlantRuntime.Handovers) and keeps them counted, so max mode stays at their instant; the next start takes them over when it has
// recovered and relays each answer as the uninterrupted registrar would have — one request upstream, one decision, same instant.
// A whole process killed leaves nothing over: the members then send their requests again (RegistrarActor.Retransmission.cs).
public sealed partial class RegistrarActor
{
    // A message forwarded upstream whose answer has not been handled yet.
    private sealed record InFlight(Exchange Exchange, Open? Confirming, Task<byte[]> Answer);

    private readonly Dictionary<long, InFlight> _inFlight = [];
    private long _tickets;

    // Hands the upstream's answer back to this start of the registrar, as counted work begun already (BeginAway).
    private void AwaitUpstream(InFlight flight)
    {
        var ticket = ++_tickets;
        _inFlight[ticket] = flight;
        var (x, confirming, incarnation) = (flight.Exchange, flight.Confirming, _incarnation);
        flight.Answer.PipeTo(Self,
            success: answer => new UpstreamAnswered(x, answer, null, confirming) { Incarnation = incarnation, Ticket = ticket },
            failure: e => new UpstreamAnswered(x, null, e.GetBaseException().Message, confirming) { Incarnation = incarnation, Ticket = ticket });
    }

    // At a stop: what is still upstream goes to the next start, still counted (the rest of the away work is counted done by OnStopped).
    private void LeaveUpstreamToNextStart()
    {
        if (_inFlight.Count == 0 || _runtime.Handovers is not { } handovers) return;
        handovers.Leave(Id, _inFlight.Values.ToList());
        _log.Info("Registrar {0}: stopped with {1} message(s) upstream; its next start takes them over", Id, _inFlight.Count);
        _away[UpstreamLabel] -= _inFlight.Count;
        _inFlight.Clear();
    }

    // After recovery: the exchanges the stopped start left are this start's now — the transaction and the one-time reference in use
    // again, the answer awaited here.
    private void TakeUpstreamFromLastStart()
    {
        if (_runtime.Handovers?.Take<List<InFlight>>(Id) is not { } left) return;
        _log.Info("Registrar {0}: takes over {1} message(s) its stopped start had forwarded upstream", Id, left.Count);
        foreach (var flight in left)
        {
            _away[UpstreamLabel] = _away.GetValueOrDefault(UpstreamLabel) + 1; // counted since it was sent: ended when handled here
            var x = flight.Exchange;
            if (flight.Confirming is null)
            {
                _busy.Add(x.Transaction);
                if (x.Credential.Reference is { } reference) _reserved.Add(reference);
                if (x.Repeat) _repeating.Add(x.Transaction);
            }
            AwaitUpstream(flight);
        }
    }
}

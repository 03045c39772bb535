using Akka.Actor;
using Akka.Event;
using Twin.Actors.Protocol.Commands;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;

namespace Twin.Actors.Entities.Registrar;

// An RA-mode registrar stopped alone (a crash: a persist failure stops it) while requests it forwarded are upstream (CMP relayed, or
// EST sent on as a p10cr), and started again
// by its back-off supervisor while the rest of the plant goes on: the upstream's answers would reach only the stopped start, and the
// members would hear nothing until their retry an hour later. The stopped start leaves the exchanges still upstream to the next one
// (PlantRuntime.Handovers) and keeps them counted, so max mode stays at their instant; the next start takes them over when it has
// recovered and relays each answer as the uninterrupted registrar would have — one request upstream, one decision, same instant.
// A whole process killed leaves nothing over: the members then send their requests again (RegistrarActor.Retransmission.cs).
public sealed partial class RegistrarActor
{
    // A message forwarded upstream whose answer has not been handled yet.
    private sealed record InFlight(Exchange Exchange, Open? Confirming, Task<byte[]> Answer);

    // An EST request (or the certConf that follows it) sent upstream as CMP whose answer has not been handled yet.
    private sealed record EstInFlight(EstForward Forward, CmpOutgoing Sent, Certificate? Confirming, string? Rejection, Task<byte[]> Answer);

    // What a stopped start leaves to the next one: its CMP and its EST exchanges still upstream.
    private sealed record LeftUpstream(List<InFlight> Cmp, List<EstInFlight> Est);

    private readonly Dictionary<long, InFlight> _inFlight = [];
    private readonly Dictionary<long, EstInFlight> _estInFlight = [];
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

    // The same for an EST exchange: the answer comes back to this start, as counted work begun already.
    private void AwaitEstUpstream(EstInFlight flight)
    {
        var ticket = ++_tickets;
        _estInFlight[ticket] = flight;
        var (f, sent, confirming, rejection, incarnation) = (flight.Forward, flight.Sent, flight.Confirming, flight.Rejection, _incarnation);
        flight.Answer.PipeTo(Self,
            success: answer => new EstUpstreamAnswered(f, sent, answer, null, confirming, rejection) { Incarnation = incarnation, Ticket = ticket },
            failure: e => new EstUpstreamAnswered(f, sent, null, e.GetBaseException().Message, confirming, rejection) { Incarnation = incarnation, Ticket = ticket });
    }

    // At a stop: what is still upstream goes to the next start, still counted (the rest of the away work is counted done by OnStopped).
    // When the run has ended (or ends before a next start comes) there is none: the requesters are refused instead.
    private void LeaveUpstreamToNextStart()
    {
        var count = _inFlight.Count + _estInFlight.Count;
        if (count == 0 || _runtime.Handovers is not { } handovers) return;
        var left = new LeftUpstream(_inFlight.Values.ToList(), _estInFlight.Values.ToList());
        var refuse = RefusalsAtRunEnd(left);
        _away[UpstreamLabel] -= count;
        _inFlight.Clear();
        _estInFlight.Clear();
        if (handovers.Leave(Id, left, count, refuse))
        {
            _log.Info("Registrar {0}: stopped with {1} message(s) upstream; its next start takes them over", Id, count);
            return;
        }
        _log.Warning("Registrar {0}: stopped with {1} message(s) upstream at the run's end; their requesters are refused, nothing was decided", Id, count);
        refuse();
    }

    // How the requesters of what is left upstream are told, should no next start come: an EST client 503, a CMP requester an error
    // message (systemUnavail) protected as its request was — made now, on this start's thread and with its key, since the run's end
    // may come from another thread after this start is gone. Not journaled: nothing was decided (the upstream's answer never came
    // back), as when the whole process is killed; the requester asks again. The work counted for each ends with its refusal.
    private Action RefusalsAtRunEnd(LeftUpstream left)
    {
        var reason = $"The run ended while this request was upstream at registrar '{Id}'; nothing was decided: send it again to a running twin.";
        var answers = new List<(Action<object> Reply, object Answer)>();
        foreach (var flight in left.Est) answers.Add((flight.Forward.Reply, new EstDecision(503, reason, null, [])));
        foreach (var flight in left.Cmp)
        {
            var x = flight.Exchange;
            try
            {
                answers.Add((flight.Confirming?.Exchange.Reply ?? x.Reply, new CmpReply(CmpReplies.Error(x.Request, SenderFor(x.Request, x.Credential), CmpFailure.SystemUnavail, reason), true)));
            }
            catch (Twin.Pki.PkiException e)
            {
                _log.Warning("Registrar {0}: no refusal could be made for transaction {1} ({2}); its requester waits out its own time-out", Id, x.Transaction, e.Message);
            }
        }
        var (work, counted) = (Work, left.Cmp.Count + left.Est.Count);
        return () =>
        {
            foreach (var (reply, answer) in answers) reply(answer);
            for (var i = 0; i < counted; i++) work.Done(UpstreamLabel);
        };
    }

    // After recovery: the exchanges the stopped start left are this start's now — the transaction and the one-time reference in use
    // again, the answer awaited here.
    private void TakeUpstreamFromLastStart()
    {
        if (_runtime.Handovers?.Take<LeftUpstream>(Id) is not { } left) return;
        _log.Info("Registrar {0}: takes over {1} message(s) its stopped start had forwarded upstream", Id, left.Cmp.Count + left.Est.Count);
        foreach (var flight in left.Est)
        {
            _away[UpstreamLabel] = _away.GetValueOrDefault(UpstreamLabel) + 1; // counted since it was sent: ended when handled here
            AwaitEstUpstream(flight);
        }
        foreach (var flight in left.Cmp)
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

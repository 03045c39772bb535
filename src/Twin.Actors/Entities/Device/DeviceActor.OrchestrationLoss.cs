using Akka.Actor;
using Akka.Event;
using Twin.Actors.Entities.Pea;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Events;
using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;

namespace Twin.Actors.Entities.Device;

// An orchestration session can die under the POL without a word: the connection reset, or gone quiet until the publish keep-alive is
// missed. The PEA keeps serving and moving on, and what it does meanwhile would stay counted as an observation on its way (max mode
// would wait for ever). The client says when its channel closes (ClientSession.ChannelClosed). A session that ended because the PEA's
// server stopped or restarted is left as before — the PEA journals that, and the POL's next probe reopens for its reason. Any other loss
// the POL journals (pol.service-session-lost, with the client's status code) and reopens at once, at the same instant, for "the session
// was lost"; the new subscription shows what changed meanwhile at the PEA's own instants.
public sealed partial class DeviceActor
{
    private const string LostReason = "the session was lost";

    // Targets whose journaled session was lost and not reopened before a restart: reopened when the POL resumes, for that reason.
    private readonly HashSet<string> _lostWhileDown = new(StringComparer.Ordinal);

    private void OrchestrationLossBehaviour()
    {
        Recover<PolServiceSessionLost>(e =>
        {
            _journaledSessions.Remove(e.Target.Value);
            _lostWhileDown.Add(e.Target.Value);
        });
        Command<OrchestrationLost>(OnLost);
    }

    /// <summary>Tells this POL when <paramref name="session"/> (its orchestration session with <paramref name="target"/>) loses its channel.</summary>
    private void WatchSession(EntityId target, ClientSession session) =>
        session.ChannelClosed.PipeTo(Self, success: cause => new OrchestrationLost(target, session, cause));

    private void OnLost(OrchestrationLost lost)
    {
        var target = lost.Target.Value;
        // Closed here on purpose (replaced, trust list changed, POL stopping): nothing was lost.
        if (!_orchestrations.TryGetValue(target, out var held) || !ReferenceEquals(held.Session, lost.Session)) return;
        // Counted before the watches are released, so the clock stays at this instant until the session is reopened or cannot be.
        Work.Begin(OrchestrationLabel);
        if (_runtime?.Observations.Lost(Work, Id.Value, target) != true)
        {
            // The server's stop ended it first: the stop is the PEA's event, and the next probe reopens as it always did.
            Work.Done(OrchestrationLabel);
            return;
        }
        var orphan = Release(target)!;
        var code = lost.Cause.StatusCode.Code;
        Persist(new PolServiceSessionLost(_run, _clock.Now, Id, lost.Target, code, StatusCodes.NameOf(code), lost.Cause.Message), _ =>
        {
            Reopen(lost.Target);
            CloseOrphan(lost.Target, orphan);
        });
    }

    // The PEA's server was told nothing of the loss and would keep the lost session and its subscription until the session times out
    // (years, for an orchestration session): one orphan per loss. Re-activated on a new channel and closed there with its subscriptions
    // (Part 4 §5.6.3, ClientSession.CloseAfterLossAsync) once the loss is journaled. Counted, so max mode does not move on with the close
    // half done; bounded, so a PEA that cannot be reached does not hold the run. Nothing is journaled. The session is disposed either way.
    private void CloseOrphan(EntityId target, ClientSession orphan)
    {
        var work = Work;
        var log = _log;
        var self = Id;
        work.Begin(OrphanLabel);
        var cancel = new CancellationTokenSource(OrphanCloseTimeout);
        orphan.CloseAfterLossAsync(cancel.Token).ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully) log.Info("POL {0}: the session lost with {1} {2}.", self, target, t.Result ? "was closed on the PEA's server" : "was no longer known to the PEA's server");
            else log.Warning("POL {0}: the session lost with {1} could not be closed on the PEA's server: {2}", self, target, t.Exception?.GetBaseException().Message ?? "cancelled");
            cancel.Dispose();
            work.Done(OrphanLabel);
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private const string OrphanLabel = "orchestration-orphan";
    private static readonly TimeSpan OrphanCloseTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Opens the orchestration session with <paramref name="target"/> again after a loss; the caller has begun the work it ends.</summary>
    private void Reopen(EntityId target)
    {
        _lostWhileDown.Remove(target.Value);
        if (_state.Decommissioned || _runtime is not { } runtime || runtime.Retired.ContainsKey(target.Value) || !runtime.Endpoints.TryGetValue(target.Value, out var url)
            || _state.Current is not { } certificate || _settings.OpcUaApplicationUri is not { } uri)
        {
            Work.Done(OrchestrationLabel); // no server to reach now: the next good probe opens it
            return;
        }
        var options = _roundOptions ??= OwnClientOptions(certificate, uri, _settings.ServesOpcUa ? Twin.OpcUa.Messages.MessageSecurityMode.SignAndEncrypt : null);
        OpenAsync(runtime.OrchestrationConnect, target, url, options with { ChannelLifetime = LongLivedChannel.Lifetime, SessionTimeout = LongLivedChannel.SessionTimeout, AutoReconnect = false },
            _importedServices.GetValueOrDefault(target.Value), TrustStamp(), LostReason).PipeTo(Self);
    }

    /// <summary>After a restart: reopens the sessions whose loss was journaled without the reopening that follows it.</summary>
    private void ReopenLostWhileDown()
    {
        foreach (var target in _lostWhileDown.Order(StringComparer.Ordinal).ToList())
        {
            if (_orchestrations.ContainsKey(target)) continue;
            Work.Begin(OrchestrationLabel);
            Reopen(new EntityId(target));
        }
    }

    /// <summary>The channel of the orchestration session <paramref name="Session"/> with <paramref name="Target"/> closed, for <paramref name="Cause"/>.</summary>
    private sealed record OrchestrationLost(EntityId Target, ClientSession Session, UaException Cause);
}

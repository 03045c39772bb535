using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Pea;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Events;
using Twin.OpcUa;
using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;

namespace Twin.Actors.Entities.Device;

// The POL orchestrates PEAs. After a good probe of an orchestrated PEA it holds one long-lived secure session with its server: a
// subscription with a monitored item on every service's CurrentState, whose changes it journals with the PEA's own (simulated) source
// timestamp. It opens that session anew — and journals the attempt with its status code — when it has none, when the session was lost,
// when the PEA's server came back on another endpoint (a restart with a renewed certificate), or when the trust list it validates with
// changed. Its recipe (Start a service, Complete it later) runs on the clock; every call's status is journaled.
public sealed partial class DeviceActor
{
    private const string OrchestrationLabel = "orchestrate";
    private const string CallLabel = "service-call";
    private readonly Dictionary<string, Orchestration> _orchestrations = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Target, string Service), string> _observed = [];
    private readonly Dictionary<string, SimInstant> _recipeStarted = new(StringComparer.Ordinal);
    private readonly HashSet<string> _recipeCompleted = new(StringComparer.Ordinal);
    private ClientOptions? _roundOptions;

    private void OrchestrationBehaviour()
    {
        Recover<PolServiceObserved>(e => _observed[(e.Target.Value, e.Service)] = e.State);
        Recover<PolServiceCalled>(e => { RecipeProgress(e); NoteRecipeCall(e); });
        Recover<PolServiceSessionOpened>(NoteSession);
        Command<OrchestrationOpened>(OnOpened);
        Command<ServiceSeen>(OnSeen);
        Command<RecipeDue>(OnRecipeDue);
        Command<CallDone>(OnCallDone);
        OrchestrationResumeBehaviour();
        OrchestrationLossBehaviour();
    }

    /// <summary>After a good probe of <paramref name="target"/>: opens the orchestration session if there is none or it is stale.</summary>
    private void Orchestrate(EntityId target, string url)
    {
        if (!_settings.OrchestrationTargets.Contains(target) || _roundOptions is not { } options || _state.Decommissioned) return;
        if (Restore(target, url, then: null)) return;
        var stamp = TrustStamp();
        string reason;
        if (!_orchestrations.TryGetValue(target.Value, out var held))
            reason = _movedWhileDown.Remove(target.Value) ? NewEndpoint : _lostWhileDown.Remove(target.Value) ? LostReason : "first connection";
        else if (held.Url != url) reason = NewEndpoint;
        else if (held.TrustStamp != stamp) reason = "the trust list changed";
        else if (!held.Session.IsConnected) reason = LostReason;
        else return;
        if (held is not null) Close(target.Value);
        Work.Begin(OrchestrationLabel);
        var imported = _importedServices.GetValueOrDefault(target.Value);
        OpenAsync(_runtime!.OrchestrationConnect, target, url, options with { ChannelLifetime = LongLivedChannel.Lifetime, SessionTimeout = LongLivedChannel.SessionTimeout, AutoReconnect = false }, imported, stamp, reason).PipeTo(Self);
    }

    private const string NewEndpoint = "the PEA's server is at a new endpoint (restarted with a new certificate)";

    private bool HoldsOrchestration(EntityId target) => _orchestrations.ContainsKey(target.Value) || _movedWhileDown.Contains(target.Value);

    private static async Task<OrchestrationOpened> OpenAsync(Func<string, CancellationToken, Task<Twin.OpcUa.Transport.UaConnection>> connect, EntityId target, string url, ClientOptions options,
        IReadOnlyList<string>? imported, string stamp, string reason, RecipeDue? repeat = null)
    {
        ClientSession? session = null;
        try
        {
            session = await ClientSession.ConnectAsync(url, c => connect(url, c), options).ConfigureAwait(false);
            // A call journaled as answered at the instant a restarted POL resumes may never have reached the PEA's journal: it is
            // made again (the PEA answers a repeat of the call it already applied without moving twice), before the subscription
            // reports the states, so that they are seen as the uninterrupted POL saw them.
            if (repeat is not null) await CallAsync(session, repeat).ConfigureAwait(false);
            // The services the server exposes under its Services folder; with an imported MTP package, those the package names.
            var exposed = await session.BrowseAsync(new NodeId($"{target.Value}.Services", Twin.OpcUa.Server.AddressSpace.NamespaceIndex)).ConfigureAwait(false);
            var names = exposed.Select(r => r.BrowseName.Name ?? "").Where(n => n.Length > 0 && (imported is null || imported.Contains(n))).ToList();
            var subscription = await session.SubscribeAsync(50).ConfigureAwait(false);
            var items = new List<(string, ClientMonitoredItem)>();
            foreach (var name in names) items.Add((name, await subscription.MonitorAsync(PeaServiceNodes.State(target.Value, name)).ConfigureAwait(false)));
            return new OrchestrationOpened(target, url, session, items, StatusCodes.Good, reason, stamp);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (session is not null) await session.DisposeAsync().ConfigureAwait(false);
            var code = e is UaException ua ? ua.StatusCode.Code : StatusCodes.BadCommunicationError;
            return new OrchestrationOpened(target, url, null, [], code, $"{reason}: {e.Message}", stamp);
        }
    }

    private void OnOpened(OrchestrationOpened o)
    {
        var services = o.Items.Select(i => i.Service).ToList();
        if (o.Restored is { } restored && o.Session is not null)
        {
            OnRestored(o, restored, services);
            return;
        }
        if (o.Session is { } session)
        {
            var cancel = new CancellationTokenSource();
            _orchestrations[o.Target.Value] = new Orchestration(session, o.Url, o.TrustStamp, services, cancel);
            StartPumps(o, cancel.Token);
            WatchSession(o.Target, session);
        }
        Persist(new PolServiceSessionOpened(_run, _clock.Now, Id, o.Target, o.Code, StatusCodes.NameOf(o.Code), o.Reason, services) { Trust = StampDigest(o.TrustStamp), Server = ServerDigest(o.Session) }, _ =>
        {
            if (o.Session is not null) ScheduleRecipe(o.Target, services);
            if (o.Restored?.Then is { } then) OnRecipeDue(then);
            Work.Done(OrchestrationLabel);
        });
    }

    // Watches the session's services before their first values can reach the POL: until it has journaled the state each holds, the
    // clock does not move on (ServiceObservations).
    private void StartPumps(OrchestrationOpened o, CancellationToken ct)
    {
        _runtime?.Observations.Watch(Work, Id.Value, o.Target.Value, o.Items.Select(i => i.Service), service => _observed.GetValueOrDefault((o.Target.Value, service)));
        var self = Self;
        foreach (var (service, item) in o.Items) _ = PumpAsync(self, o.Target, service, item, ct);
    }

    // Reads one monitored item's data changes until the session is replaced; each becomes a message to the POL.
    private static async Task PumpAsync(IActorRef pol, EntityId target, string service, ClientMonitoredItem item, CancellationToken ct)
    {
        try
        {
            await foreach (var value in item.Values.ReadAllAsync(ct).ConfigureAwait(false))
                if (value.Value.Value is string state && value.SourceTimestamp is { } at)
                    pol.Tell(new ServiceSeen(target, service, state, new SimInstant(new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)))));
        }
        catch (OperationCanceledException)
        {
            // the session was replaced or the POL stopped
        }
        catch (UaException)
        {
            // the session's channel closed: the POL hears of it from ClientSession.ChannelClosed
        }
    }

    private void OnSeen(ServiceSeen s)
    {
        if (_observed.TryGetValue((s.Target.Value, s.Service), out var last) && last == s.State)
        {
            _runtime?.Observations.Observed(Work, Id.Value, s.Target.Value, s.Service, s.State);
            return;
        }
        _observed[(s.Target.Value, s.Service)] = s.State;
        Persist(new PolServiceObserved(_run, s.At, Id, s.Target, s.Service, s.State), _ => _runtime?.Observations.Observed(Work, Id.Value, s.Target.Value, s.Service, s.State));
    }

    private void ScheduleRecipe(EntityId target, IReadOnlyList<string> services)
    {
        if (_settings.Recipe is not { } recipe || _recipeCompleted.Contains(target.Value)) return;
        var service = recipe.Service ?? (services.Count > 0 ? services[0] : null);
        if (service is null || !services.Contains(service)) return;
        if (_recipeStarted.TryGetValue(target.Value, out var started))
        {
            var due = started.Add(recipe.CompleteAfter);
            WakeAt(due < _clock.Now ? _clock.Now : due, new RecipeDue(target, service, ServiceCommand.Complete), "recipe:" + target.Value, priority: 6);
        }
        else WakeAt(_clock.Now.Add(recipe.StartAfter), new RecipeDue(target, service, ServiceCommand.Start), "recipe:" + target.Value, priority: 6);
    }

    private void OnRecipeDue(RecipeDue due)
    {
        if (!_orchestrations.ContainsKey(due.Target.Value) && _runtime?.Endpoints.TryGetValue(due.Target.Value, out var url) == true && Restore(due.Target, url, then: due)) return;
        Work.Begin(CallLabel);
        if (!_orchestrations.TryGetValue(due.Target.Value, out var o) || !o.Session.IsConnected)
        {
            // Tried again when the next orchestration session opens.
            Self.Tell(new CallDone(due.Target, due.Service, due.Command, StatusCodes.BadNotConnected));
            return;
        }
        CallAsync(o.Session, due).PipeTo(Self);
    }

    private static async Task<CallDone> CallAsync(ClientSession session, RecipeDue due)
    {
        try
        {
            await session.CallMethodAsync(PeaServiceNodes.ServiceObject(due.Target.Value, due.Service), PeaServiceNodes.Method(due.Target.Value, due.Service, due.Command), []).ConfigureAwait(false);
            return new CallDone(due.Target, due.Service, due.Command, StatusCodes.Good);
        }
        catch (UaException e)
        {
            return new CallDone(due.Target, due.Service, due.Command, e.StatusCode.Code);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new CallDone(due.Target, due.Service, due.Command, StatusCodes.BadCommunicationError);
        }
    }

    private void OnCallDone(CallDone done) =>
        Persist(new PolServiceCalled(_run, _clock.Now, Id, done.Target, done.Service, done.Command.ToString(), done.Code, StatusCodes.NameOf(done.Code)), e =>
        {
            RecipeProgress(e);
            if (done.Command == ServiceCommand.Start && done.Code == StatusCodes.Good && _orchestrations.TryGetValue(done.Target.Value, out var o))
                ScheduleRecipe(done.Target, o.Services);
            Work.Done(CallLabel);
        });

    private void RecipeProgress(PolServiceCalled e)
    {
        if (e.StatusCode != StatusCodes.Good) return;
        if (e.Command == nameof(ServiceCommand.Start)) _recipeStarted[e.Target.Value] = e.At;
        if (e.Command == nameof(ServiceCommand.Complete)) _recipeCompleted.Add(e.Target.Value);
    }

    // What the POL validates with, by content: the distribution point's CA certificates and CRLs, or its pulled copy. (Not the point's
    // version counter: an authority that recovers publishes the same certificate and CRL again, which changes no trust.)
    private string TrustStamp()
    {
        if (_settings.TrustListPull is not null) return string.Join('\n', _lastPulled);
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var entry in _runtime!.Distribution.Snapshot().Entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(entry.Name));
            hash.AppendData(entry.CaCertificate);
            if (entry.Crl is { } crl) hash.AppendData(crl);
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private void Close(string target)
    {
        if (Release(target) is { } session) _ = session.DisposeAsync().AsTask();
    }

    // Ends the POL's hold on its session with target (the watches, what runs on the session) and hands the session back, not closed yet.
    private ClientSession? Release(string target)
    {
        if (!_orchestrations.Remove(target, out var o)) return null;
        _runtime?.Observations.Unwatch(Work, Id.Value, target);
        o.Cancel.Cancel();
        o.Cancel.Dispose();
        return o.Session;
    }

    private void StopOrchestrations()
    {
        foreach (var target in _orchestrations.Keys.ToList()) Close(target);
    }

    private sealed record Orchestration(ClientSession Session, string Url, string TrustStamp, IReadOnlyList<string> Services, CancellationTokenSource Cancel);

    private sealed record OrchestrationOpened(EntityId Target, string Url, ClientSession? Session, IReadOnlyList<(string Service, ClientMonitoredItem Item)> Items, uint Code, string Reason, string TrustStamp)
    {
        /// <summary>Set when this reopens, after a restart, a session the POL held: nothing is journaled when it succeeds.</summary>
        public RestoredSession? Restored { get; init; }
    }

    private sealed record ServiceSeen(EntityId Target, string Service, string State, SimInstant At);

    private sealed record CallDone(EntityId Target, string Service, ServiceCommand Command, uint Code);

    /// <summary>The clock's wake-up: the recipe's next <paramref name="Command"/> on <paramref name="Service"/> of <paramref name="Target"/>.</summary>
    public sealed record RecipeDue(EntityId Target, string Service, ServiceCommand Command);
}

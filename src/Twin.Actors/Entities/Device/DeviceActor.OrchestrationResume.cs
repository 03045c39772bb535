using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Pea;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Events;
using Twin.OpcUa.Encoding;

namespace Twin.Actors.Entities.Device;

// A POL restarted from its journal held orchestration sessions in the run it continues; the host process that died took them along,
// but the simulated POL never lost them. So it reopens each one silently at the instant it resumes (before its probes and recipe steps
// there; the subscription then reports what changed meanwhile, at the PEA's own timestamps) and journals nothing unless that fails; a trust list that changed since the journaled opening is judged as the uninterrupted POL
// would judge it (a journaled reopening). Its recipe wake-ups are rebuilt from the journal: the step the last opening or call left due.
public sealed partial class DeviceActor
{
    private readonly Dictionary<string, PolServiceSessionOpened> _journaledSessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PolServiceSessionOpened> _restorable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RecipeDue?> _recipeWake = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimInstant> _recipeWakeAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PolServiceCalled> _lastCall = new(StringComparer.Ordinal);

    // PEAs whose server was restarted with a new certificate while this POL was down: the session it held went with the old
    // server, so it is not restored; the next good probe reopens it for that reason, as the uninterrupted POL's would.
    private readonly HashSet<string> _movedWhileDown = new(StringComparer.Ordinal);

    private void OrchestrationResumeBehaviour() => Command<RestoreSessionsDue>(_ =>
    {
        ReopenLostWhileDown();
        foreach (var target in _restorable.Keys.Order(StringComparer.Ordinal).ToList())
            if (_runtime?.Endpoints.TryGetValue(target, out var url) == true)
                // A probe of it journaled at this instant judged the session right after (a trust list that changed reopens it):
                // that judgement may be what the restart lost.
                Restore(new EntityId(target), url, then: null, judge: _lastRound == _clock.Now && _lastRoundTargets.Contains(target));
    });

    private void NoteSession(PolServiceSessionOpened e)
    {
        _journaledSessions[e.Target.Value] = e;
        _lostWhileDown.Remove(e.Target.Value);
        _recipeWake[e.Target.Value] = null;
        if (e.StatusCode != StatusCodes.Good || _settings.Recipe is not { } recipe || _recipeCompleted.Contains(e.Target.Value)) return;
        // As ScheduleRecipe decided at the opening.
        var service = recipe.Service ?? (e.Services.Count > 0 ? e.Services[0] : null);
        if (service is null || !e.Services.Contains(service)) return;
        if (_recipeStarted.TryGetValue(e.Target.Value, out var started))
        {
            var due = started.Add(recipe.CompleteAfter);
            NoteWake(new RecipeDue(e.Target, service, ServiceCommand.Complete), due < e.At ? e.At : due);
        }
        else NoteWake(new RecipeDue(e.Target, service, ServiceCommand.Start), e.At.Add(recipe.StartAfter));
    }

    // As OnCallDone decided: a good Start leaves Complete due; anything else leaves nothing due until the next opening.
    private void NoteRecipeCall(PolServiceCalled e)
    {
        _lastCall[e.Target.Value] = e;
        _recipeWake[e.Target.Value] = null;
        if (e.StatusCode == StatusCodes.Good && e.Command == nameof(ServiceCommand.Start) && _settings.Recipe is { } recipe)
            NoteWake(new RecipeDue(e.Target, e.Service, ServiceCommand.Complete), e.At.Add(recipe.CompleteAfter));
    }

    private void NoteWake(RecipeDue due, SimInstant at)
    {
        _recipeWake[due.Target.Value] = due;
        _recipeWakeAt[due.Target.Value] = at;
    }

    /// <summary>After a restart: remembers the sessions the POL held and sets its recipe's pending steps again.</summary>
    private void ResumeOrchestration()
    {
        foreach (var (target, opened) in _journaledSessions)
            if (opened.StatusCode == StatusCodes.Good && !_orchestrations.ContainsKey(target)) _restorable[target] = opened;
        foreach (var (target, due) in _recipeWake)
        {
            if (due is null) continue;
            var at = _recipeWakeAt[target];
            WakeAt(at < _clock.Now ? _clock.Now : at, due, "recipe:" + target, priority: 6);
        }
        if (_restorable.Count > 0 || _lostWhileDown.Count > 0) WakeAt(_clock.Now, new RestoreSessionsDue(), "orchestration-restore", priority: 2);
    }

    /// <summary>Reopens a session held before the restart, if <paramref name="target"/> had one; true when that is under way.</summary>
    private bool Restore(EntityId target, string url, RecipeDue? then, bool judge = true)
    {
        if (_orchestrations.ContainsKey(target.Value) || !_restorable.Remove(target.Value, out var opened)) return false;
        if (_state.Current is not { } certificate || _settings.OpcUaApplicationUri is not { } uri) return false;
        var options = _roundOptions ??= OwnClientOptions(certificate, uri, _settings.ServesOpcUa ? Twin.OpcUa.Messages.MessageSecurityMode.SignAndEncrypt : null);
        var stamp = TrustStamp();
        // Opened under another trust list: kept under a stamp that differs from every real one, so the next probe reopens it as the
        // uninterrupted POL would have.
        var kept = opened.Trust is null || opened.Trust == StampDigest(stamp) ? stamp : "journaled:" + opened.Trust;
        Work.Begin(OrchestrationLabel);
        var repeat = _lastCall.TryGetValue(target.Value, out var call) && call.At == _clock.Now && call.StatusCode == StatusCodes.Good && Enum.TryParse<ServiceCommand>(call.Command, out var command)
            ? new RecipeDue(target, call.Service, command)
            : null;
        // The session it held was opened to a server certificate judged good then, and an open session is not judged again: the
        // same certificate is taken as it was (revoked since, the uninterrupted POL would still hold the session until it reopens
        // it for a reason of its own). Another certificate is judged as any.
        var validator = opened.Server is { } held ? new HeldServerValidator(held, options.ServerCertificateValidator) : options.ServerCertificateValidator;
        // Symmetrically the PEA judged this POL's certificate at that opening and would not judge it again: it takes it once, as held
        // (no revocation lookup the uninterrupted PEA did not make, no refusal of a POL revoked since).
        var runtime = _runtime!;
        var client = options.Certificate is { } own ? DigestOf(own.RawData) : null;
        if (client is not null) runtime.HoldSession(target.Value, client);
        OpenAsync(runtime.OrchestrationConnect, target, url, options with { ChannelLifetime = LongLivedChannel.Lifetime, SessionTimeout = LongLivedChannel.SessionTimeout, AutoReconnect = false, ServerCertificateValidator = validator }, opened.Services, kept, "restored after a restart", repeat)
            .ContinueWith(t =>
            {
                if (client is not null) runtime.ReleaseSession(target.Value, client);
                return t;
            }, TaskScheduler.Default).Unwrap()
            .PipeTo(Self, success: o => o with { Restored = new RestoredSession(then, judge, opened.Server) });
        return true;
    }

    private void OnRestored(OrchestrationOpened o, RestoredSession restored, IReadOnlyList<string> services)
    {
        // A server renewed while the POL was down restarted at a new endpoint, and is reopened for that reason. A pushed certificate
        // changes in place: the session is kept as the uninterrupted POL held it, and judged (trust list changed?) as it was.
        if (!_settings.PeaCertificatesPushed && restored.Server is { } held && held != ServerDigest(o.Session))
        {
            _ = o.Session!.DisposeAsync().AsTask();
            _movedWhileDown.Add(o.Target.Value);
            if (restored.Then is { } step) OnRecipeDue(step);
            else if (restored.Judge) Orchestrate(o.Target, o.Url); // the probe journaled at this instant reopened it
            Work.Done(OrchestrationLabel);
            return;
        }
        var cancel = new CancellationTokenSource();
        _orchestrations[o.Target.Value] = new Orchestration(o.Session!, o.Url, o.TrustStamp, services, cancel);
        StartPumps(o, cancel.Token);
        WatchSession(o.Target, o.Session!);
        if (restored.Then is { } then) OnRecipeDue(then);
        else if (restored.Judge && o.TrustStamp != TrustStamp()) Orchestrate(o.Target, o.Url); // the probe that asked for it judges the session as it stands
        Work.Done(OrchestrationLabel);
    }

    private static string? ServerDigest(Twin.OpcUa.Client.ClientSession? session) =>
        session?.Endpoint.ServerCertificate is { Length: > 0 } der ? DigestOf(der) : null;

    private static string DigestOf(byte[] der) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(der));

    /// <summary>Takes the server certificate of digest <paramref name="held"/> (the one a restored session was opened to) as good; any other goes to <paramref name="inner"/>.</summary>
    private sealed class HeldServerValidator(string held, Twin.OpcUa.Security.ICertificateValidator inner) : Twin.OpcUa.Security.ICertificateValidator
    {
        public Twin.OpcUa.Security.CertificateVerdict Validate(Twin.OpcUa.Security.CertificateCheck check) =>
            DigestOf(check.Certificate) == held ? Twin.OpcUa.Security.CertificateVerdict.Good : inner.Validate(check);
    }

    private static string StampDigest(string stamp) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(stamp)));

    /// <summary>
    /// A session reopened after a restart; <paramref name="Then"/> is the recipe step that needed it, run once it is open;
    /// <paramref name="Judge"/>: a probe asked for it, and judges it (trust list changed?) once it is open; <paramref name="Server"/>: the
    /// journaled digest of the server certificate it was opened to (null in older journals).
    /// </summary>
    private sealed record RestoredSession(RecipeDue? Then, bool Judge, string? Server);

    /// <summary>The clock's wake-up at the instant a restarted POL resumes: reopen the sessions it held.</summary>
    public sealed record RestoreSessionsDue;
}

using Twin.Actors.Control;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Commands;
using Twin.Pki.Revocation;
using Twin.Web.Access;

namespace Twin.Web.Live;

/// <summary>
/// Every control action the dashboard offers, each checked against <see cref="DashboardAccess"/> on
/// the server before it reaches the twin: hiding a button is a courtesy, this is the guard.
/// </summary>
public sealed class DashboardActions(DashboardAccess access, ITwinControl control, IPlantReadModel model)
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(20);

    /// <summary>True when this circuit may act (starting a scenario among others).</summary>
    public bool CanControl => access.CanControl;

    /// <summary>When the live run ended (run.stopped, this life of the host or an earlier one), if it did: nothing acts in it any more.</summary>
    public Twin.Actors.Clock.SimInstant? RunEnded => model.Current.Ended;

    /// <summary>True when this circuit may act on the live run: it may act, and the run has not ended.</summary>
    public bool CanActOnRun => access.CanControl && RunEnded is null;

    /// <summary>Stops simulated time.</summary>
    public void Pause() { DemandRun("Pause"); control.Pause(); }

    /// <summary>Lets simulated time run.</summary>
    public void Resume() { DemandRun("Play"); control.Resume(); }

    /// <summary>Jumps to the next scheduled instant.</summary>
    public void Step() { DemandRun("Step"); control.Step(); }

    /// <summary>Sets simulated seconds per wall second.</summary>
    public void SetSpeed(double speed) { DemandRun("Speed"); control.SetSpeed(speed); }

    // An ended run is read-only for everyone: its entities are stopped. Checked here, so that no page has to remember it.
    private void DemandRun(string action)
    {
        access.Demand(action);
        if (RunEnded is { } at) throw new ControlRefusedException($"{action} refused: this run ended at {at}; start a scenario on the Scenarios page for a fresh run.");
    }

    /// <summary>Revokes <paramref name="serial"/> (or the current certificate) of <paramref name="entity"/> through its CA.</summary>
    public Task<RevocationOutcome> RevokeAsync(string entity, string? serial, RevocationReason reason)
    {
        DemandRun("Revocation");
        return Revocations.RevokeAsync(model, control, entity, serial, reason, "dashboard");
    }

    /// <summary>
    /// Plays <paramref name="attack"/> against PEA <paramref name="pea"/> over the real OPC UA stack; for the downgrade also a man in
    /// the middle before the POL. Returns what each journaling entity answered.
    /// </summary>
    public async Task<IReadOnlyList<AttackDone>> LaunchAttackAsync(EntityId pea, Twin.Actors.Attacks.OpcUaAttack attack)
    {
        DemandRun("Attacks");
        var answers = new List<AttackDone> { await control.AskEntityAsync<AttackDone>(pea, new LaunchAttack(attack, "dashboard"), AttackTimeout) };
        if (attack == Twin.Actors.Attacks.OpcUaAttack.DowngradeNone && model.Current.Entities.Values.FirstOrDefault(e => e.Kind == EntityKinds.Pol) is { } pol)
            answers.Add(await control.AskEntityAsync<AttackDone>(pol.Id, new InterceptDiscovery(pea, "dashboard"), AttackTimeout));
        return answers;
    }

    // An attack is a handful of real handshakes (RSA key generation included): more than a plain answer, still bounded.
    private static readonly TimeSpan AttackTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Takes a CA offline (false) or brings it back (true).</summary>
    public async Task<bool> SetCaReachableAsync(EntityId ca, bool reachable)
    {
        DemandRun(reachable ? "Bringing a CA online" : "Taking a CA offline");
        var answer = await control.AskEntityAsync<CaReachability>(ca, new SetCaReachable(reachable, "dashboard"), AnswerTimeout);
        return answer.Reachable;
    }
}

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

    /// <summary>True when this circuit may act.</summary>
    public bool CanControl => access.CanControl;

    /// <summary>Stops simulated time.</summary>
    public void Pause() { access.Demand("Pause"); control.Pause(); }

    /// <summary>Lets simulated time run.</summary>
    public void Resume() { access.Demand("Play"); control.Resume(); }

    /// <summary>Jumps to the next scheduled instant.</summary>
    public void Step() { access.Demand("Step"); control.Step(); }

    /// <summary>Sets simulated seconds per wall second.</summary>
    public void SetSpeed(double speed) { access.Demand("Speed"); control.SetSpeed(speed); }

    /// <summary>Revokes <paramref name="serial"/> (or the current certificate) of <paramref name="entity"/> through its CA.</summary>
    public Task<RevocationOutcome> RevokeAsync(string entity, string? serial, RevocationReason reason)
    {
        access.Demand("Revocation");
        return Revocations.RevokeAsync(model, control, entity, serial, reason, "dashboard");
    }

    /// <summary>
    /// Plays <paramref name="attack"/> against PEA <paramref name="pea"/> over the real OPC UA stack; for the downgrade also a man in
    /// the middle before the POL. Returns what each journaling entity answered.
    /// </summary>
    public async Task<IReadOnlyList<AttackDone>> LaunchAttackAsync(EntityId pea, Twin.Actors.Attacks.OpcUaAttack attack)
    {
        access.Demand("Attacks");
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
        access.Demand(reachable ? "Bringing a CA online" : "Taking a CA offline");
        var answer = await control.AskEntityAsync<CaReachability>(ca, new SetCaReachable(reachable, "dashboard"), AnswerTimeout);
        return answer.Reachable;
    }
}

namespace Twin.Actors.Scenarios;

/// <summary>
/// <paramref name="Attack"/> on <paramref name="Target"/> is refused — with <paramref name="Status"/> and by <paramref name="RefusedBy"/> when
/// given — no later than <paramref name="By"/> after the start, and no step of it on that target ever gets through.
/// </summary>
public sealed record AttackRefusedExpectation(string Target, string Attack, string? Status, string? RefusedBy, TimeSpan By) : Expectation
{
    /// <inheritdoc />
    public override string Describe() =>
        $"{Attack} on {Target} refused{(Status is null ? "" : " with " + Status)}{(RefusedBy is null ? "" : " by " + RefusedBy)} by {Iso.Format(By)}, never let through";
}

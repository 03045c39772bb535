using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;

namespace Twin.Actors.Projections;

/// <summary>One line per attack event, for the dashboard's event lists.</summary>
public static class AttackText
{
    /// <summary>The summary of <paramref name="e"/> when it is an attack event; null otherwise.</summary>
    public static string? Describe(ITwinEvent e) => e switch
    {
        AttackAttempted a => a.Refused
            ? $"{a.Attack} on {a.Target}, {a.Step}: refused by {a.By} with {a.Status}"
            : $"{a.Attack} on {a.Target}, {a.Step}: got through ({a.Detail})",
        _ => null,
    };
}

using Twin.Pki.Keys;

namespace Twin.Actors.Scenarios;

/// <summary>
/// Each device matching <paramref name="Pattern"/> installs a certificate for a key of <paramref name="Algorithm"/> by
/// <paramref name="By"/> and holds one from then on — or, with <paramref name="Never"/>, none ever installs one.
/// </summary>
public sealed record KeyAlgorithmExpectation(string Pattern, IReadOnlyList<string> Devices, KeyAlgorithm Algorithm, TimeSpan? By, bool Never) : Expectation
{
    /// <inheritdoc />
    public override string Describe() => Never ? $"{Pattern} never holds a {Algorithm} certificate" : $"{Pattern} holds {Algorithm} certificates by {Iso.Format(By!.Value)}";
}

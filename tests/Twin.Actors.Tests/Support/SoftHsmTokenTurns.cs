namespace Twin.Actors.Tests.Support;

/// <summary>
/// Test classes that open the twin's SoftHSM2 token: one process serves one token configuration at a time (SoftHsmToken), so
/// runs in different key folders take turns instead of running in parallel.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoftHsmTokenTurns
{
    public const string Name = "SoftHSM2 token";
}

namespace Twin.Actors.Entities.Device;

/// <summary>The POL's recipe: start a service of every PEA it orchestrates, later complete it.</summary>
/// <param name="Service">The service to run; null: the first the PEA's MTP package names.</param>
/// <param name="StartAfter">How long after its first orchestration session the POL calls Start.</param>
/// <param name="CompleteAfter">How long after a good Start it calls Complete.</param>
public sealed record PolRecipe(string? Service, TimeSpan StartAfter, TimeSpan CompleteAfter)
{
    /// <summary>The first service, started ten minutes after connecting and completed an hour later.</summary>
    public static PolRecipe Default { get; } = new(null, TimeSpan.FromMinutes(10), TimeSpan.FromHours(1));
}

public sealed partial record DeviceSettings
{
    /// <summary>A PEA: how long (simulated) each transient service state (Starting, Completing, ...) lasts before it moves on.</summary>
    public TimeSpan ServiceStepTime { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>A PEA server that exposes the MTP services (the first server of a PEA); false for its further servers.</summary>
    public bool ExposesServices { get; init; } = true;

    /// <summary>The POL: the PEA servers whose MTP services it orchestrates (subscribes to, runs its recipe on).</summary>
    public IReadOnlyList<Model.EntityId> OrchestrationTargets { get; init; } = [];

    /// <summary>The POL: what it runs on the PEAs it orchestrates; null: it only watches their services.</summary>
    public PolRecipe? Recipe { get; init; } = PolRecipe.Default;
}

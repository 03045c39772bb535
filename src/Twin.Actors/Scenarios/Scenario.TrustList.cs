using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Device;
using Twin.Actors.Entities.TrustCentre;
using Twin.Actors.Model;

namespace Twin.Actors.Scenarios;

/// <summary>design.trustModel, design.requiredLevel, design.trustListInterval.</summary>
public sealed partial record DesignKnobs
{
    /// <summary>The trust-list model (trust centres publish signed lists of accredited CAs with levels); null: cross-certification.</summary>
    public TrustListDesign? TrustList { get; init; }
}

// The trust-list model in the plant: every authority knows it (trust centres publish, CAs do not ask for cross-certificates, each
// with its level), and every relying party (PEA servers, the POL) fetches its trust centre's list.
public sealed partial record Scenario
{
    private List<(EntityId, CaSettings)> WithTrustModel(List<(EntityId Id, CaSettings Settings)> authorities)
    {
        if (Design.TrustList is not { } design) return [.. authorities.Select(a => (a.Id, a.Settings))];
        var levels = Subordinates.Where(c => c.Level is not null).ToDictionary(c => c.Id, c => c.Level!.Value);
        if (RootCa.Level is { } rootLevel) levels[RootCa.Id] = rootLevel;
        return [.. authorities.Select(a => (a.Id, a.Settings with { TrustList = design, Level = levels.GetValueOrDefault(a.Id, SecurityLevel.SL1) }))];
    }

    private DeviceSettings WithTrustCentreList(DeviceSpec spec, DeviceSettings settings) =>
        Design.TrustList is { } design && spec.Role != DeviceRole.Device ? settings with { TrustCentreList = design } : settings;
}

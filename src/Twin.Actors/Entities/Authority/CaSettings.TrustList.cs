using Twin.Actors.Entities.TrustCentre;

namespace Twin.Actors.Entities.Authority;

public sealed partial record CaSettings
{
    /// <summary>
    /// The trust-list model: a trust centre publishes signed lists of accredited CAs (and neither it nor the CAs it accredits
    /// cross-certify); null: the cross-certification model.
    /// </summary>
    public TrustListDesign? TrustList { get; init; }

    /// <summary>For a CA that names a trust centre: the security level it is accredited at (what the trust-list model lists).</summary>
    public SecurityLevel Level { get; init; } = SecurityLevel.SL1;

    /// <summary>For a trust centre: every accreditation of the topology, its partners' included (set from the topology).</summary>
    public IReadOnlyList<Accreditation> Accreditations { get; init; } = [];
}

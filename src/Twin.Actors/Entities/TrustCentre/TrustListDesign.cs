using Twin.Actors.Model;

namespace Twin.Actors.Entities.TrustCentre;

/// <summary>
/// The trust-list model (<c>design.trustModel: trust-list</c>): trust centres publish signed lists of the CAs they accredit, each at
/// a security level, every <paramref name="Interval"/> (a list is current for two intervals) and at once when a partner joins or
/// leaves; relying parties accept a peer only if its chain ends at a listed CA at <paramref name="RequiredLevel"/> or above.
/// </summary>
public sealed record TrustListDesign(TimeSpan Interval, SecurityLevel RequiredLevel)
{
    /// <summary>How long one list is current: two publication intervals, so one late list is not an outage.</summary>
    public TimeSpan Validity => Interval * 2;
}

/// <summary>One accreditation of the topology: <paramref name="Ca"/> names <paramref name="TrustCentre"/>, which lists it at <paramref name="Level"/>.</summary>
public sealed record Accreditation(EntityId TrustCentre, EntityId Ca, SecurityLevel Level);

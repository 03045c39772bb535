using Twin.Actors.Entities.Authority;
using Twin.Actors.Model;

namespace Twin.Actors.Entities.TrustCentre;

/// <summary>Who trusts whom in a plant with trust centres. Pure: reads the topology only.</summary>
public static class TrustCentres
{
    /// <summary>
    /// The trust anchor of a relying party whose certificates come from <paramref name="ca"/>: the first trust centre up its
    /// chain — the CA itself if it is one, else the trust centre a CA on the way names, else its parent's. Null when the
    /// chain reaches no trust centre (then every root of the plant is an anchor, as in a plant without trust centres).
    /// </summary>
    public static EntityId? AnchorFor(EntityId ca, IReadOnlyList<(EntityId Id, CaSettings Settings)> authorities)
    {
        ArgumentNullException.ThrowIfNull(authorities);
        var byId = authorities.ToDictionary(a => a.Id, a => a.Settings);
        EntityId? current = ca;
        for (var depth = 0; current is { } id && depth < 16 && byId.TryGetValue(id, out var settings); depth++)
        {
            if (settings.IsTrustCentre) return id;
            if (settings.TrustCentre is { } tc) return tc;
            current = settings.Parent;
        }
        return null;
    }

    /// <summary>
    /// Completes trust-centre settings from the topology: each trust centre learns the CAs that name it (the ones it
    /// accredits), the other trust centres (possible partners) and every accreditation with its level (what its list names
    /// of a partner's).
    /// </summary>
    public static IReadOnlyList<(EntityId Id, CaSettings Settings)> Federate(IReadOnlyList<(EntityId Id, CaSettings Settings)> authorities)
    {
        ArgumentNullException.ThrowIfNull(authorities);
        var centres = authorities.Where(a => a.Settings.IsTrustCentre).Select(a => a.Id).ToList();
        if (centres.Count == 0) return authorities;
        return [.. authorities.Select(a => a.Settings.IsTrustCentre
            ? (a.Id, a.Settings with
            {
                Accredits = [.. authorities.Where(o => o.Settings.TrustCentre == a.Id).Select(o => o.Id)],
                PeerTrustCentres = [.. centres.Where(c => c != a.Id)],
                Accreditations = [.. authorities.Where(o => o.Settings.TrustCentre is not null).Select(o => new Accreditation(o.Settings.TrustCentre!.Value, o.Id, o.Settings.Level))],
            })
            : a)];
    }
}

using Twin.Actors.Attacks;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Pki.Revocation;

namespace Twin.Web.Live;

/// <summary>The attacks the twin can play into a live run.</summary>
public enum AttackKind
{
    /// <summary>A PEA's, device's or the POL's private key is stolen; the operator has its certificate revoked for keyCompromise.</summary>
    KeyCompromise,
    /// <summary>A subordinate CA's key is stolen; its parent revokes it for cACompromise, and everything below loses its chain.</summary>
    CaCompromise,
    /// <summary>An entity's certificate is suspended (certificateHold).</summary>
    CertificateHold,
    /// <summary>A CA is cut off: no issuance, revocation or CRLs; its CRL lapses at nextUpdate.</summary>
    CaOffline,
    /// <summary>A cut-off CA comes back and publishes a CRL at once.</summary>
    CaOnline,
    /// <summary>A device with a self-signed certificate opens a secure channel to a PEA's server.</summary>
    RogueDevice,
    /// <summary>A plaintext session is asked of a PEA, and a man in the middle offers the POL only None (then only Sign).</summary>
    DowngradeNone,
    /// <summary>A rogue GDS tries to add its own CA to a PEA's trust list.</summary>
    RogueGds,
}

/// <summary>Which entities an attack can target, and how it is carried out through the guarded actions.</summary>
public static class Attacks
{
    /// <summary>What an attack does, in one line.</summary>
    public static string Describe(AttackKind kind) => kind switch
    {
        AttackKind.KeyCompromise => "Steal a PEA's, device's or the POL's key: its certificate is revoked for keyCompromise and relying parties refuse it at their next check.",
        AttackKind.CaCompromise => "Steal an issuing CA's key: its parent revokes it for cACompromise.",
        AttackKind.CertificateHold => "Suspend an entity's certificate (certificateHold).",
        AttackKind.CaOffline => "Cut a CA off: no issuance, revocation or CRLs; its CRL lapses at nextUpdate and relying parties then refuse.",
        AttackKind.CaOnline => "Bring a cut-off CA back: it publishes a CRL at once.",
        AttackKind.RogueDevice => "Open a secure channel to a PEA's OPC UA server with a self-signed certificate: the server refuses it and keeps it in its rejected list.",
        AttackKind.DowngradeNone => "Ask a PEA for a SecurityPolicy None session, and rewrite its discovery answer on the POL's way (None only, then Sign only): both must refuse.",
        AttackKind.RogueGds => "Push a rogue CA into a PEA's trust list (self-signed, as Anonymous, over Sign only): each step must be refused and the trust list stay unchanged.",
        _ => kind.ToString(),
    };

    /// <summary>The entities of <paramref name="snapshot"/> that <paramref name="kind"/> can target.</summary>
    public static IReadOnlyList<string> Targets(AttackKind kind, PlantSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var entities = snapshot.Entities.Values;
        return kind switch
        {
            AttackKind.KeyCompromise or AttackKind.CertificateHold => entities.Where(e => e.Kind != EntityKinds.CertificationAuthority && e.Current is not null).Select(e => e.Id.Value).ToList(),
            AttackKind.CaCompromise => entities.Where(e => e.Kind == EntityKinds.CertificationAuthority && e.Current is { } c && c.Subject != c.Issuer).Select(e => e.Id.Value).ToList(),
            AttackKind.CaOffline => entities.Where(e => e.Kind == EntityKinds.CertificationAuthority && e.Reachable).Select(e => e.Id.Value).ToList(),
            AttackKind.CaOnline => entities.Where(e => e.Kind == EntityKinds.CertificationAuthority && !e.Reachable).Select(e => e.Id.Value).ToList(),
            // PEAs: the servers the POL connects to.
            AttackKind.RogueDevice or AttackKind.DowngradeNone or AttackKind.RogueGds =>
                entities.Where(e => e.Kind == EntityKinds.Pol).SelectMany(p => p.Connections.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            _ => [],
        };
    }

    /// <summary>Carries out <paramref name="kind"/> against <paramref name="target"/>; returns what happened in one line.</summary>
    public static async Task<string> InjectAsync(DashboardActions actions, AttackKind kind, string target)
    {
        ArgumentNullException.ThrowIfNull(actions);
        switch (kind)
        {
            case AttackKind.KeyCompromise:
            case AttackKind.CaCompromise:
            case AttackKind.CertificateHold:
                var reason = kind switch { AttackKind.CaCompromise => RevocationReason.CACompromise, AttackKind.CertificateHold => RevocationReason.CertificateHold, _ => RevocationReason.KeyCompromise };
                var outcome = await actions.RevokeAsync(target, null, reason);
                return outcome.Message;
            case AttackKind.CaOffline:
            case AttackKind.CaOnline:
                var reachable = await actions.SetCaReachableAsync(new EntityId(target), kind == AttackKind.CaOnline);
                return reachable ? $"{target} is reachable again and publishes a CRL at once." : $"{target} is cut off: its last CRL lapses at its nextUpdate.";
            case AttackKind.RogueDevice:
            case AttackKind.DowngradeNone:
            case AttackKind.RogueGds:
                var attack = kind switch { AttackKind.RogueDevice => OpcUaAttack.RogueDevice, AttackKind.DowngradeNone => OpcUaAttack.DowngradeNone, _ => OpcUaAttack.RogueGds };
                var done = await actions.LaunchAttackAsync(new EntityId(target), attack);
                return string.Join(" ", done.Select(d => d.Summary));
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an attack the twin plays");
        }
    }
}

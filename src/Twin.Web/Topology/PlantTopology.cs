using System.Collections.Immutable;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Pki.Revocation;

namespace Twin.Web.Topology;

/// <summary>What a node of the topology shows by its colour, worst first.</summary>
public enum NodeState
{
    /// <summary>Its key was reported compromised: its certificate is revoked for keyCompromise (or cACompromise).</summary>
    Compromised,
    /// <summary>Its certificate is revoked for another reason (or on hold).</summary>
    Revoked,
    /// <summary>Its certificate is past notAfter, or (a CA) its CRL passed nextUpdate with no successor.</summary>
    Expired,
    /// <summary>The POL's last attempt was refused with a security status code.</summary>
    Refused,
    /// <summary>A CA cut off from the plant, or a server the POL could not reach.</summary>
    Offline,
    /// <summary>Less than a tenth of its certificate's lifetime is left.</summary>
    ExpiringSoon,
    /// <summary>The POL's last attempt established a secure session.</summary>
    Secure,
    /// <summary>Holds a valid certificate.</summary>
    Valid,
    /// <summary>Holds no certificate yet.</summary>
    NoCertificate,
}

/// <summary>The role a node plays in the plant.</summary>
public enum NodeRole
{
    /// <summary>A self-signed CA: a trust centre's root of trust.</summary>
    TrustCentre,
    /// <summary>A CA certified by another.</summary>
    Ca,
    /// <summary>A Process Equipment Assembly: serves OPC UA to the POL.</summary>
    Pea,
    /// <summary>A field device.</summary>
    Device,
    /// <summary>The Process Orchestration Layer.</summary>
    Pol,
}

/// <summary>One entity in the topology.</summary>
/// <param name="Id">The entity id.</param>
/// <param name="Role">What it is.</param>
/// <param name="State">Its colour.</param>
/// <param name="Detail">Why (a status code, a CRL number, the revocation reason), for the tooltip.</param>
/// <param name="Endpoint">For a PEA: the OPC UA server URL the POL last used.</param>
public sealed record TopologyNode(string Id, NodeRole Role, NodeState State, string Detail, string? Endpoint = null);

/// <summary>A domain: one issuing CA and the PEAs and devices holding its certificates.</summary>
public sealed record DomainGroup(TopologyNode Ca, IReadOnlyList<TopologyNode> Peas, IReadOnlyList<TopologyNode> Devices)
{
    /// <summary>Every member, PEAs first.</summary>
    public IEnumerable<TopologyNode> Members => Peas.Concat(Devices);

    /// <summary>How many members.</summary>
    public int Count => Peas.Count + Devices.Count;
}

/// <summary>A trust centre: a root CA and the CAs below it, in certification order.</summary>
public sealed record TrustCentreGroup(TopologyNode Root, IReadOnlyList<(TopologyNode Ca, string Parent)> Cas);

/// <summary>The POL's link to one PEA server: the state of its last attempt.</summary>
public sealed record TopologyLink(string Pol, string Target, NodeState State, string Status, string? Endpoint, SimInstant At);

/// <summary>The plant as a topology at one simulated instant: trust centres → CAs → domains → PEAs and devices, and the POL's links.</summary>
public sealed record PlantTopology(
    IReadOnlyList<TrustCentreGroup> TrustCentres,
    IReadOnlyList<DomainGroup> Domains,
    IReadOnlyList<TopologyNode> Unassigned,
    IReadOnlyList<TopologyNode> Pols,
    IReadOnlyList<TopologyLink> Links)
{
    /// <summary>Every node, each once.</summary>
    public IEnumerable<TopologyNode> Nodes =>
        TrustCentres.SelectMany(t => t.Cas.Select(c => c.Ca).Prepend(t.Root)).Concat(Domains.SelectMany(d => d.Members)).Concat(Unassigned).Concat(Pols);

    /// <summary>How many nodes are in each state.</summary>
    public IReadOnlyDictionary<NodeState, int> Counts => Nodes.GroupBy(n => n.State).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>
    /// Builds the topology of <paramref name="snapshot"/> judged at <paramref name="now"/>. PEAs are the
    /// entities a POL connects to, plus <paramref name="servers"/> (entities known to serve OPC UA).
    /// </summary>
    public static PlantTopology Build(PlantSnapshot snapshot, SimInstant now, IEnumerable<string>? servers = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var entities = snapshot.Entities;
        var pols = entities.Values.Where(e => e.Kind == EntityKinds.Pol).ToList();
        var links = pols.SelectMany(p => p.Connections.Values.Select(c => new TopologyLink(p.Id.Value, c.Target.Value, LinkState(c), c.Status, c.EndpointUrl, c.At))).ToList();
        var linkByTarget = links.GroupBy(l => l.Target, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.OrderBy(l => l.State).First(), StringComparer.Ordinal);
        var peaIds = new HashSet<string>(links.Select(l => l.Target), StringComparer.Ordinal);
        foreach (var s in servers ?? []) peaIds.Add(s);

        // A manufacturer's own CA is a root of trust of its own (outside the operator's PKI): its products sit
        // under it with their IDevIDs until they onboard into a domain.
        var cas = entities.Values.Where(IsAuthority).ToList();
        var caBySubject = new Dictionary<string, EntityView>(StringComparer.Ordinal);
        foreach (var ca in cas)
            foreach (var c in ca.Certificates) caBySubject.TryAdd(c.Subject, ca);

        var centres = new List<TrustCentreGroup>();
        foreach (var root in cas.Where(c => c.Current is { } cert && cert.Subject == cert.Issuer || c.Current is null))
        {
            var below = new List<(TopologyNode, string)>();
            var frontier = new Queue<EntityView>([root]);
            var seen = new HashSet<string>(StringComparer.Ordinal) { root.Id.Value };
            while (frontier.TryDequeue(out var parent))
            {
                var parentSubjects = parent.Certificates.Select(c => c.Subject).ToHashSet(StringComparer.Ordinal);
                foreach (var child in cas.Where(c => c.Current is { } cert && cert.Subject != cert.Issuer && parentSubjects.Contains(cert.Issuer) && seen.Add(c.Id.Value)))
                {
                    below.Add((Node(child, NodeRole.Ca, now, null), parent.Id.Value));
                    frontier.Enqueue(child);
                }
            }
            centres.Add(new TrustCentreGroup(Node(root, NodeRole.TrustCentre, now, null), below));
        }

        var domains = new Dictionary<string, (List<TopologyNode> Peas, List<TopologyNode> Devices)>(StringComparer.Ordinal);
        var unassigned = new List<TopologyNode>();
        foreach (var e in entities.Values.Where(e => !IsAuthority(e) && e.Kind != EntityKinds.Pol))
        {
            var isPea = peaIds.Contains(e.Id.Value);
            var node = Node(e, isPea ? NodeRole.Pea : NodeRole.Device, now, linkByTarget.GetValueOrDefault(e.Id.Value));
            if (e.Current is { } cert && caBySubject.TryGetValue(cert.Issuer, out var issuer))
            {
                if (!domains.TryGetValue(issuer.Id.Value, out var members)) domains[issuer.Id.Value] = members = ([], []);
                (isPea ? members.Peas : members.Devices).Add(node);
            }
            else
            {
                unassigned.Add(node);
            }
        }
        var domainGroups = domains
            .OrderBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => new DomainGroup(Node(entities[d.Key], NodeRole.Ca, now, null), d.Value.Peas, d.Value.Devices))
            .ToList();
        var polNodes = pols.Select(p => Node(p, NodeRole.Pol, now, null)).ToList();
        return new PlantTopology(centres, domainGroups, unassigned, polNodes, links);
    }

    private static bool IsAuthority(EntityView e) => e.Kind is EntityKinds.CertificationAuthority or EntityKinds.Manufacturer;

    /// <summary>The state of one entity at <paramref name="now"/>; <paramref name="link"/> is the POL's last attempt on it, if it is a PEA.</summary>
    public static TopologyNode Node(EntityView entity, NodeRole role, SimInstant now, TopologyLink? link)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var id = entity.Id.Value;
        var cert = entity.Current;
        if (cert is null) return new(id, role, NodeState.NoCertificate, "no certificate yet", link?.Endpoint);
        var status = cert.StatusAt(now);
        if (status is CertificateStatus.Revoked or CertificateStatus.OnHold && cert.Revocation is { } r)
        {
            var compromised = r.Reason is RevocationReason.KeyCompromise or RevocationReason.CACompromise;
            return new(id, role, compromised ? NodeState.Compromised : NodeState.Revoked, $"certificate {cert.SerialHex} revoked ({r.Reason}) at {r.At}" + LinkText(link), link?.Endpoint);
        }
        if (status == CertificateStatus.Expired) return new(id, role, NodeState.Expired, $"certificate {cert.SerialHex} expired {cert.NotAfter:yyyy-MM-dd HH:mm}" + LinkText(link), link?.Endpoint);
        if (role is NodeRole.TrustCentre or NodeRole.Ca)
        {
            if (!entity.Reachable) return new(id, role, NodeState.Offline, "cut off: no issuance, revocation or CRLs");
            if (entity.Crl is { } crl && crl.IsExpiredAt(now)) return new(id, role, NodeState.Expired, $"CRL {crl.Number} lapsed at {crl.NextUpdate:yyyy-MM-dd HH:mm}");
        }
        if (link is { State: NodeState.Refused or NodeState.Offline }) return new(id, role, link.State, LinkText(link).TrimStart(' ', '·'), link.Endpoint);
        var lifetime = cert.NotAfter - cert.NotBefore;
        if (now.Utc < cert.NotAfter && (cert.NotAfter - now.Utc).Ticks < lifetime.Ticks * RunSeries.ExpiringShare)
            return new(id, role, NodeState.ExpiringSoon, $"certificate {cert.SerialHex} expires {cert.NotAfter:yyyy-MM-dd HH:mm}" + LinkText(link), link?.Endpoint);
        if (link is { State: NodeState.Secure }) return new(id, role, NodeState.Secure, "secure session" + LinkText(link), link.Endpoint);
        return new(id, role, NodeState.Valid, $"certificate {cert.SerialHex} valid to {cert.NotAfter:yyyy-MM-dd HH:mm}", link?.Endpoint);
    }

    /// <summary>
    /// A refused attempt whose status code judges a certificate or the security exchange is a refusal;
    /// anything else (no route, timeout, closed) means the server was not reachable: offline.
    /// </summary>
    public static NodeState LinkState(ConnectionView c)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.IsGood) return NodeState.Secure;
        return c.Status.Contains("Certificate", StringComparison.Ordinal) || c.Status.Contains("Security", StringComparison.Ordinal)
            || c.Status.Contains("Identity", StringComparison.Ordinal) || c.Status.Contains("Nonce", StringComparison.Ordinal)
            ? NodeState.Refused : NodeState.Offline;
    }

    private static string LinkText(TopologyLink? link) => link is null ? "" : link.State == NodeState.Secure ? $" · POL: secure session at {link.At}" : $" · POL refused: {link.Status} at {link.At}";
}

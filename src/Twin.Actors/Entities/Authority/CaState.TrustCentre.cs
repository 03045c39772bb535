using System.Collections.Immutable;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Authority;

public sealed partial record CaState
{
    private static ImmutableSortedDictionary<string, string> NoCrossIssued => ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    private static ImmutableSortedDictionary<string, byte[]> NoCrossHeld => ImmutableSortedDictionary.Create<string, byte[]>(StringComparer.Ordinal);

    /// <summary>For a trust centre: the serial (hex) of the cross-certificate in force for each CA or partner it certified; revoked ones leave.</summary>
    public ImmutableSortedDictionary<string, string> CrossIssued { get; init; } = NoCrossIssued;

    /// <summary>The cross-certificates (DER) trust centres issued for this CA's current key, by trust centre.</summary>
    public ImmutableSortedDictionary<string, byte[]> CrossHeld { get; init; } = NoCrossHeld;

    /// <summary>For a trust centre: the partner trust centres in its federation now.</summary>
    public ImmutableSortedSet<string> Partners { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    /// <summary>For a trust centre (trust-list model): the sequence number of the last list it published; 0: none yet.</summary>
    public long ListSequence { get; init; }

    /// <summary>For a trust centre (trust-list model): the last list it published, as CMS SignedData; republished at recovery.</summary>
    public byte[]? ListCms { get; init; }

    /// <summary>Serials whose records expired at least <paramref name="retention"/> before <paramref name="now"/>, in serial order.</summary>
    public IReadOnlyList<string> DueForPurge(DateTimeOffset now, TimeSpan retention) => Serials.RecordsWhere(notAfter => notAfter + retention <= now && notAfter < now);

    private CaState WithoutCrossCertificate(string serialHex)
    {
        var gone = CrossIssued.Where(p => string.Equals(p.Value, serialHex, StringComparison.OrdinalIgnoreCase)).Select(p => p.Key).ToList();
        return gone.Count == 0 ? this : this with { CrossIssued = CrossIssued.RemoveRange(gone) };
    }

    private CaState ApplyTrustCentre(ITwinEvent e) => e switch
    {
        CaCrossCertified c => this with { CrossHeld = CrossHeld.SetItem(c.TrustCentre.Value, c.CrossCertificateDer) },
        // The cross-certificate a partner that left had issued for us stays held (and published): its CRL tells relying
        // parties it is revoked. A later JOIN replaces it with a fresh one.
        TrustCentrePartnerChanged p => this with { Partners = p.Joined ? Partners.Add(p.Partner.Value) : Partners.Remove(p.Partner.Value) },
        TrustCentreListPublished l => this with { ListSequence = l.Sequence, ListCms = l.Cms },
        CertificateRecordsPurged p => this with
        {
            Serials = Serials.Purge(p.Serials),
            Revocations = Revocations.RemoveAll(r => p.Serials.Contains(r.Serial, StringComparer.OrdinalIgnoreCase)),
        },
        _ => ApplyOcsp(e),
    };
}

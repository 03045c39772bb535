using System.Collections.Immutable;
using Twin.Actors.Clock;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;

namespace Twin.Actors.Entities.Authority;

/// <summary>A revocation the CA recorded.</summary>
public sealed record RevocationEntry(string Serial, RevocationReason Reason, SimInstant At);

/// <summary>What a CA entity knows, rebuilt from its events. Pure: no actors, no I/O.</summary>
/// <remarks>
/// ca.state.v2: every serial the CA issued is in one compact <see cref="SerialLedger"/> (with the key that signed it and
/// the record retention purges) where ca.state.v1 kept hex strings in three growing collections; a v1 snapshot is read
/// through <see cref="CaStateV1"/>.
/// </remarks>
/// <param name="CertificateDer">The CA's current certificate (DER); null before it has one.</param>
/// <param name="KeyRef">Where its current key is kept.</param>
/// <param name="Serials">Every serial issued under the CA's name, so none is reused.</param>
[PersistedAs("ca.state.v2")]
public sealed partial record CaState(byte[]? CertificateDer, string? KeyRef, SerialLedger Serials) : ITwinPersisted
{
    /// <summary>A CA that has not created its key and certificate yet.</summary>
    public static CaState Empty { get; } = new(null, null, SerialLedger.Empty);

    /// <summary>Every revocation, in the order recorded.</summary>
    public ImmutableList<RevocationEntry> Revocations { get; init; } = [];

    /// <summary>The number of the last CRL published; 0 before the first.</summary>
    public long CrlNumber { get; init; }

    /// <summary>When the last CRL was published.</summary>
    public SimInstant? LastCrlAt { get; init; }

    /// <summary>The nextUpdate of the last CRL: after it, relying parties need a newer one.</summary>
    public SimInstant? LastCrlNextUpdate { get; init; }

    /// <summary>False while the CA is cut off: it neither issues, revokes nor publishes.</summary>
    public bool Reachable { get; init; } = true;

    /// <summary>For a subordinate: its parent's certificate (DER), the next link of its chain.</summary>
    public byte[]? IssuerDer { get; init; }

    /// <summary>True once the CA holds a key and a certificate.</summary>
    public bool IsReady => CertificateDer is not null && KeyRef is not null;

    /// <summary>Returns the state after <paramref name="e"/>.</summary>
    public CaState Apply(ITwinEvent e) => e switch
    {
        RootCaCreated r => this with { CertificateDer = r.CertificateDer, KeyRef = r.KeyRef, Serials = Serials.Append(Certificate.FromDer(r.CertificateDer).SerialNumber, generation: null, notAfter: null) },
        SubordinateCaCertified c => this with { CertificateDer = c.CertificateDer, KeyRef = c.KeyRef, IssuerDer = c.IssuerCertificateDer },
        CertificateIssued i => Issued(i).Remember(i),
        CertificateRevoked v => (this with { Revocations = Revocations.Add(new RevocationEntry(v.Serial, v.Reason, v.At)) }).WithoutCrossCertificate(v.Serial),
        CrlPublished p => this with
        {
            CrlNumber = p.Number,
            LastCrlAt = p.At,
            LastCrlNextUpdate = CertificateRevocationList.FromDer(p.CrlDer).NextUpdate is { } next ? new SimInstant(next) : null,
        },
        CaReachabilityChanged r => this with { Reachable = r.Reachable },
        _ => ApplyLifecycle(e),
    };
}

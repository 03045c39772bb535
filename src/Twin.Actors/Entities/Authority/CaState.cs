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
[PersistedAs("ca.state.v1")]
public sealed partial record CaState(byte[]? CertificateDer, string? KeyRef, ImmutableList<string> IssuedSerials) : ITwinPersisted
{
    /// <summary>A CA that has not created its key and certificate yet.</summary>
    public static CaState Empty { get; } = new(null, null, []);

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
        RootCaCreated r => this with { CertificateDer = r.CertificateDer, KeyRef = r.KeyRef, IssuedSerials = IssuedSerials.Add(Certificate.FromDer(r.CertificateDer).SerialNumber.Hex) },
        SubordinateCaCertified c => this with { CertificateDer = c.CertificateDer, KeyRef = c.KeyRef, IssuerDer = c.IssuerCertificateDer },
        CertificateIssued i => Issued(i).Remember(i).CrossIssuedBy(i),
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

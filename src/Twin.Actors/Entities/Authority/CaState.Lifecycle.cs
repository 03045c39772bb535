using System.Collections.Immutable;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Authority;

/// <summary>A key the CA used before its current one: it issues nothing more, but signs CRLs for what it issued until it is closed.</summary>
/// <param name="Generation">0 for the CA's first key, counting up with each rollover.</param>
/// <param name="CertificateDer">The CA certificate of that key.</param>
/// <param name="KeyRef">Where the key is kept.</param>
/// <param name="Holders">Who still holds a certificate from this key, with its notAfter; emptied as holders renew under the new key.</param>
/// <param name="CrlNumber">The number of the last CRL that key signed.</param>
/// <param name="Closed">True once nobody holds its certificates: it signs nothing more.</param>
/// <remarks>The serials that key issued are those of its generation in <see cref="CaState.Serials"/>.</remarks>
public sealed record PreviousKey(int Generation, byte[] CertificateDer, string KeyRef, ImmutableSortedDictionary<string, DateTimeOffset> Holders, long CrlNumber, bool Closed);

public sealed partial record CaState
{
    // A property, not a field: static initializers of partial files run in no defined order, and Empty needs this.
    private static ImmutableSortedDictionary<string, DateTimeOffset> NoHolders => ImmutableSortedDictionary.Create<string, DateTimeOffset>(StringComparer.Ordinal);

    /// <summary>The generation of the current key: 0 for the first, +1 with each rollover or root key update.</summary>
    public int Generation { get; init; }

    /// <summary>Who holds a certificate from the current key, with its notAfter (the latest per holder).</summary>
    public ImmutableSortedDictionary<string, DateTimeOffset> KeyHolders { get; init; } = NoHolders;

    /// <summary>Earlier keys, oldest first; open ones still publish CRLs.</summary>
    public ImmutableList<PreviousKey> PreviousKeys { get; init; } = [];

    /// <summary>For a root after a key update: the link certificates, OldWithNew and NewWithOld of each update (DER), oldest first.</summary>
    public ImmutableList<byte[]> LinkCertificates { get; init; } = [];

    /// <summary>The instance that serves now: null for the primary, the standby's name after a failover.</summary>
    public string? ActiveInstance { get; init; }

    private CaState Issued(CertificateIssued i)
    {
        var cert = Certificate.FromDer(i.CertificateDer);
        var serial = cert.SerialNumber;
        var holder = i.Subject.Value;
        // An end entity that renews under the current key no longer relies on any previous key. A CA does: its
        // own previous key, certified by ours, stays in service until it closes, so it keeps ours open to expiry.
        var isCa = i.Profile is nameof(Twin.Pki.Authority.CertificateProfile.IssuingCa) or nameof(Twin.Pki.Authority.CertificateProfile.IntermediateCa)
            or nameof(Twin.Pki.Authority.CertificateProfile.CrossCertificate);
        var previous = isCa || PreviousKeys.IsEmpty ? PreviousKeys
            : PreviousKeys.Select(p => p.Holders.ContainsKey(holder) ? p with { Holders = p.Holders.Remove(holder) } : p).ToImmutableList();
        return this with
        {
            Serials = Serials.Append(serial, Generation, cert.NotAfter),
            KeyHolders = KeyHolders.SetItem(holder, cert.NotAfter),
            PreviousKeys = previous,
            CrossIssued = i.Profile == nameof(Twin.Pki.Authority.CertificateProfile.CrossCertificate) ? CrossIssued.SetItem(holder, serial.Hex) : CrossIssued,
        };
    }

    private CaState ApplyLifecycle(ITwinEvent e) => e switch
    {
        CaRolledOver r => Retire() with { CertificateDer = r.CertificateDer, KeyRef = r.KeyRef, IssuerDer = r.IssuerCertificateDer, Generation = r.Generation },
        RootKeyUpdated u => Retire() with
        {
            CertificateDer = u.NewWithNewDer,
            KeyRef = u.KeyRef,
            Generation = u.Generation,
            LinkCertificates = LinkCertificates.Add(u.OldWithNewDer).Add(u.NewWithOldDer),
            Serials = Serials.Append(Certificate.FromDer(u.NewWithNewDer).SerialNumber, null, null).Append(Certificate.FromDer(u.OldWithNewDer).SerialNumber, null, null).Append(Certificate.FromDer(u.NewWithOldDer).SerialNumber, null, null),
        },
        PreviousKeyCrlPublished p => WithPrevious(p.Generation, k => k with { CrlNumber = p.Number }),
        PreviousKeyClosed c => WithPrevious(c.Generation, k => k with { Closed = true }),
        CaFailedOver f => this with { ActiveInstance = f.Instance },
        _ => ApplyTrustCentre(e),
    };

    /// <summary>The previous key that issued <paramref name="serialHex"/>, if any.</summary>
    public PreviousKey? PreviousKeyOf(string serialHex) =>
        Serials.GenerationOf(serialHex) is { } generation && generation != Generation ? PreviousKeys.FirstOrDefault(k => k.Generation == generation) : null;

    /// <summary>Serials (hex) issued on request under the current key, in issuance order.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<string> KeySerials => Serials.IssuedUnder(Generation);

    private CaState Retire() => this with
    {
        PreviousKeys = PreviousKeys.Add(new PreviousKey(Generation, CertificateDer!, KeyRef!, KeyHolders, CrlNumber, Closed: false)),
        KeyHolders = NoHolders,
    };

    private CaState WithPrevious(int generation, Func<PreviousKey, PreviousKey> change) =>
        this with { PreviousKeys = PreviousKeys.Select(k => k.Generation == generation ? change(k) : k).ToImmutableList() };
}

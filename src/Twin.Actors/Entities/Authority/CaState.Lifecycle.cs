using System.Collections.Immutable;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Authority;

/// <summary>A key the CA used before its current one: it issues nothing more, but signs CRLs for what it issued until it is closed.</summary>
/// <param name="Generation">0 for the CA's first key, counting up with each rollover.</param>
/// <param name="CertificateDer">The CA certificate of that key.</param>
/// <param name="KeyRef">Where the key is kept.</param>
/// <param name="Serials">The serials that key issued.</param>
/// <param name="Holders">Who still holds a certificate from this key, with its notAfter; emptied as holders renew under the new key.</param>
/// <param name="CrlNumber">The number of the last CRL that key signed.</param>
/// <param name="Closed">True once nobody holds its certificates: it signs nothing more.</param>
public sealed record PreviousKey(int Generation, byte[] CertificateDer, string KeyRef, ImmutableList<string> Serials, ImmutableSortedDictionary<string, DateTimeOffset> Holders, long CrlNumber, bool Closed);

public sealed partial record CaState
{
    // A property, not a field: static initializers of partial files run in no defined order, and Empty needs this.
    private static ImmutableSortedDictionary<string, DateTimeOffset> NoHolders => ImmutableSortedDictionary.Create<string, DateTimeOffset>(StringComparer.Ordinal);

    /// <summary>The generation of the current key: 0 for the first, +1 with each rollover or root key update.</summary>
    public int Generation { get; init; }

    /// <summary>Serials issued under the current key (<see cref="IssuedSerials"/> spans every key, so no serial is reused).</summary>
    public ImmutableList<string> KeySerials { get; init; } = [];

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
        var holder = i.Subject.Value;
        // An end entity that renews under the current key no longer relies on any previous key. A CA does: its
        // own previous key, certified by ours, stays in service until it closes, so it keeps ours open to expiry.
        var isCa = i.Profile is nameof(Twin.Pki.Authority.CertificateProfile.IssuingCa) or nameof(Twin.Pki.Authority.CertificateProfile.IntermediateCa)
            or nameof(Twin.Pki.Authority.CertificateProfile.CrossCertificate);
        var previous = isCa ? PreviousKeys
            : PreviousKeys.Select(p => p.Holders.ContainsKey(holder) ? p with { Holders = p.Holders.Remove(holder) } : p).ToImmutableList();
        return this with
        {
            IssuedSerials = IssuedSerials.Add(cert.SerialNumber.Hex),
            KeySerials = KeySerials.Add(cert.SerialNumber.Hex),
            KeyHolders = KeyHolders.SetItem(holder, cert.NotAfter),
            PreviousKeys = previous,
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
            IssuedSerials = IssuedSerials.AddRange(new[] { u.NewWithNewDer, u.OldWithNewDer, u.NewWithOldDer }.Select(d => Certificate.FromDer(d).SerialNumber.Hex)),
        },
        PreviousKeyCrlPublished p => WithPrevious(p.Generation, k => k with { CrlNumber = p.Number }),
        PreviousKeyClosed c => WithPrevious(c.Generation, k => k with { Closed = true }),
        CaFailedOver f => this with { ActiveInstance = f.Instance },
        _ => ApplyTrustCentre(e),
    };

    /// <summary>The open previous key that issued <paramref name="serialHex"/>, if any.</summary>
    public PreviousKey? PreviousKeyOf(string serialHex) => PreviousKeys.FirstOrDefault(k => k.Serials.Contains(serialHex, StringComparer.OrdinalIgnoreCase));

    private CaState Retire() => this with
    {
        PreviousKeys = PreviousKeys.Add(new PreviousKey(Generation, CertificateDer!, KeyRef!, KeySerials, KeyHolders, CrlNumber, Closed: false)),
        KeySerials = [],
        KeyHolders = NoHolders,
    };

    private CaState WithPrevious(int generation, Func<PreviousKey, PreviousKey> change) =>
        this with { PreviousKeys = PreviousKeys.Select(k => k.Generation == generation ? change(k) : k).ToImmutableList() };
}

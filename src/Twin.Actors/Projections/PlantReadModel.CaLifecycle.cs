using System.Collections.Immutable;
using Twin.Actors.Model;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;

namespace Twin.Actors.Projections;

/// <summary>A root's link certificate after a key update (RFC 4210 §4.4).</summary>
/// <param name="Kind">OldWithNew (the old key certified by the new) or NewWithOld (the new key certified by the old).</param>
/// <param name="Certificate">The link certificate.</param>
public sealed record LinkCertificateView(string Kind, CertificateView Certificate);

public sealed partial class PlantReadModel
{
    // A CA's key changes: the new certificate becomes current (the old one superseded), a root shows its link certificates.
    private static (ImmutableSortedDictionary<string, EntityView>, ImmutableDictionary<CertificateKey, string>) FoldCaLifecycle(
        ImmutableSortedDictionary<string, EntityView> entities, ImmutableDictionary<CertificateKey, string> holders, ITwinEvent e)
    {
        switch (e)
        {
            case CaRolledOver r:
            {
                var cert = Certificate.FromDer(r.CertificateDer);
                entities = Upsert(entities, r.Entity, EntityKinds.CertificationAuthority, r.At, v => v with
                {
                    Certificates = Supersede(v.Certificates, r.At).Add(CertificateView.Of(cert, r.At)),
                    KeyAlgorithm = cert.PublicKey.Algorithm.ToString(), // a migration changes it
                });
                holders = holders.SetItem(PlantSnapshot.HolderKey(cert.Issuer, cert.SerialNumber.Hex), r.Entity.Value);
                break;
            }
            case RootKeyUpdated u:
            {
                var cert = Certificate.FromDer(u.NewWithNewDer);
                entities = Upsert(entities, u.Entity, EntityKinds.CertificationAuthority, u.At, v => v with
                {
                    Certificates = Supersede(v.Certificates, u.At).Add(CertificateView.Of(cert, u.At)),
                    LinkCertificates = v.LinkCertificates
                        .Add(new LinkCertificateView("OldWithNew", CertificateView.Of(Certificate.FromDer(u.OldWithNewDer), u.At)))
                        .Add(new LinkCertificateView("NewWithOld", CertificateView.Of(Certificate.FromDer(u.NewWithOldDer), u.At))),
                });
                holders = holders.SetItem(PlantSnapshot.HolderKey(cert.Issuer, cert.SerialNumber.Hex), u.Entity.Value);
                break;
            }
            case CaFailedOver f:
                entities = Upsert(entities, f.Entity, EntityKinds.CertificationAuthority, f.At, v => v with { ActiveInstance = f.Instance == "primary" ? null : f.Instance });
                break;
            case PreviousKeyCrlPublished or PreviousKeyClosed or CaCompromised:
                entities = Touch(entities, e.Entity, EntityKinds.CertificationAuthority, e.At);
                break;
        }
        return (entities, holders);
    }
}

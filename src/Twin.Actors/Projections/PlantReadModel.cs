using System.Collections.Immutable;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;

namespace Twin.Actors.Projections;

/// <summary>What the web layer and the API may read about the plant.</summary>
public interface IPlantReadModel
{
    /// <summary>The read model now.</summary>
    PlantSnapshot Current { get; }

    /// <summary>Raised after every applied event, on the projection's thread. Subscribers throttle.</summary>
    event Action<PlantSnapshot>? Changed;
}

/// <summary>How much of the read model a fold keeps.</summary>
public enum ReadModelDetail
{
    /// <summary>Everything the dashboard shows: entities, certificates with their bytes, each entity's history and the recent events.</summary>
    Full,

    /// <summary>Entities and every certificate with its bytes, no event log (an export).</summary>
    Certificates,

    /// <summary>Entities and their certificates, bytes only for each entity's current one, no event log (a run's report).</summary>
    Current,
}

/// <summary>
/// The plant read model, folded from the run's journaled events. The fold is pure
/// (<see cref="Fold(PlantSnapshot, ITwinEvent, long)"/>); this class only swaps snapshots atomically and tells subscribers.
/// </summary>
public sealed partial class PlantReadModel : IPlantReadModel
{
    /// <summary>How many recent events the log keeps.</summary>
    public const int RecentEventCapacity = 500;

    private PlantSnapshot _current = PlantSnapshot.Empty;
    private long _offset;

    /// <inheritdoc />
    public PlantSnapshot Current => Volatile.Read(ref _current);

    /// <inheritdoc />
    public event Action<PlantSnapshot>? Changed;

    /// <summary>
    /// The journal offset of the newest event applied (0 before the first). Compared with the journal's newest offset of
    /// the run (<see cref="Persistence.JournalPosition.HighestOffsetAsync"/>) it tells whether the model has caught up —
    /// after a restart the projection reads the whole run again before it shows the present.
    /// </summary>
    public long AppliedOffset => Volatile.Read(ref _offset);

    /// <summary>Applies one event at journal offset <paramref name="offset"/>. Called by one projection stream only.</summary>
    public void Apply(ITwinEvent e, long offset)
    {
        var next = Fold(Current, e, offset);
        Volatile.Write(ref _current, next);
        Volatile.Write(ref _offset, offset);
        Changed?.Invoke(next);
    }

    /// <summary>The pure fold: the snapshot after <paramref name="e"/>.</summary>
    public static PlantSnapshot Fold(PlantSnapshot s, ITwinEvent e, long offset) => Fold(s, e, offset, ReadModelDetail.Full);

    /// <summary>The pure fold, keeping what <paramref name="detail"/> asks for.</summary>
    public static PlantSnapshot Fold(PlantSnapshot s, ITwinEvent e, long offset, ReadModelDetail detail) => Fold(s, e, offset, detail, null);

    /// <summary>
    /// The fold of a replay read from the journal: what <see cref="ReadModelDetail.Full"/> shows, but each entity's history
    /// and the bytes of the certificates entities install stay in the journal, read back through <paramref name="source"/>
    /// when looked at. <paramref name="number"/> is the event's number in the run, <paramref name="journalOffset"/> its journal offset.
    /// </summary>
    public static PlantSnapshot Fold(PlantSnapshot s, ITwinEvent e, long number, RecordedRunDetail source, long journalOffset)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Fold(s, e, number, ReadModelDetail.Full, (source, journalOffset));
    }

    private static PlantSnapshot Fold(PlantSnapshot s, ITwinEvent e, long offset, ReadModelDetail detail, (RecordedRunDetail Source, long Offset)? recorded)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(e);
        var entities = s.Entities;
        var holders = s.Holders;
        switch (e)
        {
            case RootCaCreated r:
            {
                var cert = Certificate.FromDer(r.CertificateDer);
                entities = entities.SetItem(r.Entity.Value, new EntityView(r.Entity, EntityKinds.CertificationAuthority, cert.PublicKey.Algorithm.ToString(), [CertificateView.Of(cert, r.At)], r.At) { KeyStore = KeyStores.OfKeyRef(r.KeyRef) });
                holders = holders.SetItem(PlantSnapshot.HolderKey(cert.Issuer, cert.SerialNumber.Hex), r.Entity.Value);
                break;
            }
            case SubordinateCaCertified sc:
            {
                var cert = Certificate.FromDer(sc.CertificateDer);
                entities = Upsert(entities, sc.Entity, EntityKinds.CertificationAuthority, sc.At, v => v with
                {
                    KeyAlgorithm = cert.PublicKey.Algorithm.ToString(),
                    KeyStore = KeyStores.OfKeyRef(sc.KeyRef),
                    Certificates = Supersede(v.Certificates, sc.At).Add(CertificateView.Of(cert, sc.At)),
                });
                holders = holders.SetItem(PlantSnapshot.HolderKey(cert.Issuer, cert.SerialNumber.Hex), sc.Entity.Value);
                break;
            }
            case CertificateRevoked v:
            {
                entities = Touch(entities, v.Entity, EntityKinds.CertificationAuthority, v.At);
                var issuer = entities.TryGetValue(v.Entity.Value, out var ca) && ca.Certificates.Count > 0 ? ca.Certificates[^1].Subject : "";
                if (holders.TryGetValue(PlantSnapshot.HolderKey(issuer, v.Serial), out var holder) && entities.TryGetValue(holder, out var held))
                {
                    var index = held.Certificates.FindIndex(c => c.SerialHex == v.Serial && c.Issuer == issuer);
                    entities = entities.SetItem(holder, held with { Certificates = held.Certificates.SetItem(index, held.Certificates[index] with { Revocation = (v.At, v.Reason) }) });
                }
                break;
            }
            case CrlPublished p:
            {
                var crl = CertificateRevocationList.FromDer(p.CrlDer);
                entities = Upsert(entities, p.Entity, EntityKinds.CertificationAuthority, p.At, v => v with
                {
                    Crl = new CrlView(p.Number, crl.ThisUpdate, crl.NextUpdate, crl.Entries.Count, [.. p.CrlDer]),
                });
                break;
            }
            case CaReachabilityChanged r:
                entities = Upsert(entities, r.Entity, EntityKinds.CertificationAuthority, r.At, v => v with { Reachable = r.Reachable });
                break;
            case CertificateIssued or IssuanceRefused or CrlLapsed:
                entities = Touch(entities, e.Entity, EntityKinds.CertificationAuthority, e.At);
                break;
            case DeviceKeyGenerated k:
                entities = Upsert(entities, k.Entity, EntityKinds.Device, k.At, v => v with { KeyAlgorithm = k.Algorithm, KeyStore = KeyStores.Of(k.KeyStore) });
                break;
            case ConnectionAttempted a:
                entities = Upsert(entities, a.Entity, EntityKinds.Pol, a.At, v => v with
                {
                    Kind = EntityKinds.Pol,
                    Connections = v.Connections.SetItem(a.Target.Value, new ConnectionView(a.Target, a.EndpointUrl, a.StatusCode, a.Status, a.At, a.Reason)),
                });
                break;
            case RegistrarCertified rc:
            {
                (entities, holders) = Install(entities, holders, rc.Entity, EntityKinds.Registrar, rc.At, rc.CertificateDer, withKeyAlgorithm: true, recorded);
                entities = entities.SetItem(rc.Entity.Value, entities[rc.Entity.Value] with { KeyStore = KeyStores.OfKeyRef(rc.KeyRef) });
                break;
            }
            case RegistrarDecided or EnrollmentSecretIssued or ConfirmationAwaited:
                entities = Touch(entities, e.Entity, EntityKinds.Registrar, e.At);
                break;
            case DomainCertificateEnrolled de:
            {
                // A certificate enrolled from outside: its holder becomes an entity of the twin.
                entities = Touch(entities, de.Entity, EntityKinds.Registrar, de.At);
                (entities, holders) = Install(entities, holders, de.Holder, EntityKinds.Device, de.At, de.CertificateDer, withKeyAlgorithm: true, recorded);
                break;
            }
            case DeviceDecommissioned d:
                entities = Upsert(entities, d.Entity, EntityKinds.Device, d.At, v => v with { DecommissionedAt = d.At });
                break;
            case DeviceEnrollmentRequested or DeviceCmpRequested or DeviceCmpRefused:
                entities = Touch(entities, e.Entity, EntityKinds.Device, e.At);
                break;
            case ExternalCertificateEnrolled x:
            {
                (entities, holders) = Install(entities, holders, x.Entity, EntityKinds.Device, x.At, x.CertificateDer, withKeyAlgorithm: true, recorded);
                entities = entities.SetItem(x.Entity.Value, entities[x.Entity.Value] with { KeyStore = KeyStores.Outside });
                break;
            }
            case DeviceCertificateInstalled c:
            {
                (entities, holders) = Install(entities, holders, c.Entity, EntityKinds.Device, c.At, c.CertificateDer, withKeyAlgorithm: false, recorded);
                break;
            }
            default:
                (entities, holders) = IsManufacturing(e) ? FoldManufacturing(entities, holders, e) : IsService(e) ? (FoldServices(entities, e), holders) : FoldCaLifecycle(entities, holders, e);
                break;
        }
        if (detail != ReadModelDetail.Full)
        {
            // Nobody reads the event log here: no text is made for it. Superseded certificates give up their bytes when only the current ones are read.
            if (detail == ReadModelDetail.Current && entities.TryGetValue(e.Entity.Value, out var holder) && holder.Certificates.Count >= 2 && !holder.Certificates[^2].Der.IsEmpty)
                entities = entities.SetItem(e.Entity.Value, holder with { Certificates = holder.Certificates.SetItem(holder.Certificates.Count - 2, holder.Certificates[^2] with { Der = [] }) });
            return new PlantSnapshot(s.Version + 1, entities, s.RecentEvents) { Holders = holders, Authorities = Authorities(s.Authorities, entities, e), Ended = e is RunStopped ended ? ended.At : s.Ended };
        }
        var view = EventText.Describe(e, offset);
        if (entities.TryGetValue(e.Entity.Value, out var owner))
        {
            // The entity's own id string, not the event's copy: a history holds up to 200 views per entity.
            view = view with { Entity = owner.Id };
            if (recorded is { } r)
            {
                // The history is the entity's events up to this one: read back from the journal when it is looked at.
                entities = entities.SetItem(e.Entity.Value, owner with { RecordedHistory = (r.Source, offset) });
            }
            else
            {
                var history = owner.History.Add(view);
                if (history.Count > EntityView.HistoryCapacity) history = history.RemoveAt(0);
                entities = entities.SetItem(e.Entity.Value, owner with { History = history });
            }
        }
        var events = s.RecentEvents.Add(view);
        if (events.Count > RecentEventCapacity) events = events.RemoveRange(0, events.Count - RecentEventCapacity);
        return new PlantSnapshot(s.Version + 1, entities, events) { Holders = holders, Authorities = Authorities(s.Authorities, entities, e), Ended = e is RunStopped stopped ? stopped.At : s.Ended };
    }

    // An event changes at most its own entity's kind (the fold upserts the event's entity; a revocation edits another's
    // certificate, not its kind): only that entity can join or leave the authorities.
    private static ImmutableSortedSet<string> Authorities(ImmutableSortedSet<string> authorities, ImmutableSortedDictionary<string, EntityView> entities, ITwinEvent e)
    {
        var id = e.Entity.Value;
        return entities.TryGetValue(id, out var view) && view.Kind == EntityKinds.CertificationAuthority ? authorities.Add(id) : authorities.Remove(id);
    }

    private static ImmutableList<CertificateView> Supersede(ImmutableList<CertificateView> certificates, SimInstant at) =>
        certificates.IsEmpty || certificates[^1].SupersededAt is not null
            ? certificates
            : certificates.SetItem(certificates.Count - 1, certificates[^1] with { SupersededAt = at });

    // A holder installs a certificate: the previous one is superseded, and the certificate is found by issuer and serial.
    private static (ImmutableSortedDictionary<string, EntityView>, ImmutableDictionary<CertificateKey, string>) Install(
        ImmutableSortedDictionary<string, EntityView> entities, ImmutableDictionary<CertificateKey, string> holders,
        EntityId holder, string kind, SimInstant at, byte[] der, bool withKeyAlgorithm, (RecordedRunDetail Source, long Offset)? recorded = null)
    {
        var cert = Certificate.FromDer(der);
        // In a replay read from the journal the bytes stay in the event that installed the certificate.
        var installed = recorded is { } r ? CertificateView.Of(cert, at) with { Der = default, RecordedAt = r } : CertificateView.Of(cert, at);
        CertificateView? shared = null;
        entities = Upsert(entities, holder, kind, at, v => v with
        {
            KeyAlgorithm = withKeyAlgorithm ? cert.PublicKey.Algorithm.ToString() : v.KeyAlgorithm,
            Certificates = Supersede(v.Certificates, at).Add(shared = SharingNames(installed, v.Current)),
        });
        // The entity's own id string, not the event's copy: one per entity rather than one per certificate; the key holds
        // the view's own issuer and serial strings.
        return (entities, holders.SetItem(KeyOf(shared!), entities[holder.Value].Id.Value));
    }

    /// <summary>The holder index's key of a certificate's view, made of the view's own strings.</summary>
    private static CertificateKey KeyOf(CertificateView view) => PlantSnapshot.HolderKey(view.Issuer, view.SerialHex);

    // A renewal names the same subject and issuer as the certificate it replaces: the new view shares those strings with
    // the old one instead of holding its own parsed copies. A ten-year run of 10,000 devices holds 421,399 certificate
    // views in every read model of it (export, report, replay); that is two strings fewer for nearly each of them.
    private static CertificateView SharingNames(CertificateView view, CertificateView? previous)
    {
        if (previous is null) return view;
        var subject = string.Equals(previous.Subject, view.Subject, StringComparison.Ordinal) ? previous.Subject : view.Subject;
        var issuer = string.Equals(previous.Issuer, view.Issuer, StringComparison.Ordinal) ? previous.Issuer : view.Issuer;
        return ReferenceEquals(subject, view.Subject) && ReferenceEquals(issuer, view.Issuer) ? view : view with { Subject = subject, Issuer = issuer };
    }

    private static ImmutableSortedDictionary<string, EntityView> Touch(ImmutableSortedDictionary<string, EntityView> entities, EntityId id, string kind, SimInstant at) =>
        Upsert(entities, id, kind, at, v => v);

    private static ImmutableSortedDictionary<string, EntityView> Upsert(ImmutableSortedDictionary<string, EntityView> entities, EntityId id, string kind, SimInstant at, Func<EntityView, EntityView> change)
    {
        var view = entities.TryGetValue(id.Value, out var existing) ? existing : new EntityView(id, kind, null, [], at);
        return entities.SetItem(id.Value, change(view) with { LastChange = at });
    }
}

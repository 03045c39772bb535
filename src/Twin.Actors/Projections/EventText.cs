using System.Collections.Frozen;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Serialization;
using Twin.Pki.Certificates;

namespace Twin.Actors.Projections;

/// <summary>How an event reads in the event log, the API and reports: its kind (the manifest without version) and one line of text.</summary>
public static class EventText
{
    /// <summary>The view of <paramref name="e"/>, journaled at <paramref name="offset"/>.</summary>
    public static EventView Describe(ITwinEvent e, long offset)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new EventView(offset, e.At, e.Entity, KindOf(e), Summary(e));
    }

    private static string KeyStoreName(string keyRef) => Twin.Actors.Keys.KeyRefs.Text(Twin.Actors.Keys.KeyRefs.KindOf(keyRef));

    private static string Verdict(bool granted) => granted ? "granted" : "refused";

    private static string Summary(ITwinEvent e) => e switch
    {
        RootCaCreated r => Certificate.FromDer(r.CertificateDer) is var c
            ? $"root CA created: {c.Subject}, serial {c.SerialNumber}, valid to {c.NotAfter:yyyy-MM-dd}" : "",
        CertificateIssued i => Certificate.FromDer(i.CertificateDer) is var c
            ? $"issued {i.Profile} certificate {c.SerialNumber} to {i.Subject}, valid to {c.NotAfter:yyyy-MM-dd HH:mm}" : "",
        IssuanceRefused f => $"refused a request from {f.Requester}: {f.Reason}",
        SubordinateCaCertified sc => Certificate.FromDer(sc.CertificateDer) is var c
            ? $"certified by {sc.Parent}: {c.Subject}, serial {c.SerialNumber}, valid to {c.NotAfter:yyyy-MM-dd}" : "",
        CaReachabilityChanged r => r.Reachable ? $"reachable again (by {r.Requester})" : $"unreachable: no issuance, revocation or CRLs (by {r.Requester})",
        CrlLapsed l => $"CRL {l.Number} passed its nextUpdate with no successor: revocation status of its certificates is now unknown",
        ConnectionAttempted a => a.StatusCode == 0
            ? $"secure OPC UA session with {a.Target} ({a.EndpointUrl})"
            : $"refused by or unable to reach {a.Target}: {a.Status} — {a.Reason}",
        TimelineStepApplied t => $"timeline step {t.Step + 1}: {t.Action} {t.Target}",
        TimelineStepAttempted t => $"timeline step {t.Step + 1}: attempted, every party journaled what it saw",
        RunStopped r => $"the run was ended by {r.By}: every entity stopped",
        CertificateRevoked v => $"revoked certificate {v.Serial} ({v.Reason}) at the request of {v.Requester}",
        CrlPublished p => Twin.Pki.Revocation.CertificateRevocationList.FromDer(p.CrlDer) is var crl
            ? $"published CRL {p.Number} with {crl.Entries.Count} entries, next update {crl.NextUpdate:yyyy-MM-dd HH:mm}" : "",
        DeviceKeyGenerated k => $"generated a {k.Algorithm} key on the device",
        KeyDestroyed d => $"destroyed key {d.KeyRef} in its {KeyStoreName(d.KeyRef)} key store: {d.Reason}",
        DeviceEnrollmentRequested q => $"sent a PKCS#10 request to {q.Ca} ({q.Reason})",
        DeviceCmpRequested q => $"sent a CMP {q.Body} to the registrar of domain {q.Domain}",
        DeviceCmpRefused r => $"the registrar of domain {r.Domain} did not grant its CMP request: {r.Reason}",
        DeviceDecommissioned d => $"decommissioned at the request of {d.Requester}: {d.DestroyedKeyRefs.Count} key(s) destroyed{(d.RevokedSerial is null ? "" : $", certificate {d.RevokedSerial} sent for revocation (cessationOfOperation)")}",
        DeviceCertificateInstalled d => Certificate.FromDer(d.CertificateDer) is var c
            ? $"installed certificate {c.SerialNumber}, valid to {c.NotAfter:yyyy-MM-dd HH:mm}" : "",
        ExternalCertificateEnrolled x => Certificate.FromDer(x.CertificateDer) is var c
            ? $"enrolled over {x.Protocol} {x.Operation} as {x.Client}: {x.Ca} issued {c.SerialNumber}, valid to {c.NotAfter:yyyy-MM-dd HH:mm}" : "",
        EnrollmentDecided d => $"{Verdict(d.Granted)} {d.Protocol} {d.Operation} from {d.Client}: {d.Reason}",
        ServerKeyDestroyed k => $"destroyed the server-generated key of certificate {k.Serial} after delivery",
        RegistrarCertified rc => $"registrar of domain {rc.Domain} holds its CMP protection certificate {Certificate.FromDer(rc.CertificateDer).SerialNumber}",
        EnrollmentSecretIssued s => $"handed out one-time reference {s.Reference} to {s.Requester}",
        RegistrarDecided d => $"{d.Verdict} {d.What} from {d.Who}{(d.Failure is null ? "" : $" ({d.Failure})")}: {d.Reason}",
        ConfirmationAwaited w => $"awaits certConf for certificate {Certificate.FromDer(w.CertificateDer).SerialNumber} in transaction {w.Transaction} ({w.Who})",
        DomainCertificateEnrolled de => Certificate.FromDer(de.CertificateDer) is var c
            ? $"{de.Holder} enrolled in domain {de.Domain} by {de.Via}: certificate {c.SerialNumber}, valid to {c.NotAfter:yyyy-MM-dd HH:mm}" : "",
        _ => CaLifecycleText.Describe(e) ?? ManufacturingText.Describe(e) ?? ServiceText.Describe(e) ?? AttackText.Describe(e) ?? e.GetType().Name,
    };

    // One string per kind, made once: every view of an event holds its kind, and a replay's histories hold millions of views.
    private static readonly FrozenDictionary<Type, string> Kinds = TwinSerializer.Manifests
        .ToFrozenDictionary(m => m.Key, m => m.Value.LastIndexOf(".v", StringComparison.Ordinal) is var v and >= 0 ? m.Value[..v] : m.Value);

    private static string KindOf(ITwinEvent e) => Kinds.TryGetValue(e.GetType(), out var kind) ? kind : e.GetType().Name;
}

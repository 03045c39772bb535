using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;

namespace Twin.Actors.Projections;

/// <summary>One-line descriptions of a CA's key changes, for the timeline and entity histories.</summary>
internal static class CaLifecycleText
{
    public static string? Describe(ITwinEvent e) => e switch
    {
        CaRolledOver r => Certificate.FromDer(r.CertificateDer) is var c
            ? $"{r.Cause}: key generation {r.Generation} certified, serial {c.SerialNumber}, valid to {c.NotAfter:yyyy-MM-dd}; the previous key only signs CRLs now" : null,
        PreviousKeyCrlPublished p => $"previous key {p.Generation} published CRL {p.Number}",
        PreviousKeyClosed c => $"previous key {c.Generation} closed: none of its certificates is in service any more",
        RootKeyUpdated u => Certificate.FromDer(u.NewWithNewDer) is var c
            ? $"root key update: new root serial {c.SerialNumber}, valid to {c.NotAfter:yyyy-MM-dd}, with link certificates OldWithNew and NewWithOld" : null,
        CaCompromised x => $"key compromised: certificate {x.RevokedSerial} revoked by the parent (cACompromise); {x.Affected.Count} entities re-enroll at {x.ReenrollAt}",
        CaFailedOver f => $"instance {f.Instance} serves issuance and CRLs now (by {f.Requester})",
        _ => TrustCentreText.Describe(e),
    };
}

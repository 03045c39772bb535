using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;

namespace Twin.Actors.Projections;

/// <summary>One-line descriptions of cross-border trust (cross-certificates and signed trust-centre lists), trust-list pulls, retention and gateway credentials.</summary>
internal static class TrustCentreText
{
    public static string? Describe(ITwinEvent e) => e switch
    {
        CaCrossCertified c => Certificate.FromDer(c.CrossCertificateDer) is var x
            ? $"cross-certified by trust centre {c.TrustCentre}: serial {x.SerialNumber}, valid to {x.NotAfter:yyyy-MM-dd}" : null,
        TrustCentrePartnerChanged p => p.Joined ? $"partner {p.Partner} joined (by {p.Requester})" : $"partner {p.Partner} left (by {p.Requester})",
        TrustCentreListPublished l => $"signed trust list {l.Sequence} ({l.Reason}), current until {l.NextUpdate}: {(l.Listed.Count == 0 ? "no CA" : string.Join(", ", l.Listed))}",
        DeviceTrustCentreListFetched f => f.Problem is { } problem
            ? $"refused trust centre {f.TrustCentre}'s list: {problem}"
            : $"fetched trust centre {f.TrustCentre}'s list {f.Sequence}: anchors {(f.Anchors.Count == 0 ? "none" : string.Join(", ", f.Anchors))}",
        DeviceTrustListPulled t => $"pulled the trust list: {string.Join(", ", t.Crls)}",
        CertificateRecordsPurged r => $"purged {r.Serials.Count} records of expired certificates ({r.RevocationEntriesDropped} left the CRL)",
        GatewayDomainRequested g => $"sent a CMP {g.Body} to the registrar of domain {g.Domain} (gateway credential)",
        GatewayDomainRefused g => $"the registrar of domain {g.Domain} did not grant its gateway request: {g.Reason}",
        GatewayCredentialInstalled g => Certificate.FromDer(g.CertificateDer) is var x
            ? $"installed its LDevID in domain {g.Domain}: certificate {x.SerialNumber}, valid to {x.NotAfter:yyyy-MM-dd HH:mm}" : null,
        _ => null,
    };
}

using System.Collections.Immutable;
using Twin.Actors.Clock;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;

namespace Twin.Actors.Entities.Registrar;

/// <summary>One application the GDS registered: its latest registration, the certificates delivered to it (oldest first, at most <see cref="RegistrarState.GdsIssuedKept"/>) and those revoked.</summary>
public sealed record GdsApplicationState(RegistrarGdsApplicationRegistered Registration, ImmutableList<byte[]> Issued, ImmutableList<byte[]> Revoked);

/// <summary>A signing request the GDS forwarded: its digest (SHA-256 of the DER, hex) and when.</summary>
public sealed record GdsRequestSeen(string Digest, SimInstant At);

public sealed partial record RegistrarState
{
    /// <summary>Delivered certificates kept per application (RevokeCertificate accepts only these): a long run's state stays bounded.</summary>
    public const int GdsIssuedKept = 8;

    private RegistrarState ApplyGds(ITwinEvent e)
    {
        var apps = GdsApplications ?? ImmutableDictionary<string, GdsApplicationState>.Empty;
        switch (e)
        {
            case RegistrarGdsApplicationRegistered r:
                var generations = GdsGenerations ?? ImmutableDictionary<string, int>.Empty;
                return this with
                {
                    GdsApplications = apps.SetItem(r.ApplicationId, apps.TryGetValue(r.ApplicationId, out var known) ? known with { Registration = r } : new GdsApplicationState(r, [], [])),
                    GdsGenerations = generations.SetItem(r.ApplicationUri, Math.Max(r.Generation, generations.GetValueOrDefault(r.ApplicationUri))),
                };
            case RegistrarGdsApplicationUnregistered u:
                return this with { GdsApplications = apps.Remove(u.ApplicationId) };
            case RegistrarGdsCertificateDelivered d when apps.TryGetValue(d.ApplicationId, out var app):
                var issued = app.Issued.Add(d.CertificateDer);
                return this with { GdsApplications = apps.SetItem(d.ApplicationId, app with { Issued = issued.Count > GdsIssuedKept ? issued.RemoveAt(0) : issued }) };
            case RegistrarGdsCertificateRevoked v when apps.TryGetValue(v.ApplicationId, out var app):
                var revoked = app.Revoked.Add(v.CertificateDer);
                return this with { GdsApplications = apps.SetItem(v.ApplicationId, app with { Revoked = revoked.Count > GdsIssuedKept ? revoked.RemoveAt(0) : revoked }) };
            case RegistrarGdsSigningRequested s:
                return this with { GdsRequests = (GdsRequests ?? ImmutableDictionary<string, GdsRequestSeen>.Empty).SetItem(s.ApplicationUri, new GdsRequestSeen(s.RequestDigest, s.At)) };
            default:
                return this;
        }
    }
}

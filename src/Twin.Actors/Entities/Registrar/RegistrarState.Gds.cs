using System.Collections.Immutable;
using Twin.Actors.Clock;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;

namespace Twin.Actors.Entities.Registrar;

/// <summary>
/// One application the GDS registered: its latest registration and the certificate last delivered to it, unless that was revoked
/// (null then). Older certificates are not kept here: whether one was issued to the application is the domain CA's record, so the
/// state stays one certificate per application however long the run.
/// </summary>
public sealed record GdsApplicationState(RegistrarGdsApplicationRegistered Registration, byte[]? Current);

/// <summary>A signing request the GDS forwarded: its digest (SHA-256 of the DER, hex) and when.</summary>
public sealed record GdsRequestSeen(string Digest, SimInstant At);

public sealed partial record RegistrarState
{
    private RegistrarState ApplyGds(ITwinEvent e)
    {
        var apps = GdsApplications ?? ImmutableDictionary<string, GdsApplicationState>.Empty;
        switch (e)
        {
            case RegistrarGdsApplicationRegistered r:
                var generations = GdsGenerations ?? ImmutableDictionary<string, int>.Empty;
                return this with
                {
                    GdsApplications = apps.SetItem(r.ApplicationId, apps.TryGetValue(r.ApplicationId, out var known) ? known with { Registration = r } : new GdsApplicationState(r, null)),
                    GdsGenerations = generations.SetItem(r.ApplicationUri, Math.Max(r.Generation, generations.GetValueOrDefault(r.ApplicationUri))),
                };
            case RegistrarGdsApplicationUnregistered u:
                return this with { GdsApplications = apps.Remove(u.ApplicationId) };
            case RegistrarGdsCertificateDelivered d when apps.TryGetValue(d.ApplicationId, out var app):
                return this with { GdsApplications = apps.SetItem(d.ApplicationId, app with { Current = d.CertificateDer }) };
            // Journals written before only the current certificate's revocation was recorded may name an older one: it changes nothing.
            case RegistrarGdsCertificateRevoked v when apps.TryGetValue(v.ApplicationId, out var app) && app.Current is { } current && current.AsSpan().SequenceEqual(v.CertificateDer):
                return this with { GdsApplications = apps.SetItem(v.ApplicationId, app with { Current = null }) };
            case RegistrarGdsSigningRequested s:
                return this with { GdsRequests = (GdsRequests ?? ImmutableDictionary<string, GdsRequestSeen>.Empty).SetItem(s.ApplicationUri, new GdsRequestSeen(s.RequestDigest, s.At)) };
            default:
                return this;
        }
    }
}

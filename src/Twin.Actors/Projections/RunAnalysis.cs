using Twin.Actors.Clock;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;

namespace Twin.Actors.Projections;

/// <summary>A compromise (a revoke step on the timeline) and how long its certificate was still accepted.</summary>
/// <param name="Target">The compromised entity.</param>
/// <param name="CompromisedAt">The instant of the step.</param>
/// <param name="RefusedAt">The POL's first refusal of the target at or after that instant; null: never (or the target is no PEA).</param>
/// <param name="Window">From the compromise to the refusal or to the compromised certificate's expiry, whichever came first, or to the end of the run when neither did.</param>
/// <param name="Measured">False when the target is not a PEA the POL connects to: nothing relies on it over OPC UA.</param>
/// <param name="BlastRadius">How many entities held, at the compromise, a certificate that chains to the compromised key (the target included).</param>
public sealed record ExposureWindow(string Target, SimInstant CompromisedAt, SimInstant? RefusedAt, TimeSpan Window, bool Measured, int BlastRadius)
{
    /// <summary>When the certificate the target held at the compromise expired, if within the run: no relying party accepts it after that, CRL or not.</summary>
    public SimInstant? ExpiredAt { get; init; }

    /// <summary>When the exposure ended — the first refusal or the expiry, whichever came first; null while it lasts.</summary>
    public SimInstant? EndedAt => RefusedAt is { } r && (ExpiredAt is not { } x || r <= x) ? r : ExpiredAt;
}

/// <summary>An entity whose certificate expired before its successor was installed.</summary>
public sealed record ExpiryGap(string Entity, SimInstant ExpiredAt, SimInstant? ReplacedAt, TimeSpan Duration);

/// <summary>Pure analyses of a run's events that both the metrics and the expectations use.</summary>
public static class RunAnalysis
{
    /// <summary>Events in simulated-time order (journal order within an instant).</summary>
    public static IReadOnlyList<ITwinEvent> Ordered(IEnumerable<ITwinEvent> events) =>
        events.Select((e, i) => (e, i)).OrderBy(x => x.e.At).ThenBy(x => x.i).Select(x => x.e).ToList();

    /// <summary>Every POL attempt, in time order.</summary>
    public static IReadOnlyList<ConnectionAttempted> Attempts(IReadOnlyList<ITwinEvent> ordered) => ordered.OfType<ConnectionAttempted>().ToList();

    /// <summary>Exposure window and blast radius of every revoke step.</summary>
    public static IReadOnlyList<ExposureWindow> Exposures(IReadOnlyList<ITwinEvent> ordered, SimInstant end)
    {
        var attempts = Attempts(ordered);
        var probed = attempts.Select(a => a.Target.Value).ToHashSet(StringComparer.Ordinal);
        var result = new List<ExposureWindow>();
        foreach (var step in ordered.OfType<TimelineStepApplied>().Where(s => s.Action == "revoke"))
        {
            var target = step.Target.Value;
            var refusal = attempts.FirstOrDefault(a => a.Target.Value == target && a.At >= step.At && a.StatusCode != 0);
            // A short-lived certificate is never refused as revoked: its expiry is what ends the exposure.
            var expiry = CertificateAt(ordered, target, step.At) is { } held && new SimInstant(held.NotAfter) is var notAfter && notAfter <= end ? notAfter : (SimInstant?)null;
            var exposure = new ExposureWindow(target, step.At, refusal?.At, TimeSpan.Zero, probed.Contains(target), BlastRadius(ordered, target, step.At)) { ExpiredAt = expiry };
            var window = (exposure.EndedAt ?? end) - step.At;
            result.Add(exposure with { Window = window < TimeSpan.Zero ? TimeSpan.Zero : window });
        }
        return result;
    }

    /// <summary>The certificate <paramref name="entity"/> had installed at <paramref name="at"/>, if any.</summary>
    public static Certificate? CertificateAt(IReadOnlyList<ITwinEvent> ordered, string entity, SimInstant at)
    {
        byte[]? der = null;
        foreach (var e in ordered)
        {
            if (e.At > at) break;
            if (e is DeviceCertificateInstalled d && d.Entity.Value == entity) der = d.CertificateDer;
        }
        return der is null ? null : Certificate.FromDer(der);
    }

    /// <summary>Entities whose certificate at <paramref name="at"/> chains to <paramref name="compromised"/>'s current certificate (itself included).</summary>
    public static int BlastRadius(IReadOnlyList<ITwinEvent> ordered, string compromised, SimInstant at)
    {
        var current = new Dictionary<string, (string Subject, string Issuer)>(StringComparer.Ordinal);
        foreach (var e in ordered)
        {
            if (e.At > at) break;
            var der = e switch
            {
                RootCaCreated r => r.CertificateDer,
                SubordinateCaCertified s => s.CertificateDer,
                DeviceCertificateInstalled d => d.CertificateDer,
                _ => null,
            };
            if (der is null) continue;
            var cert = Certificate.FromDer(der);
            current[e.Entity.Value] = (cert.Subject, cert.Issuer);
        }
        if (!current.TryGetValue(compromised, out var key)) return 0;
        var issuerOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (subject, issuer) in current.Values) issuerOf.TryAdd(subject, issuer);
        var count = 0;
        foreach (var (subject, issuer) in current.Values)
        {
            // Walk up the issuer chain (bounded: a chain longer than the plant is a loop).
            var name = subject;
            var next = issuer;
            for (var depth = 0; depth <= current.Count; depth++)
            {
                if (name == key.Subject) { count++; break; }
                if (next == name || !issuerOf.TryGetValue(next, out var up)) break;
                name = next;
                next = up;
            }
        }
        return count;
    }

    /// <summary>Certificates of devices, PEAs and the POL that expired before a successor was installed (up to <paramref name="end"/>).</summary>
    public static IReadOnlyList<ExpiryGap> ExpiryGaps(IReadOnlyList<ITwinEvent> ordered, SimInstant end)
    {
        var last = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var gaps = new List<ExpiryGap>();
        foreach (var install in ordered.OfType<DeviceCertificateInstalled>())
        {
            var notAfter = Certificate.FromDer(install.CertificateDer).NotAfter;
            if (last.TryGetValue(install.Entity.Value, out var previous) && install.At.Utc > previous)
                gaps.Add(new ExpiryGap(install.Entity.Value, new SimInstant(previous), install.At, install.At.Utc - previous));
            last[install.Entity.Value] = notAfter;
        }
        foreach (var (entity, notAfter) in last.OrderBy(l => l.Key, StringComparer.Ordinal))
            if (end.Utc > notAfter) gaps.Add(new ExpiryGap(entity, new SimInstant(notAfter), null, end.Utc - notAfter));
        return gaps.OrderBy(g => g.ExpiredAt).ToList();
    }
}

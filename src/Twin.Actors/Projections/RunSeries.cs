using Twin.Actors.Clock;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;

namespace Twin.Actors.Projections;

/// <summary>The plant at the end of one interval of simulated time.</summary>
/// <param name="At">The end of the interval.</param>
/// <param name="Valid">Certificates in use that are valid and not close to expiry.</param>
/// <param name="Expiring">Certificates in use with less than the expiring share of their lifetime left.</param>
/// <param name="Expired">Certificates in use past their notAfter.</param>
/// <param name="Revoked">Certificates in use that their CA revoked.</param>
/// <param name="Issued">Certificates the CAs issued during the interval.</param>
/// <param name="Availability">Share of POL–PEA attempts in the interval that established a secure session (null: no attempt).</param>
/// <param name="OutageMinutesByCause">Cumulative outage minutes of all links, by the status code that opened each outage.</param>
/// <param name="CrlEntries">Entries on all CAs' current CRLs together.</param>
public sealed record SeriesPoint(SimInstant At, int Valid, int Expiring, int Expired, int Revoked, int Issued, double? Availability,
    IReadOnlyDictionary<string, double> OutageMinutesByCause, int CrlEntries);

/// <summary>A run's metrics over simulated time, interval by interval.</summary>
public sealed record RunSeriesResult(IReadOnlyList<SeriesPoint> Points, IReadOnlyList<string> Causes);

/// <summary>
/// Folds a run's events into a time series (what the metrics page charts), next to <see cref="RunMetrics"/>
/// which folds the same journal into end-of-run totals. Pure.
/// </summary>
public static class RunSeries
{
    /// <summary>Share of its lifetime below which a certificate counts as expiring soon.</summary>
    public const double ExpiringShare = 0.1;

    /// <summary>Splits [<paramref name="from"/>, <paramref name="to"/>] into <paramref name="intervals"/> equal intervals and folds <paramref name="events"/> into one point per interval.</summary>
    public static RunSeriesResult Fold(IEnumerable<ITwinEvent> events, SimInstant from, SimInstant to, int intervals)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfLessThan(intervals, 1);
        if (to < from) (from, to) = (to, from);
        var step = (to - from) / intervals;
        var ordered = events.OrderBy(e => e.At).ToList();
        var state = new State();
        var points = new List<SeriesPoint>(intervals);
        var index = 0;
        for (var i = 1; i <= intervals; i++)
        {
            var end = i == intervals ? to : from.Add(step * i);
            int attempts = 0, good = 0, issued = 0;
            while (index < ordered.Count && ordered[index].At <= end)
            {
                var e = ordered[index++];
                if (e is ConnectionAttempted a) { attempts++; if (a.StatusCode == 0) good++; }
                if (e is CertificateIssued or SubordinateCaCertified) issued++;
                state.Apply(e);
            }
            points.Add(state.PointAt(end, issued, attempts == 0 ? null : 100.0 * good / attempts));
        }
        return new RunSeriesResult(points, state.Causes.Order(StringComparer.Ordinal).ToList());
    }

    private sealed class State
    {
        private readonly Dictionary<string, (string Issuer, string Serial, DateTimeOffset NotBefore, DateTimeOffset NotAfter)> _current = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _caSubjects = new(StringComparer.Ordinal);
        private readonly HashSet<string> _revoked = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _crlEntries = new(StringComparer.Ordinal);
        private readonly Dictionary<(string, string), (SimInstant Since, string Cause)> _down = [];
        private readonly Dictionary<string, double> _closedOutage = new(StringComparer.Ordinal);

        public HashSet<string> Causes { get; } = new(StringComparer.Ordinal);

        public void Apply(ITwinEvent e)
        {
            switch (e)
            {
                case RootCaCreated r: Hold(r.Entity.Value, r.CertificateDer, isCa: true); break;
                case SubordinateCaCertified s: Hold(s.Entity.Value, s.CertificateDer, isCa: true); break;
                case DeviceCertificateInstalled d: Hold(d.Entity.Value, d.CertificateDer, isCa: false); break;
                case CertificateRevoked v when _caSubjects.TryGetValue(v.Entity.Value, out var issuer):
                    _revoked.Add(issuer + "|" + v.Serial.ToLowerInvariant());
                    break;
                case CrlPublished p: _crlEntries[p.Entity.Value] = CertificateRevocationList.FromDer(p.CrlDer).Entries.Count; break;
                case ConnectionAttempted a:
                {
                    var key = (a.Entity.Value, a.Target.Value);
                    if (a.StatusCode == 0)
                    {
                        if (_down.Remove(key, out var d)) Close(d.Cause, (a.At - d.Since).TotalMinutes);
                    }
                    else if (!_down.ContainsKey(key))
                    {
                        _down[key] = (a.At, a.Status);
                        Causes.Add(a.Status);
                    }
                    break;
                }
            }
        }

        public SeriesPoint PointAt(SimInstant at, int issued, double? availability)
        {
            int valid = 0, expiring = 0, expired = 0, revoked = 0;
            foreach (var c in _current.Values)
            {
                if (_revoked.Contains(c.Issuer + "|" + c.Serial)) revoked++;
                else if (at.Utc > c.NotAfter) expired++;
                else if ((c.NotAfter - at.Utc).Ticks < (c.NotAfter - c.NotBefore).Ticks * ExpiringShare) expiring++;
                else valid++;
            }
            var outage = new Dictionary<string, double>(_closedOutage, StringComparer.Ordinal);
            foreach (var d in _down.Values)
                outage[d.Cause] = outage.GetValueOrDefault(d.Cause) + Math.Max(0, (at - d.Since).TotalMinutes);
            return new SeriesPoint(at, valid, expiring, expired, revoked, issued, availability, outage, _crlEntries.Values.Sum());
        }

        private void Hold(string entity, byte[] der, bool isCa)
        {
            var cert = Certificate.FromDer(der);
            _current[entity] = (cert.Issuer, cert.SerialNumber.Hex.ToLowerInvariant(), cert.NotBefore, cert.NotAfter);
            if (isCa) _caSubjects[entity] = cert.Subject;
        }

        private void Close(string cause, double minutes) => _closedOutage[cause] = _closedOutage.GetValueOrDefault(cause) + minutes;
    }
}

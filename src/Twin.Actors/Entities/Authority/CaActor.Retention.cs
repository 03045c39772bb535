using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Authority;

/// <summary>
/// The retention policy: at each scheduled CRL the CA purges the records of certificates that expired at least the
/// retention period ago. A purged certificate that was revoked leaves the CRL signed in the same write — its entry is no
/// longer needed once it has expired (RFC 5280 §5), and CRLs stop growing over the years.
/// </summary>
public sealed partial class CaActor
{
    private List<Protocol.ITwinEvent> RetentionWork()
    {
        if (_settings.Retention is not { } retention || _ca is null) return [];
        var now = _clock.Now;
        // Records of a previous key's certificates stay with it (its own CRLs list them); the current key's are purged.
        var due = _state.DueForPurge(now.Utc, retention).Where(s => _state.PreviousKeyOf(s) is null).ToList();
        if (due.Count == 0) return [];
        var dropped = 0;
        foreach (var serial in due)
        {
            if (_state.Revocations.Any(r => string.Equals(r.Serial, serial, StringComparison.OrdinalIgnoreCase))
                && _ca.PurgeExpiredRevocation(SerialNumber.Parse(serial), _state.Serials.RecordOf(serial)!.Value, now.Utc))
                dropped++;
        }
        return [new CertificateRecordsPurged(_run, now, Id, due, dropped)];
    }
}

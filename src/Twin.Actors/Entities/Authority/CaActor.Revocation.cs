using Twin.Actors.Clock;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Authority;

public sealed partial class CaActor
{
    private const string CrlKey = "crl";

    private void Revoke(RevokeCertificate command)
    {
        var now = _clock.Now;
        var reply = ReplyChannel();
        if (_ca is null || !_state.Reachable)
        {
            reply(new RevocationRefused(command.Serial, _ca is null ? $"CA {Id} has no key and certificate yet." : $"CA {Id} is unreachable."));
            return;
        }
        if (TryRevokeUnderPreviousKey(command, reply)) return;
        SerialNumber serial;
        try
        {
            serial = SerialNumber.Parse(command.Serial);
            _ca.Revoke(serial, command.Reason, now.Utc);
        }
        catch (PkiException e)
        {
            reply(new RevocationRefused(command.Serial, e.Message));
            return;
        }
        // Revocation and the CRL that announces it are stored together: no CRL ever lags a revocation
        // that the journal already holds.
        var crl = _ca.IssueCrl(now.Utc, now.Utc + _settings.CrlValidity, _entropy.For(Id, "crl", _ca.LastCrlNumber + 1));
        var revoked = new CertificateRevoked(_run, now, Id, serial.Hex, command.Reason, command.Requester);
        var published = new CrlPublished(_run, now, Id, crl.CrlNumber ?? 0, crl.GetDer());
        PersistAll(new Protocol.ITwinEvent[] { revoked, published }, e =>
        {
            _state = _state.Apply(e);
            if (e is not CrlPublished p) return;
            _lastCrl = p.CrlDer;
            Distribute();
            reply(new RevocationDone(serial.Hex, p.Number));
        });
        ScheduleCrlAt(now.Add(_settings.CrlInterval));
    }

    // A scheduled CRL also makes every open previous key publish (or close), in the same write.
    private void PublishCrl() => PersistWithCrl(events: [.. PreviousKeyWork(), .. RetentionWork()], then: OnPreviousKeyEvent);

    /// <summary>
    /// Persists <paramref name="events"/> together with a freshly signed CRL, in one write — never a
    /// nested persist, so whoever waits for this work waits for the CRL too — then distributes it.
    /// </summary>
    private void PersistWithCrl(IReadOnlyList<Protocol.ITwinEvent> events, Action<Protocol.ITwinEvent>? then)
    {
        if (_ca is null) return;
        var now = _clock.Now;
        var crl = _ca.IssueCrl(now.Utc, now.Utc + _settings.CrlValidity, _entropy.For(Id, "crl", _ca.LastCrlNumber + 1));
        PersistAll(events.Append(new CrlPublished(_run, now, Id, crl.CrlNumber ?? 0, crl.GetDer())), e =>
        {
            _state = _state.Apply(e);
            if (e is CrlPublished p)
            {
                _lastCrl = p.CrlDer;
                Distribute();
            }
            then?.Invoke(e);
        });
        ScheduleCrlAt(now.Add(_settings.CrlInterval));
    }

    private void ScheduleNextCrl() =>
        ScheduleCrlAt(_state.LastCrlAt is { } last ? last.Add(_settings.CrlInterval) : _clock.Now);

    private void ScheduleCrlAt(SimInstant due) => WakeAt(due, new CrlDue(), CrlKey, priority: -5);
}

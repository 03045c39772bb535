using Akka.Event;
using Twin.Actors.Entities.Device;
using Twin.Actors.Entities.Pea;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Registrar;

// The GDS's own application certificate is renewed like every other: at design.renewAt of its lifetime (and a day before it ends
// at the latest), with a new key, from the domain's CA. The GDS serves with the new one at once — every endpoint advertises it and
// open channels close — and signs its push sessions with it; managed servers and clients accept it because they trust the domain
// CA and grant the GDS its role by ApplicationUri, not by one certificate.
public sealed partial class RegistrarActor
{
    private static readonly TimeSpan GdsRenewalLead = TimeSpan.FromDays(1);

    private void ScheduleGdsRenewal()
    {
        if (_state.GdsCertificateDer is null) return;
        var due = DeviceState.RenewalDue(Certificate.FromDer(_state.GdsCertificateDer), _settings.GdsRenewAtFraction, GdsRenewalLead);
        // Before the servers and clients due at the same instant (priority 0 and up), after the CAs (-20, -10): they meet the new certificate.
        WakeAt(due, new RenewGds(), "gds-renew", priority: -5);
    }

    private void RenewGdsCertificate()
    {
        if (_state.GdsCertificateDer is null || _gdsPendingKey is not null) return;
        var due = DeviceState.RenewalDue(Certificate.FromDer(_state.GdsCertificateDer), _settings.GdsRenewAtFraction, GdsRenewalLead);
        if (_clock.Now < due) return; // a stale wake-up: the certificate was renewed meanwhile
        // First sent at its due instant: resumed after the CA issued and before the journal heard, the same request gets the same certificate.
        RequestGdsCertificate(firstSentAt: due);
        WakeAt(_clock.Now.Add(RetryAfter), new RenewGds(), "gds-renew", priority: -5); // an answer lost: ask again
    }

    private void UseRenewedGdsCertificate()
    {
        _gdsIdentity = OpcUaIdentity.WithPrivateKey(Certificate.FromDer(_state.GdsCertificateDer!), _vault.Load(_state.GdsKeyRef!));
        _gdsHost!.ServerConfiguration.InstallPulled(_gdsIdentity, null);
        _log.Info("Registrar {0}: the GDS serves with its renewed certificate {1}.", Id, Certificate.FromDer(_state.GdsCertificateDer!).SerialNumber);
        ScheduleGdsRenewal();
    }
}

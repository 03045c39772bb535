using Akka.Actor;
using Akka.Event;
using Twin.Actors.Entities.Manufacturer;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Device;

// Secure boot: at every boot (after production and after each update) the device checks its firmware's detached CMS signature against
// the manufacturer CA it got at production, demanding a code-signing signer valid at the simulated instant. Failed: the device stops its
// OPC UA server, does not enroll or renew, until a correctly signed image is installed.
public sealed partial class DeviceActor
{
    // Work a handler starts and a persist callback of a persist callback finishes: counted from the handler on, so that max mode
    // does not move time between the handler's own work being reported done and the nested write being stored.
    private const string ChainLabel = "onboarding";

    private bool _updateTampered;

    private void FirmwareBehaviour()
    {
        Command<UpdateFirmware>(update =>
        {
            if (ManufacturerRef is not { } manufacturer)
            {
                _log.Warning("Device {0}: no manufacturer to update its firmware from.", Id);
                return;
            }
            _updateTampered = update.Tampered;
            SendWork(manufacturer, new RequestFirmware(Id, update.Version), "firmware");
        });
        Command<ServerStopped>(_ => Work.Done(ServeLabel));
        Command<FirmwareImage>(image =>
        {
            // A tampered update: the image is altered between the manufacturer and the device; its signature is the genuine one.
            var bytes = _updateTampered ? SignedArtefacts.TamperedImage(image.Image) : image.Image;
            _updateTampered = false;
            Work.Begin(ChainLabel);
            Persist(new DeviceFirmwareInstalled(_run, _clock.Now, Id, image.Version, bytes, image.SignatureCms), e =>
            {
                _onboarding = _onboarding.Apply(e);
                SecureBoot(() => Work.Done(ChainLabel));
            });
        });
    }

    /// <summary>Checks the installed firmware and journals the verdict; <paramref name="done"/> runs once it is stored.</summary>
    private void SecureBoot(Action done)
    {
        if (_onboarding.Firmware is not { } firmware || _onboarding.ManufacturerCaDer is not { } ca)
        {
            done();
            return;
        }
        var verdict = SignedArtefacts.Verify(firmware.Image, firmware.Signature, [Certificate.FromDer(ca)], _clock.Now.Utc);
        var wasFailed = _onboarding.Boot == BootStatus.Failed;
        Persist(new DeviceSecureBootChecked(_run, _clock.Now, Id, firmware.Version, verdict.Valid, verdict.Reason), e =>
        {
            _onboarding = _onboarding.Apply(e);
            if (!verdict.Valid)
            {
                _log.Warning("Device {0}: secure boot refused firmware {1}: {2}", Id, firmware.Version, verdict.Reason);
                _runtime?.Endpoints.TryRemove(Id.Value, out _);
                Work.Begin(ServeLabel);
                _server.StopAsync().PipeTo(Self, success: () => new ServerStopped(), failure: _ => new ServerStopped());
                done();
                return;
            }
            // Booted: enroll first; or, after a failed boot had stopped the device, serve and renew again.
            if (_state.Current is not { } current) ScheduleAt(_clock.Now, new RenewalDue());
            else if (wasFailed)
            {
                Serve(current);
                var due = DeviceState.RenewalDue(current, _settings.RenewAtFraction, _settings.MinimumRenewalLead);
                ScheduleAt(due < _clock.Now ? _clock.Now : due, new RenewalDue());
            }
            done();
        });
    }

    private sealed record ServerStopped;
}

using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki;
using Twin.Pki.Authority;
using Twin.Pki.Brski;
using Twin.Pki.Certificates;
using Twin.Pki.Cms;

namespace Twin.Actors.Entities.Manufacturer;

// Production (IDevID, factory firmware, MTP package), firmware updates, and the MASA.
public sealed partial class ManufacturerActor
{
    private void Produce(ProduceDevice command)
    {
        if (_ca is null)
        {
            HoldCurrent(); // answered once the manufacturer's CA exists
            return;
        }
        var reply = ReplyChannel();
        if (!_settings.Products.ContainsKey(command.Device))
        {
            reply(new CertificateRefused($"{command.Device} is not a product of manufacturer {Id}."));
            return;
        }
        var serial = ManufacturerSettings.SerialOf(command.Device);
        Certificate idevid;
        try
        {
            var csr = CertificationRequest.FromDer(command.CsrDer);
            if (!csr.IsSignatureValid) throw new PolicyViolationException("the PKCS#10 signature does not verify (no proof of possession).");
            if (ManufacturerSettings.SerialIn(csr.Subject) is { } asked && asked != serial)
                throw new PolicyViolationException($"the request names serialNumber '{asked}', the device on the line is '{serial}'.");
            // The subject comes from the factory, not from the request: the serial number is what the factory stamped.
            idevid = _ca.Issue(new IssuanceRequest(IdevidSubject(command.Device, serial), csr.PublicKey, CertificateProfile.IDevId, _clock.Now.Utc, _clock.Now.Utc + _settings.Validity),
                _entropy.For(Id, "idevid", command.Device.Value));
        }
        catch (PkiException e)
        {
            reply(new CertificateRefused($"production of {command.Device}: {e.Message}"));
            return;
        }
        var firmware = Firmware(command.Device, _settings.FirmwareVersion);
        var events = new List<ITwinEvent>
        {
            new IdevidIssued(_run, _clock.Now, Id, command.Device, serial, _settings.Products[command.Device], idevid.GetDer()),
            new FirmwareSigned(_run, _clock.Now, Id, command.Device, firmware.Version, SignedArtefacts.Sha256(firmware.Image)),
        };
        byte[]? manifest = null, manifestSignature = null;
        if (_settings.PeaApplicationUris.TryGetValue(command.Device, out var uri))
        {
            manifest = SignedArtefacts.MtpManifest(command.Device, uri, _settings.Subject);
            manifestSignature = Sign(manifest, "mtp/" + command.Device.Value);
            events.Add(new MtpPackageSigned(_run, _clock.Now, Id, command.Device, SignedArtefacts.Sha256(manifest)));
        }
        var produced = new DeviceProduced(idevid.GetDer(), _state.CaCertificateDer!, firmware, manifest, manifestSignature);
        var left = events.Count;
        PersistAll(events, e =>
        {
            _state = _state.Apply(e);
            if (--left == 0) reply(produced);
        });
    }

    // The manufacturer's organisation, the device's name and its serial number (IEEE 802.1AR §8.6).
    private string IdevidSubject(Model.EntityId device, string serial)
    {
        var organisation = _settings.Subject.Split(',').Select(p => p.Trim()).Where(p => !p.StartsWith("CN=", StringComparison.OrdinalIgnoreCase));
        return string.Join(",", organisation.Append($"CN={device.Value}").Append($"serialNumber={serial}"));
    }

    private void SignFirmware(RequestFirmware command)
    {
        if (_signingKey is null)
        {
            HoldCurrent();
            return;
        }
        var reply = ReplyChannel();
        var firmware = Firmware(command.Device, command.Version);
        Persist(new FirmwareSigned(_run, _clock.Now, Id, command.Device, firmware.Version, SignedArtefacts.Sha256(firmware.Image)), e =>
        {
            _state = _state.Apply(e);
            reply(firmware);
        });
    }

    private FirmwareImage Firmware(Model.EntityId device, string version)
    {
        var image = SignedArtefacts.FirmwareImage(device, version);
        return new FirmwareImage(version, image, Sign(image, $"firmware/{device.Value}/{version}"));
    }

    private byte[] Sign(byte[] content, string what) =>
        CmsSigner.SignDetached(content, Certificate.FromDer(_state.SigningCertificateDer!), _signingKey!, _clock.Now.Utc, [Certificate.FromDer(_state.CaCertificateDer!)], _entropy.For(Id, "sign", what));

    // RFC 8995 §5.5: the MASA checks the registrar's request and the pledge's request inside it, then its ownership record.
    private void AnswerVoucherRequest(MasaVoucherRequest command)
    {
        if (_masa is null)
        {
            HoldCurrent();
            return;
        }
        var reply = ReplyChannel();
        var now = _clock.Now;
        var decision = _masa.Process(command.RegistrarRequestCms, now.Utc, _entropy.For(Id, "voucher", SignedArtefacts.Sha256(command.RegistrarRequestCms)));
        string? problem = decision.Issued ? null : decision.Problem;
        if (problem is null)
        {
            var pinned = Certificate.FromDer(decision.Voucher!.PinnedDomainCert);
            var registrarSubject = new Registrar.RegistrarSettings(command.Domain, Id, _settings.Algorithm, Registrar.RegistrarMode.Ca).Subject;
            problem = DistinguishedNames.Normalize(registrarSubject) != pinned.Subject
                ? $"the request is signed by {pinned.Subject}, not by the registrar of domain '{command.Domain}'."
                : _state.OwnershipProblem(_settings, decision.SerialNumber!, command.Domain);
        }
        if (problem is not null)
        {
            Persist(new VoucherRefused(_run, now, Id, decision.SerialNumber, command.Domain, problem), e =>
            {
                _state = _state.Apply(e);
                reply(new MasaAnswer(false, null, problem));
            });
            return;
        }
        Persist(new VoucherIssued(_run, now, Id, decision.SerialNumber!, command.Domain, Certificate.FromDer(decision.Voucher!.PinnedDomainCert).Subject, decision.VoucherCms!), e =>
        {
            _state = _state.Apply(e);
            reply(new MasaAnswer(true, decision.VoucherCms, $"voucher for serial-number {decision.SerialNumber} pinning the registrar of domain '{command.Domain}'"));
        });
    }
}

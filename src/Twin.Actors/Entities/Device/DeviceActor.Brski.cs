using System.Text;
using Akka.Actor;
using Akka.Event;
using Twin.Actors.Entities.Manufacturer;
using Twin.Actors.Keys;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki;
using Twin.Pki.Brski;
using Twin.Pki.Certificates;
using Twin.Pki.Est;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Device;

// Production and zero-touch onboarding. A device made by a twin manufacturer is produced first: it generates its IDevID key in its
// key store and sends a PKCS#10 to the manufacturer, which returns the IDevID, signed firmware and (for a PEA) a signed MTP package.
// A domain member then onboards the way a real pledge does: BRSKI (RFC 8995) for a voucher from the manufacturer's MASA through the
// registrar, then EST (RFC 7030) simpleenroll authenticated by its IDevID; renewals are EST simplereenroll with the LDevID.
// The EST bodies are the EstCodec bytes an HTTP endpoint exchanges; the voucher request and the voucher are the CMS bytes.
public sealed partial class DeviceActor
{
    private DeviceOnboardingState _onboarding = DeviceOnboardingState.Empty;
    private (string KeyRef, ISigningKey Key)? _pendingIdevidKey;
    private (byte[] Nonce, Certificate Registrar)? _pendingVoucher;

    private void OnboardingBehaviour()
    {
        Recover<DeviceIdevidInstalled>(e => _onboarding = _onboarding.Apply(e));
        Recover<DeviceIdevidTheftFailed>(_ => { }); // the clone stayed without an identity: nothing to restore
        Recover<DeviceVoucherRequested>(e => _onboarding = _onboarding.Apply(e));
        Recover<DeviceVoucherChecked>(e => _onboarding = _onboarding.Apply(e));
        Recover<DeviceEstRequested>(e => _onboarding = _onboarding.Apply(e));
        Recover<DeviceFirmwareInstalled>(e => _onboarding = _onboarding.Apply(e));
        Recover<DeviceSecureBootChecked>(e => _onboarding = _onboarding.Apply(e));
        Recover<PeaMtpPackageReceived>(e => _onboarding = _onboarding.Apply(e));
        Recover<MtpPackageJudged>(e => _onboarding = _onboarding.Apply(e));
        Command<DeviceProduced>(OnProduced);
        Command<BrskiRegistrarHello>(OnRegistrarHello);
        Command<BrskiVoucherReply>(OnVoucherReply);
        Command<EstDecision>(OnEstDecision);
        Command<StartCloneOnboarding>(_ => StealIdevid());
        FirmwareBehaviour();
        MtpBehaviour();
    }

    private Akka.Actor.IActorRef? ManufacturerRef => _settings.Manufacturer is { } m && _runtime?.Manufacturers.TryGetValue(m.Value, out var handle) == true ? handle.Actor : null;

    /// <summary>True when the device may run: secure boot did not fail.</summary>
    private bool MayRun => _onboarding.Boot != BootStatus.Failed;

    private void ResumeOnboarding()
    {
        if (_onboarding.IdevidDer is { } idevid && _runtime is not null)
            _runtime.Idevids[Id.Value] = new Plant.IdevidHandle(_onboarding.Manufacturer!.Value, idevid, _onboarding.IdevidKeyRef!, _onboarding.ManufacturerCaDer!);
    }

    /// <summary>Production, secure boot and EST/BRSKI onboarding, when they apply; false leaves the device to its CMP or PKCS#10 enrollment.</summary>
    private bool OnboardingTakesOver()
    {
        if (_settings.CloneOf is not null && !_onboarding.HasIdevid) return true; // a clone waits for its attacker
        if (_settings.Manufacturer is not null && !_onboarding.HasIdevid)
        {
            RequestProduction();
            return true;
        }
        if (!MayRun)
        {
            _log.Warning("Device {0}: secure boot failed; the device does not run and does not enroll.", Id);
            return true;
        }
        if (_settings.CmpDomain is null || _settings.Onboarding == DeviceOnboarding.Cmp || !_onboarding.HasIdevid) return false;
        ScheduleAt(_clock.Now.Add(_settings.RetryAfter), new RenewalDue()); // a lost or refused answer must not leave it stuck
        if (_state.Current is not null) SendEst("simplereenroll");
        else if (_settings.Onboarding == DeviceOnboarding.Brski && !_onboarding.VoucherAccepted) SendWork(Registrar, new BrskiHello(), "brski");
        else SendEst("simpleenroll");
        return true;
    }

    private void RequestProduction()
    {
        ScheduleAt(_clock.Now.Add(_settings.RetryAfter), new RenewalDue());
        if (ManufacturerRef is not { } manufacturer) return;
        // IDevID keys are P-256 whatever the device's operational algorithm: generated on the device, never leaving it.
        _pendingIdevidKey ??= _vault.Generate(_run, Id, _settings.KeyStorage, KeyAlgorithm.EcdsaP256, _entropy.For(Id, "idevid-key", 0));
        var csr = CertificationRequest.Create($"CN={Id.Value},serialNumber={ManufacturerSettings.SerialOf(Id)}", _pendingIdevidKey.Value.Key, [], [], _entropy.For(Id, "idevid-csr", 0));
        SendWork(manufacturer, new ProduceDevice(Id, csr.GetDer()), "produce");
    }

    private void OnProduced(DeviceProduced produced)
    {
        var idevid = Certificate.FromDer(produced.IdevidDer);
        if (_pendingIdevidKey is not { } pending || !idevid.PublicKey.Equals(pending.Key.PublicKey) || _onboarding.HasIdevid) return;
        var now = _clock.Now;
        var events = new List<ITwinEvent>
        {
            new DeviceIdevidInstalled(_run, now, Id, _settings.Manufacturer!.Value, pending.KeyRef, produced.IdevidDer, produced.ManufacturerCaDer, Stolen: false),
            new DeviceFirmwareInstalled(_run, now, Id, produced.Firmware.Version, produced.Firmware.Image, produced.Firmware.SignatureCms),
        };
        if (produced.MtpManifest is { } manifest) events.Add(new PeaMtpPackageReceived(_run, now, Id, manifest, produced.MtpSignatureCms!, Tampered: false));
        var left = events.Count;
        Work.Begin(ChainLabel);
        PersistAll(events, e =>
        {
            _onboarding = _onboarding.Apply(e);
            if (--left > 0) return;
            _pendingIdevidKey = null;
            ResumeOnboarding();
            SecureBoot(() => Work.Done(ChainLabel));
        });
    }

    // The attacker read the original's IDevID and key out of the device; the clone presents them as its own.
    private void StealIdevid()
    {
        if (_settings.CloneOf is not { } original || _onboarding.HasIdevid || _runtime?.Idevids.TryGetValue(original.Value, out var stolen) != true) return;
        // A software key can be read off the original's storage; a TPM's cannot: what reading it out takes is an export.
        if (KeyRefs.KindOf(stolen!.KeyRef) != KeyStoreKind.Software)
        {
            try
            {
                _ = _vault.Export(stolen.KeyRef);
            }
            catch (Twin.Pki.KeyExportRefusedException e)
            {
                Persist(new DeviceIdevidTheftFailed(_run, _clock.Now, Id, original, e.Message), _ => { });
                return;
            }
        }
        Persist(new DeviceIdevidInstalled(_run, _clock.Now, Id, stolen!.Manufacturer, stolen.KeyRef, stolen.CertificateDer, stolen.ManufacturerCaDer, Stolen: true), e =>
        {
            _onboarding = _onboarding.Apply(e);
            ScheduleAt(_clock.Now, new RenewalDue());
        });
    }

    // RFC 8995 §5.2: the pledge's voucher request names the registrar it sees in the provisional TLS session and a fresh nonce.
    private void OnRegistrarHello(BrskiRegistrarHello hello)
    {
        var registrar = Certificate.FromDer(hello.CertificateDer);
        var random = _entropy.For(Id, "voucher", _onboarding.Requests);
        var nonce = new byte[16];
        random.NextBytes(nonce);
        var cms = Pledge.CreateVoucherRequest(_onboarding.Idevid!, _vault.Load(_onboarding.IdevidKeyRef!), registrar, nonce, _clock.Now.Utc, random);
        _pendingVoucher = (nonce, registrar);
        Persist(new DeviceVoucherRequested(_run, _clock.Now, Id, hello.Domain, cms), e =>
        {
            _onboarding = _onboarding.Apply(e);
            SendWork(Registrar, new BrskiVoucherRequest(cms, _onboarding.IdevidDer!, $"entity:{Id.Value}"), "brski");
        });
    }

    // RFC 8995 §5.6.1: signed by the MASA of the manufacturer, for this serial and nonce, pinning the registrar it talks to.
    private void OnVoucherReply(BrskiVoucherReply reply)
    {
        if (_pendingVoucher is not { } pending) return;
        _pendingVoucher = null;
        var check = reply.VoucherCms is { } voucher
            ? Pledge.VerifyVoucher(voucher, [Certificate.FromDer(_onboarding.ManufacturerCaDer!)], _onboarding.Idevid!, pending.Nonce, pending.Registrar, _clock.Now.Utc)
            : new VoucherCheck(false, null, reply.Reason);
        var reason = check.Accepted ? $"voucher for {check.Voucher!.SerialNumber} pins {pending.Registrar.Subject}" : check.Problem ?? "no voucher";
        Work.Begin(ChainLabel);
        Persist(new DeviceVoucherChecked(_run, _clock.Now, Id, _settings.CmpDomain!, check.Accepted, reply.VoucherCms, reason), e =>
        {
            _onboarding = _onboarding.Apply(e);
            if (check.Accepted)
            {
                SendEst("simpleenroll", () => Work.Done(ChainLabel));
                return;
            }
            _log.Warning("Device {0}: no voucher: {1}", Id, reason);
            Work.Done(ChainLabel);
        });
    }

    // RFC 7030 §4.2: simpleenroll with the IDevID as TLS client certificate; simplereenroll with the current LDevID.
    private void SendEst(string operation, Action? done = null)
    {
        var now = _clock.Now;
        var events = new List<ITwinEvent>(2);
        var renew = operation == "simplereenroll" && _state.Current is not null;
        ISigningKey key;
        if (!renew || _settings.RekeyOnRenewal || _state.KeyRef is null)
        {
            (key, var generated) = GenerateKey(now, KeyAlgorithmNow, _entropy.For(Id, "key", _state.KeysGenerated));
            events.Add(generated);
        }
        else
        {
            key = _vault.Load(_state.KeyRef);
        }
        var random = _entropy.For(Id, "est-csr", _onboarding.Requests);
        var csr = _settings.OpcUaApplicationUri is { } uri
            ? CertificationRequest.Create(_settings.Subject, key, [uri], ["localhost"], random)
            : CertificationRequest.Create(_settings.Subject, key, random);
        var body = Encoding.ASCII.GetBytes(EstCodec.ToBase64Body(csr.GetDer()));
        var client = renew ? _state.Current!.GetDer() : _onboarding.IdevidDer!;
        events.Add(new DeviceEstRequested(_run, now, Id, _settings.CmpDomain!, operation, body));
        var left = events.Count;
        PersistAll(events, e =>
        {
            _state = _state.Apply(e);
            _onboarding = _onboarding.Apply(e);
            if (--left > 0) return;
            // The registrar's side of the wire reads the body exactly as the HTTP endpoint does.
            SendWork(Registrar, new EstEnrollRequest(operation, EstCodec.ReadCsr(body).GetDer(), client, $"entity:{Id.Value}"), "est");
            done?.Invoke();
        });
    }

    private void OnEstDecision(EstDecision decision)
    {
        if (!decision.Granted)
        {
            _log.Warning("Device {0}: EST refused ({1}): {2}", Id, decision.Status, decision.Reason);
            return;
        }
        try
        {
            // The certs-only PKCS#7 body an EST server answers with (RFC 7030 §4.2.3), read back as a client reads it.
            var body = Encoding.ASCII.GetBytes(EstCodec.ToBase64Body(EstCodec.CertsOnly([Certificate.FromDer(decision.CertificateDer!)])));
            var issued = OnlyOne(EstCodec.ReadCertsOnly(EstCodec.FromBase64Body(body, "EST response")));
            Install(new CertificateGranted(issued.GetDer(), decision.ChainDer.Count > 0 ? decision.ChainDer[0] : []));
        }
        catch (PkiException e)
        {
            _log.Warning("Device {0}: unusable EST answer: {1}", Id, e.Message);
        }
    }

    private static Certificate OnlyOne(IReadOnlyList<Certificate> certificates) =>
        certificates.Count == 1 ? certificates[0] : throw new PkiFormatException($"EST response: {certificates.Count} certificates, expected exactly one.");
}

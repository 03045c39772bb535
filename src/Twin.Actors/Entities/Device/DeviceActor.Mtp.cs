using Akka.Actor;
using Akka.Event;
using Twin.Actors.Entities.Manufacturer;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Device;

// MTP packages. A PEA ships the package its manufacturer signed. The POL imports a PEA's package before it connects to it: the
// detached CMS signature must verify and the signer must be a code-signing certificate chaining to a manufacturer CA the operator
// trusts, at the simulated instant. Every new package (a changed digest) is judged and journaled; a refused package is not used —
// the POL keeps the last one it imported, and never connects to a PEA whose package it never imported.
public sealed partial class DeviceActor
{
    private const string MtpLabel = "mtp";
    private ClientOptions? _probeOptions;
    private readonly Dictionary<string, IReadOnlyList<string>> _importedServices = new(StringComparer.Ordinal);

    private void MtpBehaviour()
    {
        Command<GetMtpPackage>(_ => ReplyChannel()(new MtpPackageOffer(Id, _onboarding.MtpPackage?.Manifest, _onboarding.MtpPackage?.Signature)));
        Command<TamperMtpPackage>(_ =>
        {
            if (_onboarding.MtpPackage is not { } package) return;
            Persist(new PeaMtpPackageReceived(_run, _clock.Now, Id, SignedArtefacts.TamperedManifest(package.Manifest), package.Signature, Tampered: true),
                e => _onboarding = _onboarding.Apply(e));
        });
        Command<MtpPackageOffer>(OnMtpOffer);
    }

    /// <summary>For the POL: true when <paramref name="target"/>'s package is fetched first; the attempt follows once it is judged.</summary>
    private bool ImportsFirst(EntityId target, ClientOptions options)
    {
        if (!_settings.MtpTargets.Contains(target) || _runtime?.Devices.TryGetValue(target.Value, out var pea) != true) return false;
        _probeOptions = options;
        SendWork(pea!, new GetMtpPackage(), MtpLabel);
        return true;
    }

    private void OnMtpOffer(MtpPackageOffer offer)
    {
        if (offer.Manifest is not { } manifest || offer.SignatureCms is not { } signature)
        {
            Connect(offer.Pea);
            return;
        }
        var digest = SignedArtefacts.Sha256(manifest);
        if (_onboarding.MtpJudged.TryGetValue(offer.Pea.Value, out var judged) && judged == digest)
        {
            if (_onboarding.MtpImported.Contains(offer.Pea.Value)) RememberServices(offer.Pea, manifest);
            Connect(offer.Pea);
            return;
        }
        var anchors = _runtime!.Manufacturers.Values.Where(m => m.CaCertificateDer is not null).Select(m => Certificate.FromDer(m.CaCertificateDer!)).ToList();
        var verdict = SignedArtefacts.Verify(manifest, signature, anchors, _clock.Now.Utc);
        Persist(new MtpPackageJudged(_run, _clock.Now, Id, offer.Pea, digest, verdict.Valid, verdict.Reason), e =>
        {
            _onboarding = _onboarding.Apply(e);
            if (!verdict.Valid) _log.Warning("POL {0}: refused the MTP package of {1}: {2}", Id, offer.Pea, verdict.Reason);
            else RememberServices(offer.Pea, manifest);
            Connect(offer.Pea);
        });
    }

    // Connects only to a PEA whose package was imported (the last good one).
    private void Connect(EntityId target)
    {
        if (!_onboarding.MtpImported.Contains(target.Value) || _probeOptions is not { } options) return;
        Work.Begin(ProbeLabel);
        if (!_runtime!.Endpoints.TryGetValue(target.Value, out var url))
        {
            Self.Tell(new ProbeResult(target, null, StatusCodes.BadNotConnected, "it serves no OPC UA endpoint now"));
            return;
        }
        AttemptAsync(target, url, options).PipeTo(Self);
    }

    // The services an imported package names: the ones the POL orchestrates on that PEA.
    private void RememberServices(EntityId pea, byte[] manifest)
    {
        try
        {
            _importedServices[pea.Value] = [.. Pea.MtpServices.Parse(manifest).Select(s => s.Name)];
        }
        catch (FormatException e)
        {
            _log.Warning("POL {0}: the MTP package of {1} names no services it can read: {2}", Id, pea, e.Message);
        }
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Event;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Actors.Trust;
using Twin.OpcUa.Gds;
using Twin.OpcUa.Server;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Device;

/// <summary>
/// A PEA server managed by its domain's GDS (design.gds) — or, with pull, the POL: an OPC UA client that pulls its application
/// instance certificate and trust list the same way (registered as a Client, no discovery URL). The first certificate is enrolled as without a GDS (in process, or
/// over CMP for a domain member); every renewal and every trust list comes through the GDS over OPC UA. Pull: at its renewal
/// instant the server calls the GDS (RegisterApplication, GetTrustList, StartSigningRequest with a CSR for a key from its own
/// key store, FinishRequest) and on a grid of <see cref="DeviceSettings.GdsTrustListInterval"/> fetches the trust list. Push:
/// the GDS drives the server's ServerConfiguration; the new key comes from the key store through
/// <see cref="CertificateManagementHooks.NewKey"/> and what ApplyChanges installs is journaled here. Either way the server
/// judges revocation of its domain CA's certificates by the delivered trust list (<see cref="GdsTrustCopy"/>).
/// </summary>
public sealed partial class DeviceActor
{
    private const string GdsPullLabel = "gds-pull";
    private const string GdsAppliedLabel = "gds-applied";
    private const string GdsTrustKey = "gds-trust-list";
    private readonly GdsTrustCopy _gdsCopy = new();
    private IReadOnlyList<string> _gdsLines = [];
    private (string KeyRef, ISigningKey Key)? _gdsPullKey;
    private volatile int _pushKeyIndex;
    private readonly ConcurrentDictionary<string, (string KeyRef, ISigningKey Key)> _pushKeys = new(StringComparer.Ordinal);

    // A PEA server either way; an OPC UA client (the POL) only by pull — a client has no ServerConfiguration to push to.
    private bool GdsManaged => _settings.Gds is not null && _settings.GdsDomain is not null && _runtime is not null
        && (_settings.ServesOpcUa || (_settings.Gds == GdsDelivery.Pull && _settings.OpcUaApplicationUri is not null));

    private string GdsMode => _settings.Gds == GdsDelivery.Push ? "push" : "pull";

    private EntityId GdsEntity => RegistrarSettings.EntityIdOf(_settings.GdsDomain!);

    private void GdsBehaviour()
    {
        Recover<DeviceGdsTrustListInstalled>(e => RestoreTrustCopy(e.CaCertificates, e.Crls));
        Recover<DeviceGdsCertificateDelivered>(e => KeepProbeAnchor(e.At)); // a GDS installation does not restart the probe grid
        Command<GdsTrustPullDue>(_ => PullGdsTrustList());
        Command<GdsPullAnswered>(OnGdsPulled);
        Command<GdsPushApplied>(OnGdsPushApplied);
        Command<GdsPushKeyDiscarded>(OnGdsPushKeyDiscarded);
        Command<GdsTrustPulled>(OnGdsTrustPulled);
    }

    private void RestoreTrustCopy(IReadOnlyList<byte[]> caCertificates, IReadOnlyList<byte[]> crls)
    {
        _gdsCopy.Replace(new TrustListData(TrustListMasks.All, caCertificates, crls, [], []));
        _gdsLines = GdsTrustCopy.Describe(crls);
    }

    // After recovery: the push GDS learns the installed certificate again (it schedules the renewal); pull resumes its trust-list grid.
    private void ResumeGds()
    {
        if (!GdsManaged) return;
        _pushKeyIndex = _state.KeysGenerated;
        if (_settings.Gds == GdsDelivery.Pull) WakeAt(_clock.Now, new GdsTrustPullDue(), GdsTrustKey, priority: 4);
        else if (_state.Current is { } current) TellGds(current);
    }

    private void TellGds(Certificate installed)
    {
        if (_settings.Gds == GdsDelivery.Push && _runtime!.Registrars.TryGetValue(_settings.GdsDomain!, out var registrar))
            SendWork(registrar, new GdsServerCertified(Id, installed.GetDer()), "gds-certified");
    }

    /// <summary>At the renewal instant: true when the GDS renews (pull: ask it now; push: it drives the server itself).</summary>
    private bool GdsTakesOver()
    {
        if (!GdsManaged || _state.Current is null) return false;
        if (_settings.Gds == GdsDelivery.Pull) PullFromGds();
        return true;
    }

    private void PullFromGds()
    {
        var current = _state.Current!;
        var uri = _settings.OpcUaApplicationUri!;
        var now = _clock.Now;
        ScheduleAt(now.Add(_settings.RetryAfter), new RenewalDue()); // a pull that fails is tried again
        if (!_runtime!.GdsEndpoints.TryGetValue(_settings.GdsDomain!, out var gds))
        {
            _log.Warning("Device {0}: its domain's GDS serves no endpoint now; renewal postponed.", Id);
            return;
        }
        // The same key and request a renewal in process would make: from the key store's deterministic entropy.
        // Made inside the device's key store (design.keyStorage); destroyed again if the pull brings no certificate for it.
        var (keyRef, key) = _vault.Generate(_run, Id, _settings.KeyStorage, KeyAlgorithmNow, _entropy.For(Id, "key", _state.KeysGenerated));
        _gdsPullKey = (keyRef, key);
        var csr = CertificationRequest.Create(_settings.Subject, key, [uri], ["localhost"], _entropy.For(Id, "csr", _state.Requests + _state.CertificatesInstalled)).GetDer();
        var options = OwnClientOptions(current, uri, Twin.OpcUa.Messages.MessageSecurityMode.SignAndEncrypt);
        Work.Begin(GdsPullLabel);
        GdsPullClient.RequestAsync(gds, options, RecordOf(uri), csr)
            .PipeTo(Self, success: p => new GdsPullAnswered(p, null), failure: e => new GdsPullAnswered(null, e.Message));
    }

    private ApplicationRecord RecordOf(string uri) => _settings.ServesOpcUa
        ? new(Twin.OpcUa.Encoding.NodeId.Null, uri, Twin.OpcUa.Messages.ApplicationType.Server, [new Twin.OpcUa.Encoding.LocalizedText("en", Id.Value)],
            "urn:planttrust:pea", _runtime!.Endpoints.TryGetValue(Id.Value, out var url) ? [url] : [], ["NA"])
        : new(Twin.OpcUa.Encoding.NodeId.Null, uri, Twin.OpcUa.Messages.ApplicationType.Client, [new Twin.OpcUa.Encoding.LocalizedText("en", Id.Value)],
            "urn:planttrust:pol", [], []);

    private void OnGdsPulled(GdsPullAnswered answer)
    {
        var asked = _gdsPullKey;
        _gdsPullKey = null;
        if (asked is not { } pending)
        {
            Work.Done(GdsPullLabel);
            return;
        }
        if (answer.Pulled is not { Certificate: { } der } pulled)
        {
            _log.Warning("Device {0}: GDS pull failed: {1}", Id, answer.Error ?? "no certificate");
            _vault.Destroy(pending.KeyRef);
            Work.Done(GdsPullLabel);
            return;
        }
        var certificate = Certificate.FromDer(der);
        if (_state.Decommissioned || !certificate.PublicKey.Equals(pending.Key.PublicKey))
        {
            _log.Warning("Device {0}: the GDS's certificate (serial {1}) is not for the key it asked with; not installed.", Id, certificate.SerialNumber);
            _vault.Destroy(pending.KeyRef);
            Work.Done(GdsPullLabel);
            return;
        }
        var issuer = pulled.Issuers.Count > 0 ? pulled.Issuers[0] : (pulled.TrustList.TrustedCertificates is [var first, ..] ? first : []);
        InstallFromGds(pending.Key, pending.KeyRef, certificate, issuer, pulled.TrustList, restart: true, GdsPullLabel);
    }

    // Key, certificate and trust list in one write: a restart in between never finds a key without its certificate.
    private void InstallFromGds(ISigningKey key, string keyRef, Certificate certificate, byte[] issuer, TrustListData? trustList, bool restart, string label)
    {
        var now = _clock.Now;
        var events = new List<Protocol.ITwinEvent>
        {
            new DeviceKeyGenerated(_run, now, Id, keyRef, key.Algorithm.ToString(), key.PublicKey.SubjectPublicKeyInfo, Keys.KeyRefs.Text(_settings.KeyStorage)),
            new DeviceCertificateInstalled(_run, now, Id, certificate.GetDer(), issuer),
            new DeviceGdsCertificateDelivered(_run, now, Id, GdsMode, GdsEntity, certificate.SerialNumber.Hex),
        };
        if (TrustListEvent(trustList) is { } trust) events.Add(trust);
        var last = events[^1];
        PersistAll(events, e =>
        {
            _state = _state.Apply(e);
            if (e is DeviceGdsTrustListInstalled t) RestoreTrustCopy(t.CaCertificates, t.Crls);
            if (!ReferenceEquals(e, last)) return;
            _pushKeyIndex = _state.KeysGenerated;
            _log.Info("Device {0}: certificate {1} from the GDS ({2}).", Id, certificate.SerialNumber, GdsMode);
            ScheduleAt(DeviceState.RenewalDue(certificate, _settings.RenewAtFraction, _settings.MinimumRenewalLead), new RenewalDue());
            var serving = restart && Serve(certificate);
            if (!_settings.ServesOpcUa) StartProbing(); // a client (the POL) probes at once with its new certificate, as after a renewal in process
            TellGds(certificate);
            // A restarted server retires the superseded keys once it listens; a pushed certificate is presented already.
            if (serving) Work.Done(label);
            else RetireSupersededKeys(then: () => Work.Done(label));
        });
    }

    // A trust list worth journaling: one whose CRLs differ from what the server holds.
    private DeviceGdsTrustListInstalled? TrustListEvent(TrustListData? trustList)
    {
        if (trustList is null) return null;
        var crls = trustList.TrustedCrls.Concat(trustList.IssuerCrls).ToList();
        if (GdsTrustCopy.Describe(crls).SequenceEqual(_gdsLines, StringComparer.Ordinal) && _gdsCopy.Current is not null) return null;
        return new DeviceGdsTrustListInstalled(_run, _clock.Now, Id, GdsMode, [.. trustList.TrustedCertificates.Concat(trustList.IssuerCertificates)], crls);
    }

    /// <summary>", server certificate SERIAL": which certificate the server presented to the session (its serial, hex), so a renewal shows in the journal.</summary>
    internal static string ServedCertificate(Twin.OpcUa.Client.ClientSession session)
    {
        try
        {
            return session.Endpoint.ServerCertificate is { Length: > 0 } der ? ", server certificate " + Certificate.FromDer(der).SerialNumber.Hex : "";
        }
        catch (Twin.Pki.PkiException)
        {
            return ""; // a chain or an unreadable blob: the session was judged by the stack; only the note is left out
        }
    }

    /// <summary>The clock's wake-up: pull the trust list from the GDS.</summary>
    public sealed record GdsTrustPullDue;

    private sealed record GdsPullAnswered(GdsPulled? Pulled, string? Error);

    private sealed record GdsPushApplied(string? KeyRef, byte[]? CertificateDer, byte[]? Issuer, TrustListData? TrustList);
}

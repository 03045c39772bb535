using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Event;
using Twin.Actors.Entities.Pea;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Actors.Trust;
using Twin.OpcUa.Gds;
using Twin.OpcUa.Server;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Device;

// The GDS-managed server's side of push (and its trust-list pulls): who may manage it, where its new keys come from, what it records.
public sealed partial class DeviceActor
{
    private const string GdsTrustLabel = "gds-trust-pull";
    private const string PushDiscardLabel = "gds-push-key-discarded";

    // The validator of a GDS-managed server: the plant's view with the domain CA's CRLs from the delivered trust list, which
    // its ServerConfiguration reads (TrustList) and ApplyChanges replaces.
    private PlantCertificateValidator GdsValidator() =>
        new(() => _gdsCopy.Over(_runtime!.Distribution.View()), _clock, _settings.TrustAnchor?.Value) { RevocationSource = OcspSource, Managed = _gdsCopy };

    /// <summary>
    /// What a GDS-managed server adds to its options: the domain GDS's certificate (by its ApplicationUri, validated as any
    /// user certificate) is the only identity granted SecurityAdmin; with push, keys come from the key store and what
    /// ApplyChanges installs is journaled.
    /// </summary>
    private Func<ServerOptions, ServerOptions>? GdsServerOptions()
    {
        if (!GdsManaged) return null;
        var gdsUri = RegistrarSettings.GdsApplicationUri(_run, _settings.GdsDomain!);
        var validator = GdsValidator();
        var hooks = _settings.Gds == GdsDelivery.Push ? PushHooks() : null;
        return options => options with
        {
            UserCertificateValidator = validator,
            UserCertificateRoles = c => Twin.OpcUa.Security.CertificateNames.UrisOf(c).Contains(gdsUri)
                ? new HashSet<string> { Roles.SecurityAdmin } : new HashSet<string>(),
            CertificateManagement = hooks,
        };
    }

    private CertificateManagementHooks PushHooks()
    {
        var self = Self;
        var work = Work;
        var (vault, entropy, run, id, keys, kind) = (_vault, _entropy, _run, Id, _pushKeys, _settings.KeyStorage);
        var algorithm = KeyAlgorithmNow;
        var runtime = _runtime;
        return new CertificateManagementHooks
        {
            // The same key a renewal in process would make: the key store's deterministic entropy, indexed by keys generated.
            NewKey = _ =>
            {
                var (keyRef, key) = vault.Generate(run, id, kind, algorithm, entropy.For(id, "key", _pushKeyIndex));
                keys[Convert.ToBase64String(key.PublicKey.SubjectPublicKeyInfo)] = (keyRef, key);
                switch (key)
                {
                    case KeyPair software:
                        var rsa = RSA.Create();
                        rsa.ImportPkcs8PrivateKey(software.ExportPkcs8(), out _);
                        return rsa;
                    case IRsaKeyOperations inStore:
                        return new KeyStoreRsa(inStore); // the key stays in the TPM/HSM; the server signs and decrypts through it
                    default:
                        throw new Twin.Pki.UnsupportedAlgorithmException($"{key} offers no RSA operations for an OPC UA application certificate.");
                }
            },
            // Discarded by a later request or CancelChanges before any certificate made it active: journaled and destroyed here.
            KeyDiscarded = (spki, why) =>
            {
                work.Begin(PushDiscardLabel);
                self.Tell(new GdsPushKeyDiscarded(Convert.ToBase64String(spki), why));
            },
            Applied = change =>
            {
                work.Begin(GdsAppliedLabel); // on the server's thread, before the management client hears ApplyChanges answered
                // A new certificate closes every channel once ApplyChanges is answered (Part 12 §7.10.6): the subscriptions on them end as
                // at a stop, told first, so a POL whose session closes with them takes it for the server's doing, not a silent loss.
                if (change.Certificate is not null) runtime?.Observations.ServerStopped(work, id.Value);
                string? keyRef = null;
                if (change.Certificate is { } c)
                {
                    using var rsa = c.GetRSAPublicKey();
                    keyRef = rsa is not null && keys.TryGetValue(Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()), out var k) ? k.KeyRef : null;
                }
                self.Tell(new GdsPushApplied(keyRef, change.Certificate?.RawData, change.Issuers.Count > 0 ? change.Issuers[0] : null, change.TrustList));
            },
        };
    }

    private void OnGdsPushApplied(GdsPushApplied applied)
    {
        if (applied.CertificateDer is { } der && applied.KeyRef is { } keyRef && !_state.Decommissioned)
        {
            var certificate = Certificate.FromDer(der);
            var key = _pushKeys.TryGetValue(Convert.ToBase64String(certificate.PublicKey.SubjectPublicKeyInfo), out var made) ? made.Key : _vault.Load(keyRef);
            _pushKeys.Clear();
            // The server already presents the new certificate (ApplyChanges): no restart.
            InstallFromGds(key, keyRef, certificate, applied.Issuer ?? [], applied.TrustList, restart: false, GdsAppliedLabel);
            return;
        }
        if (applied.CertificateDer is not null) _log.Warning("Device {0}: the GDS applied a certificate for a key not from this key store; not journaled.", Id);
        if (TrustListEvent(applied.TrustList) is { } trust)
            Persist(trust, e =>
            {
                RestoreTrustCopy(e.CaCertificates, e.Crls);
                Work.Done(GdsAppliedLabel);
            });
        else Work.Done(GdsAppliedLabel);
    }

    private void OnGdsPushKeyDiscarded(GdsPushKeyDiscarded discarded)
    {
        if (!_pushKeys.TryRemove(discarded.PublicKeyInfo, out var made) || _state.Decommissioned || (_state.KeyRefs ?? []).Contains(made.KeyRef, StringComparer.Ordinal))
        {
            Work.Done(PushDiscardLabel); // decommissioning took it, or it is in use after all: nothing to destroy here
            return;
        }
        Persist(new KeyDestroyed(_run, _clock.Now, Id, made.KeyRef, $"made for a GDS signing request and never certified ({discarded.Why})"), e =>
        {
            _state = _state.Apply(e);
            _vault.Destroy(e.KeyRef);
            Work.Done(PushDiscardLabel);
        });
    }

    // Pull: the trust list from the GDS on a grid of the interval counted from the Unix epoch, after the authorities' publications at that instant.
    private void PullGdsTrustList()
    {
        var now = _clock.Now;
        WakeAt(NextPull(now, _settings.GdsTrustListInterval), new GdsTrustPullDue(), GdsTrustKey, priority: 4);
        if (_state.Decommissioned || _state.Current is not { } current || !_runtime!.GdsEndpoints.TryGetValue(_settings.GdsDomain!, out var gds)) return;
        var uri = _settings.OpcUaApplicationUri!;
        Work.Begin(GdsTrustLabel);
        GdsPullClient.RequestAsync(gds, OwnClientOptions(current, uri, Twin.OpcUa.Messages.MessageSecurityMode.SignAndEncrypt), RecordOf(uri), null)
            .PipeTo(Self, success: p => new GdsTrustPulled(p.TrustList, null), failure: e => new GdsTrustPulled(null, e.Message));
    }

    private void OnGdsTrustPulled(GdsTrustPulled pulled)
    {
        if (pulled.TrustList is null) _log.Warning("Device {0}: trust-list pull from the GDS failed: {1}", Id, pulled.Error);
        if (TrustListEvent(pulled.TrustList) is { } trust)
            Persist(trust, e =>
            {
                RestoreTrustCopy(e.CaCertificates, e.Crls);
                Work.Done(GdsTrustLabel);
            });
        else Work.Done(GdsTrustLabel);
    }

    private sealed record GdsTrustPulled(TrustListData? TrustList, string? Error);

    private sealed record GdsPushKeyDiscarded(string PublicKeyInfo, string Why);
}

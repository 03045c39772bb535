using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Event;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Device;
using Twin.Actors.Entities.Pea;
using Twin.Actors.Gds;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Trust;
using Twin.OpcUa.Gds;
using Twin.OpcUa.Server;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Registrar;

/// <summary>
/// The domain's GDS (design.gds): an OPC UA server on a loopback port with the GDS Directory (OPC 10000-12 §7.9) over
/// <see cref="DomainGdsBackend"/> — the domain's CA signs, the trust list is that CA's certificate and current CRL as published.
/// Its own application certificate comes from the domain's CA at first start (RSA, like every OPC UA application's). With push
/// it is also the management client (§7.10) of every PEA server it manages: it schedules each server's renewal at the instant the
/// server would have renewed itself and drives CreateSigningRequest → CA → UpdateCertificate → ApplyChanges after the trust list,
/// and pushes the trust list again whenever the CA publishes. GDS jobs run one at a time, each counted work until it is done.
/// </summary>
public sealed partial class RegistrarActor
{
    private const string GdsLabel = "gds";
    private UaServerHost? _gdsHost;
    private DomainGdsBackend? _gdsBackend;
    private X509Certificate2? _gdsIdentity;
    private (string KeyRef, ISigningKey Key)? _gdsPendingKey;
    private Action<string>? _onPublished;
    private bool _gdsBusy;
    private bool _trustPushQueued;
    private readonly Queue<(string What, Func<Task<GdsJobDone>> Job)> _gdsJobs = new();
    // Jobs asked for at the current instant, not yet queued: they are queued together, in a fixed order, once the renewals and
    // publications due at the instant (priority 0 and below) have run (GdsJobsDue) — so the order never depends on which message
    // happened to arrive first — and before the trust-list pulls (4) and probes (5): a server renewed by push at an instant is
    // served with its new certificate to the POL's probe at that instant, as after a renewal in process.
    private readonly List<(string Order, string What, Func<Task<GdsJobDone>> Job)> _gdsDue = [];
    private const int GdsJobsPriority = 1;

    private string GdsUri => RegistrarSettings.GdsApplicationUri(_run, _settings.Domain);

    private void GdsBehaviour()
    {
        Command<EnrollGds>(_ => EnrollGdsCertificate());
        Command<RenewGds>(_ => RenewGdsCertificate());
        Command<GdsServerCertified>(ScheduleGdsPush);
        Command<GdsPushDue>(d => PushRenewal(d.Server));
        Command<GdsTrustChanged>(_ =>
        {
            if (!_trustPushQueued && _gdsHost is not null)
            {
                _trustPushQueued = true;
                RunGds(TrustListOrder, "trust list", PushTrustListsJob());
            }
            Work.Done(GdsLabel); // the publication's count: the queued job carries its own
        });
        Command<GdsJobDone>(OnGdsJobDone);
        Command<GdsJobsDue>(_ => QueueDueJobs());
        GdsDirectoryBehaviour();
    }

    // Called once recovery is complete: serve the GDS with the journaled certificate, or ask the CA for one first.
    private void StartGdsRole()
    {
        if (_settings.Gds is null) return;
        if (_state.GdsCertificateDer is not null && _state.GdsKeyRef is not null) StartGds();
        else WakeAt(_clock.Now, new EnrollGds(), "gds-enroll", priority: -5);
    }

    private void EnrollGdsCertificate()
    {
        if (_state.GdsCertificateDer is not null) return;
        RequestGdsCertificate(firstSentAt: null);
    }

    // The n-th certificate's key and request come from the registrar's entropy indexed by n: a resumed run asks with the same bytes.
    // The key is made in the registrar's store (design.keyStorage.ca): a TPM or HSM key serves the GDS's secure channels through the element.
    private void RequestGdsCertificate(SimInstant? firstSentAt)
    {
        var n = _state.GdsCertificates;
        _gdsPendingKey ??= _vault.Generate(_run, Id, _settings.KeyStorage, KeyAlgorithm.Rsa2048, _entropy.For(Id, "gds-key", n));
        var csr = CertificationRequest.Create($"CN=PlantTrust GDS {_settings.Domain}", _gdsPendingKey.Value.Key, [GdsUri], ["localhost"], _entropy.For(Id, "gds-csr", n));
        SendWork(_ca, new IssueFromCsr(new EntityId(Id.Value + ".gds"), csr.GetDer(), CertificateProfile.OpcUaApplication, _settings.GdsLifetime) { FirstSentAt = firstSentAt },
            "gds-enroll");
    }

    // A certificate for the GDS's pending key (rather than the registrar's CMP key): journal it and serve.
    private bool TryInstallGdsCertificate(CertificateGranted granted)
    {
        if (_gdsPendingKey is not { } pending) return false;
        var certificate = Certificate.FromDer(granted.CertificateDer);
        if (!certificate.PublicKey.Equals(pending.Key.PublicKey)) return false;
        _gdsPendingKey = null;
        var keyRef = pending.KeyRef;
        Work.Begin(GdsLabel); // the clock waits until the GDS serves with it
        Persist(new RegistrarGdsCertified(_run, _clock.Now, Id, keyRef, granted.CertificateDer), e =>
        {
            _state = _state.Apply(e);
            try
            {
                if (_gdsHost is null) StartGds();
                else UseRenewedGdsCertificate();
            }
            finally
            {
                Work.Done(GdsLabel); // even if the GDS cannot serve: max mode must not wait for ever
            }
        });
        return true;
    }

    private void StartGds()
    {
        if (_gdsHost is not null) return;
        _gdsIdentity = OpcUaIdentity.WithPrivateKey(Certificate.FromDer(_state.GdsCertificateDer!), _vault.Load(_state.GdsKeyRef!));
        ScheduleGdsRenewal();
        var servers = _settings.GdsServers.ToDictionary(s => s.ApplicationUri, StringComparer.Ordinal);
        var caName = _settings.IssuingCa.Value;
        var distribution = _runtime.Distribution;
        _gdsBackend = new DomainGdsBackend(_ca, Id, _settings.GdsLifetime)
        {
            Route = record => servers.TryGetValue(record.ApplicationUri, out var s) ? (s.Id, s.Lifetime) : null,
            Published = () => distribution.Snapshot().Entries.FirstOrDefault(e => e.Name == caName) is { } entry ? (entry.CaCertificate, entry.Crl) : null,
            BeforeSigning = SigningJournal(),
        };
        var space = new AddressSpace(GdsUri, GdsUri + ":directory");
        _gdsHost = UaServerHost.StartTcp(space, new ServerOptions
        {
            ApplicationUri = GdsUri,
            ApplicationName = $"GDS {_settings.Domain}",
            Certificate = _gdsIdentity,
            ReceiveSpin = TimeSpan.Zero, // the twin's endpoints leave the CPUs to its actors
            OfferNone = false,
            AllowAnonymous = true,
            CertificateValidator = new PlantCertificateValidator(distribution, _clock),
            Time = new Clock.SimTimeProvider(_clock),
        });
        var directory = new GdsDirectory(_gdsHost, _gdsBackend, new GdsOptions
        {
            RenewalFraction = _settings.GdsServers.Select(s => s.RenewAtFraction).DefaultIfEmpty(0.75).Min(),
            NewApplicationId = ApplicationIds(),
            Changed = DirectoryChanges(),
        });
        RestoreDirectory(directory, _state);
        _runtime.GdsEndpoints[_settings.Domain] = _gdsHost.EndpointUrl;
        _log.Info("Registrar {0}: GDS at {1}.", Id, _gdsHost.EndpointUrl);
        if (_settings.Gds == Scenarios.GdsDelivery.Push)
        {
            var self = Self;
            var work = Work;
            _onPublished = name =>
            {
                if (name != caName) return;
                work.Begin(GdsLabel); // on the CA's thread, while its publication is still counted
                self.Tell(new GdsTrustChanged());
            };
            distribution.Published += _onPublished;
        }
    }

    /// <summary>A managed server installed a certificate: its renewal is due when the server would have renewed it itself.</summary>
    private void ScheduleGdsPush(GdsServerCertified certified)
    {
        if (_settings.GdsServers.FirstOrDefault(s => s.Id == certified.Server) is not { } server) return;
        var due = DeviceState.RenewalDue(Certificate.FromDer(certified.CertificateDer), server.RenewAtFraction, server.MinimumRenewalLead);
        WakeAt(due, new GdsPushDue(server.Id), "gds-push:" + server.Id.Value);
    }

    private void PushRenewal(EntityId id)
    {
        if (_settings.GdsServers.FirstOrDefault(s => s.Id == id) is not { } server || _runtime.Retired.ContainsKey(id.Value)) return; // decommissioned: nothing to renew
        if (_gdsHost is null || !_runtime.Endpoints.TryGetValue(id.Value, out var url))
        {
            _log.Warning("Registrar {0}: GDS push to {1} postponed: {2}.", Id, id, _gdsHost is null ? "the GDS is not serving yet" : "the server has no endpoint now");
            WakeAt(_clock.Now.Add(RetryAfter), new GdsPushDue(id), "gds-push:" + id.Value);
            return;
        }
        RunGds("1 renewal " + id.Value, "renewal of " + id, PushRenewalAsync(server, url));
    }

    // The trust list goes before the renewals due at the same instant (each renewal pushes it again anyway); renewals by server id.
    private const string TrustListOrder = "0 trust list";

    private void RunGds(string order, string what, Func<Task<GdsJobDone>> job)
    {
        _gdsDue.Add((order, what, job));
        if (_gdsDue.Count == 1) WakeAt(_clock.Now, new GdsJobsDue(), "gds-jobs", priority: GdsJobsPriority);
    }

    private void QueueDueJobs()
    {
        foreach (var (_, what, job) in _gdsDue.OrderBy(j => j.Order, StringComparer.Ordinal))
        {
            Work.Begin(GdsLabel);
            _gdsJobs.Enqueue((what, job));
        }
        _gdsDue.Clear();
        if (!_gdsBusy) NextGdsJob();
    }

    private void NextGdsJob()
    {
        if (!_gdsJobs.TryDequeue(out var next)) return;
        _gdsBusy = true;
        if (next.What == "trust list") _trustPushQueued = false;
        next.Job().PipeTo(Self, failure: e => new GdsJobDone(next.What, null, e.Message));
    }

    private void OnGdsJobDone(GdsJobDone done)
    {
        _gdsBusy = false;
        if (done.Error is not null)
        {
            _log.Warning("Registrar {0}: GDS {1} failed: {2}", Id, done.What, done.Error);
            if (done.Retry is { } server) WakeAt(_clock.Now.Add(RetryAfter), new GdsPushDue(server), "gds-push:" + server.Value);
        }
        Work.Done(GdsLabel);
        NextGdsJob();
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        if (_onPublished is not null) _runtime.Distribution.Published -= _onPublished;
        _runtime.GdsEndpoints.TryRemove(_settings.Domain, out _);
        _ = _gdsHost?.DisposeAsync().AsTask();
        base.PostStop();
    }

    /// <summary>The clock's wake-up: ask the domain's CA for the GDS's application certificate.</summary>
    public sealed record EnrollGds;

    /// <summary>The clock's wake-up: the GDS's own certificate is due for renewal.</summary>
    public sealed record RenewGds;

    /// <summary>The clock's wake-up: push a renewed certificate to a managed server.</summary>
    public sealed record GdsPushDue(EntityId Server);

    private sealed record GdsTrustChanged;

    /// <summary>The clock's wake-up after everything else due at an instant: queue the GDS jobs asked for at it, in a fixed order.</summary>
    public sealed record GdsJobsDue;

    private sealed record GdsJobDone(string What, EntityId? Retry, string? Error);
}

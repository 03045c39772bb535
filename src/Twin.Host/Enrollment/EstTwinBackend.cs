using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Control;
using Twin.Actors.Entities.Enrollment;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Trust;
using Twin.Pki.Brski;
using Twin.Pki.Certificates;
using Twin.Pki.Est;
using Twin.Pki.Keys;
using Twin.Pki.KeyStores;
using Twin.Pki.Revocation;
using Twin.Pki.Validation;

namespace Twin.Host.Enrollment;

/// <summary>
/// The enrollment backend of a live twin: domains are the run's CA entities, issuance goes to them through
/// <see cref="ITwinControl.AskEntityAsync{T}"/>, clients are judged against the plant's CRL distribution point at simulated
/// now, and every decision and external certificate is journaled by the <see cref="EnrollmentLogActor"/>.
/// </summary>
public sealed partial class EstTwinBackend : IEstBackend, IDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(40); // above the upstream transport's 30 s (RA mode)
    private readonly Lazy<ITwinControl> _control;
    private readonly IPlantReadModel _model;
    private readonly CrlDistributionPoint _distribution;
    private readonly SimulationClock _clock;
    private readonly RunId _run;
    private readonly Func<CancellationToken, Task<IActorRef>> _log;
    private readonly EstOptions _options;
    private readonly EstManufacturers _manufacturers;
    private readonly IReadOnlyList<RegistrarSettings> _domains;
    private readonly Lock _trustGate = new();
    private (long Version, (PathValidator Validator, List<Certificate> Issuers, List<CertificateRevocationList> Crls) Trust)? _trust;

    /// <summary>
    /// Creates the backend over the run's control interface, read model, distribution point and clock. The control interface and
    /// the enrollment log are reached when first needed: the actor system starts beside the web host, not before it.
    /// </summary>
    public EstTwinBackend(Func<ITwinControl> control, IPlantReadModel model, CrlDistributionPoint distribution, SimulationClock clock, RunId run, Func<CancellationToken, Task<IActorRef>> log, EstOptions options, EstManufacturers manufacturers,
        IReadOnlyList<RegistrarSettings>? domains = null)
    {
        _domains = domains ?? [];
        _control = new Lazy<ITwinControl>(control);
        _model = model;
        _distribution = distribution;
        _clock = clock;
        _run = run;
        _log = log;
        _options = options;
        _manufacturers = manufacturers;
    }

    /// <summary>
    /// design.keyStorage.device of the running plant. A device whose keys live in a TPM, an HSM or a PKCS#11 token generates them
    /// there and never receives one over the wire, so /serverkeygen is refused for such a plant (RFC 7030 §4.4 is for devices
    /// that cannot make a key themselves).
    /// </summary>
    public Twin.Actors.Keys.KeyStoreKind DeviceKeyStorage { get; init; }

    /// <summary>Keys generated for /serverkeygen live here only between generation and delivery.</summary>
    public IKeyStore ServerKeys { get; } = new SoftwareKeyStore("serverkeygen");

    /// <inheritdoc />
    public DateTimeOffset Now => _clock.Now.Utc;

    /// <inheritdoc />
    public void Dispose() => _credentialGate.Dispose();

    /// <inheritdoc />
    public IReadOnlyList<Certificate> ManufacturerAnchors => _manufacturers.Anchors;

    /// <inheritdoc />
    public EstDomain? FindDomain(string? label)
    {
        // Every request asks this: the CAs come from the read model's index of authorities, not from a pass over all entities
        // (one more with every enrollment).
        var snapshot = _model.Current;
        var cas = snapshot.Authorities.Select(id => snapshot.Entities[id]).Where(e => e.Current is not null);
        if (label is null)
        {
            label = _options.DefaultDomain
                ?? cas.FirstOrDefault(c => c.Current!.Subject != c.Current.Issuer)?.Id.Value
                ?? cas.FirstOrDefault()?.Id.Value;
            if (label is null) return null;
        }
        // An operator domain's name wins over a CA id: its registrar decides (allow-list, template, audit trail).
        if (_domains.FirstOrDefault(d => d.Domain == label) is { } registrar)
            return new EstDomain(label, registrar.IssuingCa.Value, registrar.Domain);
        return snapshot.Entities.TryGetValue(label, out var ca) && ca.Kind == EntityKinds.CertificationAuthority && ca.Current is not null ? new EstDomain(label, label) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Certificate>> CaCertificatesAsync(EstDomain domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var answer = await _control.Value.AskEntityAsync<CaCertificate>(new EntityId(domain.Ca), new GetCaCertificate(), AnswerTimeout);
        if (answer.CertificateDer is null) return [];
        var ca = Certificate.FromDer(answer.CertificateDer);
        var published = _distribution.Snapshot().Entries.Select(e => Certificate.FromDer(e.CaCertificate)).ToList();
        var chain = new List<Certificate> { ca };
        // Up to the root, through whatever the plant's CAs published (RFC 7030 §4.1.3: the current CA certificates).
        while (!chain[^1].IsSelfSigned && chain.Count < 8 && published.FirstOrDefault(p => p.Subject == chain[^1].Issuer && chain[^1].IsSignedBy(p.PublicKey)) is { } parent && !chain.Contains(parent))
            chain.Add(parent);
        return chain;
    }

    /// <inheritdoc />
    public EstClient Authenticate(EstDomain domain, Certificate? certificate)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (domain.Registrar is not null) return new EstClient(EstClientKind.JudgedByRegistrar, certificate, certificate?.Subject ?? "anonymous", null, null);
        if (certificate is null) return new EstClient(EstClientKind.None, null, "anonymous", null, "No TLS client certificate was presented.");
        var at = Now;
        var (validator, issuers, crls) = PlantTrust();
        var plant = validator.Validate(certificate, at, issuers, crls);
        if (plant.IsValid)
        {
            var holder = _model.Current.Holders.TryGetValue(PlantSnapshot.HolderKey(certificate.Issuer, certificate.SerialNumber.Hex), out var h) ? h : null;
            return new EstClient(EstClientKind.DomainCertificate, certificate, certificate.Subject, holder, null);
        }
        if (_manufacturers.Anchors.Count > 0)
        {
            var idevid = new PathValidator(_manufacturers.Anchors, ValidationPolicy.Default with { Revocation = RevocationMode.Off }).Validate(certificate, at);
            if (idevid.IsValid)
                return new EstClient(EstClientKind.Idevid, certificate, certificate.Subject, null, null);
        }
        return new EstClient(EstClientKind.None, certificate, certificate.Subject, null,
            $"The client certificate ({certificate.Subject}, issued by {certificate.Issuer}) is neither from this plant's PKI nor a known manufacturer's IDevID at {at:O}: {plant}");
    }

    // Parsing every CA certificate and CRL on each request would be wasted work: rebuild only when the plant published something new.
    private (PathValidator Validator, List<Certificate> Issuers, List<CertificateRevocationList> Crls) PlantTrust()
    {
        var (version, entries) = _distribution.Snapshot();
        lock (_trustGate)
        {
            if (_trust is { } t && t.Version == version) return t.Trust;
            var anchors = entries.Where(e => e.IsRoot).Select(e => Certificate.FromDer(e.CaCertificate)).ToList();
            var issuers = entries.Where(e => !e.IsRoot).Select(e => Certificate.FromDer(e.CaCertificate)).ToList();
            var crls = entries.Where(e => e.Crl is not null).Select(e => CertificateRevocationList.FromDer(e.Crl!)).ToList();
            var trust = (new PathValidator(anchors), issuers, crls);
            _trust = (version, trust);
            return trust;
        }
    }

    /// <inheritdoc />
    public CsrAttributes CsrAttributes(EstDomain domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var algorithm = _model.Current.Entities.TryGetValue(domain.Ca, out var ca) ? ca.KeyAlgorithm : null;
        // Ask for the domain's own signature suite (a domain has exactly one) and the device serial number.
        return algorithm switch
        {
            nameof(KeyAlgorithm.EcdsaP384) => new CsrAttributes([Twin.Pki.Est.CsrAttributes.EcdsaWithSha384, Twin.Pki.Est.CsrAttributes.SubjectSerialNumber],
                [new CsrAttrRequest(Twin.Pki.Est.CsrAttributes.EcPublicKey, [Twin.Pki.Est.CsrAttributes.Secp384r1])]),
            { } a when a.StartsWith("Rsa", StringComparison.Ordinal) => new CsrAttributes([Twin.Pki.Est.CsrAttributes.Sha256WithRsa, Twin.Pki.Est.CsrAttributes.SubjectSerialNumber],
                [new CsrAttrRequest(Twin.Pki.Est.CsrAttributes.RsaEncryption, [])]),
            _ => new CsrAttributes([Twin.Pki.Est.CsrAttributes.EcdsaWithSha256, Twin.Pki.Est.CsrAttributes.SubjectSerialNumber],
                [new CsrAttrRequest(Twin.Pki.Est.CsrAttributes.EcPublicKey, [Twin.Pki.Est.CsrAttributes.Secp256r1])]),
        };
    }

    /// <inheritdoc />
    public bool IsAllowListed(Certificate idevid, out string reason) => _manufacturers.IsAllowListed(idevid, out reason);

    /// <inheritdoc />
    public Task<MasaDecision> RequestVoucherAsync(Certificate idevid, byte[] registrarVoucherRequest, CancellationToken cancellationToken)
    {
        var masa = _manufacturers.MasaFor(idevid);
        // The manufacturer's MASA runs in the twin (the manufacturer is a party of the plant's ecosystem), so the call is in-process.
        return Task.FromResult(masa is null
            ? new MasaDecision(false, null, null, BrskiIdentity.SerialNumberOf(idevid), $"No MASA is configured for the manufacturer {idevid.Issuer}.")
            : masa.Process(registrarVoucherRequest, Now));
    }

    /// <inheritdoc />
    public Task AuditAsync(EnrollmentAudit audit)
    {
        ArgumentNullException.ThrowIfNull(audit);
        if (audit.Registrar is { } domain) return RecordInDomainAsync(domain, audit);
        return RecordAsync(new EnrollmentDecided(_run, _clock.Now, EnrollmentLogActor.LogId, audit.Protocol, audit.Operation, audit.Client, audit.Granted, audit.Reason));
    }

    // One decision journal per operator domain: the registrar records the refusal (and stores it before the client hears of it).
    private async Task RecordInDomainAsync(string domain, EnrollmentAudit audit)
    {
        try
        {
            await _control.Value.AskEntityAsync<RefusalRecorded>(RegistrarSettings.EntityIdOf(domain),
                new RecordRefusal(audit.Client, audit.Protocol.ToLowerInvariant() + ":" + audit.Operation, audit.Reason, audit.Failure), AnswerTimeout);
        }
        catch (Exception e) when (e is TimeoutException or TaskCanceledException or Akka.Actor.AskTimeoutException)
        {
            // The registrar is unavailable: the enrollment log keeps the refusal rather than nobody.
            await RecordAsync(new EnrollmentDecided(_run, _clock.Now, EnrollmentLogActor.LogId, audit.Protocol, audit.Operation, audit.Client, audit.Granted, $"{audit.Reason} (registrar of '{domain}' unavailable)"));
        }
    }

    private async Task<EnrollmentLogActor.Recorded> RecordAsync(params Twin.Actors.Protocol.ITwinEvent[] events)
    {
        var log = await _log(CancellationToken.None);
        return await log.Ask<EnrollmentLogActor.Recorded>(new EnrollmentLogActor.Record(events), AnswerTimeout);
    }
}

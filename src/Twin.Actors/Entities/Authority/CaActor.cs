using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Twin.Actors.Clock;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Authority;

/// <summary>How a root CA entity is set up the first time it starts.</summary>
public sealed record RootCaSettings(string Subject, KeyAlgorithm Algorithm, TimeSpan Validity);

/// <summary>A root certification authority: creates its key and self-signed certificate once, then issues from CSRs.</summary>
public sealed class CaActor : EntityActor
{
    private const int SnapshotEvery = 100;
    private readonly RunId _run;
    private readonly RootCaSettings _settings;
    private readonly SimulationClock _clock;
    private readonly IKeyVault _vault;
    private readonly Entropy _entropy;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private CaState _state = CaState.Empty;
    private CertificateAuthority? _ca;

    /// <summary>Creates the CA entity <paramref name="id"/> of <paramref name="run"/>.</summary>
    public CaActor(RunId run, EntityId id, RootCaSettings settings, SimulationClock clock, IKeyVault vault, SimulationWork work, IActorRef clockActor, Entropy entropy)
        : base(id, work, clockActor)
    {
        _entropy = entropy;
        _run = run;
        _settings = settings;
        _clock = clock;
        _vault = vault;
        PersistenceId = EntityKinds.PersistenceId(EntityKinds.CertificationAuthority, run, id);

        Recover<SnapshotOffer>(o => { if (o.Snapshot is CaState s) _state = s; });
        Recover<RootCaCreated>(e => _state = _state.Apply(e));
        Recover<CertificateIssued>(e => _state = _state.Apply(e));
        Recover<IssuanceRefused>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<IssueFromCsr>(Issue);
        Command<Wake>(_ => { if (!_state.IsReady) CreateRoot(); });
        Command<GetCaCertificate>(_ => Sender.Tell(new CaCertificate(Id, _state.CertificateDer)));
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(f => _log.Warning("CA {0}: snapshot failed: {1}", Id, f.Cause.Message));
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>Props for the CA entity.</summary>
    public static Props Props(RunId run, EntityId id, RootCaSettings settings, SimulationClock clock, IKeyVault vault, SimulationWork work, IActorRef clockActor, Entropy entropy) =>
        Akka.Actor.Props.Create(() => new CaActor(run, id, settings, clock, vault, work, clockActor, entropy));

    private void OnRecovered()
    {
        if (_state.IsReady)
        {
            _ca = new CertificateAuthority(Certificate.FromDer(_state.CertificateDer!), _vault.Load(_state.KeyRef!), IssueRandom());
            foreach (var serial in _state.IssuedSerials) _ca.RecordIssued(SerialNumber.Parse(serial));
        }
        else
        {
            // Authorities wake first at an instant, so the parties that depend on them find them ready.
            WakeAt(_clock.Now, new Wake(), "wake", priority: -10);
        }
        AnnounceStarted();
    }

    private void CreateRoot()
    {
        var now = _clock.Now;
        var key = KeyGenerator.Generate(_settings.Algorithm, _entropy.For(Id, "root-key", 0));
        var keyRef = _vault.Store(_run, Id, key);
        var root = CertificateAuthority.CreateRoot(_settings.Subject, key, now.Utc, now.Utc + _settings.Validity, _entropy.For(Id, "root-cert", 0));
        Persist(new RootCaCreated(_run, now, Id, keyRef, root.Certificate.GetDer()), e =>
        {
            _state = _state.Apply(e);
            _ca = new CertificateAuthority(root.Certificate, key, IssueRandom());
            _ca.RecordIssued(root.Certificate.SerialNumber);
        });
    }

    /// <summary>The clock's wake-up at start: create the root if there is none yet.</summary>
    public sealed record Wake;

    // Randomness for anything the CA signs outside a request (its default stream).
    private Twin.Pki.Keys.PkiRandom IssueRandom() => _entropy.For(Id, "ca", _state.IssuedSerials.Count);

    private void Issue(IssueFromCsr request)
    {
        var now = _clock.Now;
        var reply = ReplyChannel();
        if (_ca is null)
        {
            reply(new CertificateRefused($"CA {Id} has no key and certificate yet."));
            return;
        }
        Certificate issued;
        try
        {
            var csr = CertificationRequest.FromDer(request.CsrDer);
            // Randomness named by the request itself: requests at one instant may arrive in any
            // order, and a seeded run must still issue the same certificate for each.
            var random = _entropy.For(Id, "issue", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(request.CsrDer)));
            issued = _ca.Issue(csr, request.Profile, now.Utc, now.Utc + request.Lifetime, random: random);
        }
        catch (PkiException e)
        {
            PersistAsync(new IssuanceRefused(_run, now, Id, request.Requester, e.Message), _ => reply(new CertificateRefused(e.Message)));
            return;
        }
        // PersistAsync: the next request is served while this one is being written, so the journal
        // batches a burst (every device renewing at one instant) into few commits. The serial is
        // already taken in memory, and the answer still waits for the write.
        PersistAsync(new CertificateIssued(_run, now, Id, request.Requester, request.Profile.ToString(), issued.GetDer()), e =>
        {
            _state = _state.Apply(e);
            reply(new CertificateGranted(e.CertificateDer, _state.CertificateDer!));
            if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(_state);
        });
    }
}

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
public sealed class CaActor : ReceivePersistentActor
{
    private const int SnapshotEvery = 100;
    private readonly RunId _run;
    private readonly EntityId _id;
    private readonly RootCaSettings _settings;
    private readonly SimulationClock _clock;
    private readonly IKeyVault _vault;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private CaState _state = CaState.Empty;
    private CertificateAuthority? _ca;

    /// <summary>Creates the CA entity <paramref name="id"/> of <paramref name="run"/>.</summary>
    public CaActor(RunId run, EntityId id, RootCaSettings settings, SimulationClock clock, IKeyVault vault)
    {
        _run = run;
        _id = id;
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
        Command<GetCaCertificate>(_ => Sender.Tell(new CaCertificate(_id, _state.CertificateDer)));
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(f => _log.Warning("CA {0}: snapshot failed: {1}", _id, f.Cause.Message));
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>Props for the CA entity.</summary>
    public static Props Props(RunId run, EntityId id, RootCaSettings settings, SimulationClock clock, IKeyVault vault) =>
        Akka.Actor.Props.Create(() => new CaActor(run, id, settings, clock, vault));

    private void OnRecovered()
    {
        if (_state.IsReady)
        {
            _ca = new CertificateAuthority(Certificate.FromDer(_state.CertificateDer!), _vault.Load(_state.KeyRef!));
            foreach (var serial in _state.IssuedSerials) _ca.RecordIssued(SerialNumber.Parse(serial));
            return;
        }
        var now = _clock.Now;
        var key = KeyGenerator.Generate(_settings.Algorithm);
        var keyRef = _vault.Store(_run, _id, key);
        var root = CertificateAuthority.CreateRoot(_settings.Subject, key, now.Utc, now.Utc + _settings.Validity);
        Persist(new RootCaCreated(_run, now, _id, keyRef, root.Certificate.GetDer()), e =>
        {
            _state = _state.Apply(e);
            _ca = root;
        });
    }

    private void Issue(IssueFromCsr request)
    {
        var now = _clock.Now;
        if (_ca is null)
        {
            Sender.Tell(new CertificateRefused($"CA {_id} has no key and certificate yet."));
            return;
        }
        Certificate issued;
        try
        {
            var csr = CertificationRequest.FromDer(request.CsrDer);
            issued = _ca.Issue(csr, request.Profile, now.Utc, now.Utc + request.Lifetime);
        }
        catch (PkiException e)
        {
            var sender = Sender;
            Persist(new IssuanceRefused(_run, now, _id, request.Requester, e.Message), _ => sender.Tell(new CertificateRefused(e.Message)));
            return;
        }
        var replyTo = Sender;
        Persist(new CertificateIssued(_run, now, _id, request.Requester, request.Profile.ToString(), issued.GetDer()), e =>
        {
            _state = _state.Apply(e);
            replyTo.Tell(new CertificateGranted(e.CertificateDer, _state.CertificateDer!));
            if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(_state);
        });
    }
}

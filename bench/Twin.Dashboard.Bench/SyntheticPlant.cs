using Twin.Actors.Clock;
using Twin.Actors.Control;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Authority;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;

namespace Twin.Dashboard.Bench;

/// <summary>A root CA and N devices with real certificates, and a stock of renewals to stream; also the run's in-memory journal.</summary>
internal sealed class SyntheticPlant : IRunJournal
{
    private static readonly RunId Run = new("dashboard-bench");
    private static readonly EntityId Root = new("ca-root");
    private readonly Lock _gate = new();
    private readonly CertificateAuthority _ca;
    private readonly List<JournaledEvent> _journal = [];
    private readonly Queue<ITwinEvent> _renewals = new();
    private readonly Dictionary<int, string> _serials = [];
    private SimInstant _now = SimInstant.Parse("2030-01-01T00:00:00Z");

    public SyntheticPlant(int devices, int renewals)
    {
        _ca = CertificateAuthority.CreateRoot("CN=Bench Root", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), _now.Utc, _now.Utc.AddYears(20));
        _journal.Add(new JournaledEvent(1, new RootCaCreated(Run, _now, Root, "k", _ca.Certificate.GetDer())));
        for (var i = 1; i <= devices; i++) Install(i, _now, initial: true);
        var at = _now;
        for (var r = 0; r < renewals; r++)
        {
            at = at.Add(TimeSpan.FromSeconds(30));
            _renewals.Enqueue(Issue((r % devices) + 1, at, out _));
        }
    }

    public IReadOnlyList<JournaledEvent> Journal { get { lock (_gate) return _journal.ToArray(); } }

    public SimInstant Now { get { lock (_gate) return _now; } }

    public long Applied { get { lock (_gate) return _journal.Count; } }

    public void Load(PlantReadModel model)
    {
        lock (_gate) foreach (var e in _journal) model.Apply(e.Event, e.Offset);
    }

    /// <summary>Applies renewals to <paramref name="model"/> at about <paramref name="perSecond"/> until cancelled.</summary>
    public async Task FeedAsync(PlantReadModel model, int perSecond, CancellationToken cancel)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        var due = 0.0;
        var last = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            while (await tick.WaitForNextTickAsync(cancel))
            {
                var now = System.Diagnostics.Stopwatch.GetTimestamp();
                due += perSecond * System.Diagnostics.Stopwatch.GetElapsedTime(last, now).TotalSeconds;
                last = now;
                for (; due >= 1; due--)
                {
                    lock (_gate)
                    {
                        if (!_renewals.TryDequeue(out var e)) return;
                        _now = e.At;
                        Apply(model, e);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // done
        }
    }

    /// <summary>The CA revokes device <paramref name="device"/>'s current certificate; returns its serial and the wall instant (Unix ms) it reached the model.</summary>
    public (string Serial, double AppliedAtMs) Revoke(PlantReadModel model, int device)
    {
        lock (_gate)
        {
            var serial = _serials[device];
            var e = new CertificateRevoked(Run, _now, Root, serial, RevocationReason.KeyCompromise, "bench");
            var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            Apply(model, e);
            return (serial, t0);
        }
    }

    public Task<IReadOnlyList<JournaledEvent>> ReadAsync(CancellationToken cancellationToken = default) => Task.FromResult(Journal);

    public Task<PlantSnapshot> SnapshotAtAsync(SimInstant at, CancellationToken cancellationToken = default) => Task.FromResult(RunJournal.FoldUntil(Journal, at));

    private void Apply(PlantReadModel model, ITwinEvent e)
    {
        var offset = _journal.Count + 1;
        _journal.Add(new JournaledEvent(offset, e));
        model.Apply(e, offset);
        if (e is DeviceCertificateInstalled d) _serials[int.Parse(d.Entity.Value["device-".Length..], System.Globalization.CultureInfo.InvariantCulture)] = Twin.Pki.Certificates.Certificate.FromDer(d.CertificateDer).SerialNumber.Hex;
    }

    private void Install(int device, SimInstant at, bool initial)
    {
        var e = Issue(device, at, out var serial);
        _journal.Add(new JournaledEvent(_journal.Count + 1, e));
        if (initial) _serials[device] = serial;
    }

    private DeviceCertificateInstalled Issue(int device, SimInstant at, out string serial)
    {
        var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var cert = _ca.Issue(new IssuanceRequest($"CN=device-{device:0000}", key.PublicKey, CertificateProfile.LDevId, at.Utc, at.Utc.AddDays(30)));
        serial = cert.SerialNumber.Hex;
        return new DeviceCertificateInstalled(Run, at, new EntityId($"device-{device:0000}"), cert.GetDer(), _ca.Certificate.GetDer());
    }
}

/// <summary>The clock of the synthetic plant: running at its latest event; control commands do nothing.</summary>
internal sealed class BenchControl(SyntheticPlant plant) : ITwinControl
{
    public ClockReading Clock => new(plant.Now, ClockMode.Realtime, 60, false);

    public void Pause() { }

    public void Resume() { }

    public void SetSpeed(double speed) { }

    public void Step() { }

    public Task<T> AskEntityAsync<T>(EntityId entity, object command, TimeSpan timeout) => throw new NotSupportedException("the bench plant has no actors");
}

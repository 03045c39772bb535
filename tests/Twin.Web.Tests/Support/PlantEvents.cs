using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Authority;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;

namespace Twin.Web.Tests.Support;

/// <summary>Builds a run's journal the way the twin writes it: real certificates and CRLs from Twin.Pki, wrapped in the twin's events.</summary>
internal sealed class PlantEvents
{
    public static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");
    private static readonly RunId Run = new("test");
    private readonly CertificateAuthority _root;
    private readonly List<ITwinEvent> _events = [];

    public PlantEvents(string rootId = "ca-root", string rootKeyRef = "k")
    {
        RootId = new EntityId(rootId);
        _root = CertificateAuthority.CreateRoot("CN=Test Root", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), T0.Utc, T0.Utc.AddYears(10));
        _events.Add(new RootCaCreated(Run, T0, RootId, rootKeyRef, _root.Certificate.GetDer()));
    }

    public EntityId RootId { get; }

    public IReadOnlyList<ITwinEvent> Events => _events;

    public static SimInstant At(double hours) => T0.Add(TimeSpan.FromHours(hours));

    /// <summary>The root issues <paramref name="entity"/> a certificate valid for <paramref name="lifetime"/> from <paramref name="at"/>, which it installs; returns the serial.</summary>
    public string Issue(string entity, SimInstant at, TimeSpan lifetime)
    {
        var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var cert = _root.Issue(new IssuanceRequest($"CN={entity}", key.PublicKey, CertificateProfile.LDevId, at.Utc, at.Utc + lifetime));
        _events.Add(new CertificateIssued(Run, at, RootId, new EntityId(entity), "LDevId", cert.GetDer()));
        _events.Add(new DeviceCertificateInstalled(Run, at, new EntityId(entity), cert.GetDer(), _root.Certificate.GetDer()));
        return cert.SerialNumber.Hex;
    }

    /// <summary><paramref name="entity"/> generates a key in the store named <paramref name="keyStore"/> (software, tpm, hsm), as DeviceActor journals it.</summary>
    public void GenerateKey(string entity, SimInstant at, string keyStore)
    {
        var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var keyRef = (keyStore == "software" ? "" : keyStore + ":") + $"test/{entity}/{key.PublicKey.Fingerprint[..16]}";
        _events.Add(new DeviceKeyGenerated(Run, at, new EntityId(entity), keyRef, key.Algorithm.ToString(), key.PublicKey.SubjectPublicKeyInfo, keyStore));
    }

    public void Revoke(string serial, SimInstant at, RevocationReason reason)
    {
        _root.Revoke(Twin.Pki.Certificates.SerialNumber.Parse(serial), reason, at.Utc);
        _events.Add(new CertificateRevoked(Run, at, RootId, serial, reason, "test"));
        var crl = _root.IssueCrl(at.Utc, at.Utc.AddDays(1));
        _events.Add(new CrlPublished(Run, at, RootId, _root.LastCrlNumber, crl.GetDer()));
    }

    public void Attempt(string target, SimInstant at, uint status, string statusName) =>
        _events.Add(new ConnectionAttempted(Run, at, new EntityId("pol"), new EntityId(target), "opc.tcp://127.0.0.1:4840", status, statusName, status == 0 ? "" : "refused"));

    /// <summary>The run is ended (the dashboard's Stop), as RunEndActor journals it.</summary>
    public void Stop(SimInstant at) => _events.Add(new RunStopped(Run, at, new EntityId("run"), "test"));

    public void Reachable(bool reachable, SimInstant at) => _events.Add(new CaReachabilityChanged(Run, at, RootId, reachable, "test"));

    public PlantSnapshot Snapshot()
    {
        var s = PlantSnapshot.Empty;
        for (var i = 0; i < _events.Count; i++) s = PlantReadModel.Fold(s, _events[i], i + 1);
        return s;
    }

    public IReadOnlyList<JournaledEvent> Journal() => _events.Select((e, i) => new JournaledEvent(i + 1, e)).ToList();
}

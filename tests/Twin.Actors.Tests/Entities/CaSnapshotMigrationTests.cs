using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Persistence;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Serialization;
using Twin.Actors.Tests.Support;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Entities;

/// <summary>
/// A CA whose newest snapshot is ca.state.v1 (every serial as hex, in three lists and a map) recovers from it under
/// ca.state.v2: it knows every serial it issued under both keys, revokes each on its own key's CRL and reuses none.
/// </summary>
public sealed class CaSnapshotMigrationTests : PersistentTestKit
{
    private static readonly RunId Run = new("snapshot-v1");
    private static readonly EntityId RootId = new("ca-root");
    private static readonly EntityId IssuingId = new("ca-issuing");
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");
    private static readonly CaSettings IssuingSettings = new("CN=Issuing,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(1825)) { Parent = RootId };

    private readonly SimulationClock _clock = new(T0, ClockMode.Max);
    private readonly SimulationWork _work = new();
    private readonly Entropy _entropy = Entropy.System(Run);
    private readonly FileKeyVault _vault;
    private readonly IActorRef _clockActor;

    public CaSnapshotMigrationTests() : base("ca-snapshot-v1")
    {
        _vault = new FileKeyVault(Path.Combine(Folder, "keys"));
        _clockActor = Sys.ActorOf(ClockActor.Props(Run, _clock, _work, startRunning: true));
        _clockActor.Tell(new RunUntil(T0));
    }

    [Fact]
    public async Task A_CA_recovering_from_a_v1_snapshot_revokes_serials_of_both_keys_on_their_own_CRLs_and_reuses_none()
    {
        var root = Start(RootId, new CaSettings("CN=Root,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650)), parent: null);
        var issuing = Start(IssuingId, IssuingSettings, root);
        await Idle();
        var oldCa = await CaCertificateOf(issuing);
        var before = new List<Certificate>();
        for (var i = 0; i < 5; i++) before.Add(await Issue(issuing, $"CN=before-{i}"));
        await issuing.Ask<CaLifecycleDone>(new RollOverCa("test"), TimeSpan.FromSeconds(30));
        await Idle();
        var newCa = await CaCertificateOf(issuing);
        var after = new List<Certificate>();
        for (var i = 0; i < 3; i++) after.Add(await Issue(issuing, $"CN=after-{i}"));
        var journaled = await Journal(IssuingId);
        var snapshotAt = journaled[^1].SequenceNr;
        var last = await Issue(issuing, "CN=after-snapshot"); // journaled past the snapshot: replayed on top of it
        Kill(issuing);

        // The snapshot ca.state.v1 would have written at snapshotAt: its layout rebuilt from the journal's events alone.
        var events = (await Journal(IssuingId)).Where(e => e.SequenceNr <= snapshotAt).Select(e => (Protocol.ITwinEvent)e.Event).ToList();
        var legacy = LegacySnapshot(events);
        var store = Akka.Persistence.Persistence.Instance.Apply(Sys).SnapshotStoreFor(null);
        var persistenceId = EntityKinds.PersistenceId(EntityKinds.CertificationAuthority, Run, IssuingId);
        await store.Ask<SaveSnapshotSuccess>(new SaveSnapshot(new SnapshotMetadata(persistenceId, snapshotAt, DateTime.UtcNow), new CaStateV1(legacy)), TimeSpan.FromSeconds(10));

        var revived = Start(IssuingId, IssuingSettings, root);
        await Idle();
        var next = await Issue(revived, "CN=next");
        Assert.True(next.IsSignedBy(newCa.PublicKey));
        var all = before.Concat(after).Append(last).Append(next).Select(c => c.SerialNumber.Hex).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());

        // Revoked on the CRL of the key that signed each (previous key: from the v1 previousKeys[].serials), and nowhere else.
        await revived.Ask<RevocationDone>(new RevokeCertificate(before[2].SerialNumber.Hex, RevocationReason.KeyCompromise, "test"), TimeSpan.FromSeconds(10));
        await revived.Ask<RevocationDone>(new RevokeCertificate(after[1].SerialNumber.Hex, RevocationReason.Superseded, "test"), TimeSpan.FromSeconds(10));
        await revived.Ask<RevocationDone>(new RevokeCertificate(last.SerialNumber.Hex, RevocationReason.Superseded, "test"), TimeSpan.FromSeconds(10));
        var unknown = await revived.Ask<RevocationRefused>(new RevokeCertificate("0badc0de", RevocationReason.Superseded, "test"), TimeSpan.FromSeconds(10));
        Assert.Contains("was not issued by this CA", unknown.Reason, StringComparison.Ordinal);

        var journal = (await Journal(IssuingId)).Select(e => e.Event).ToList();
        var previousCrl = await ListedByOpenSsl(journal.OfType<PreviousKeyCrlPublished>().Last().CrlDer, oldCa, "previous.crl");
        var currentCrl = await ListedByOpenSsl(journal.OfType<CrlPublished>().Last().CrlDer, newCa, "current.crl");
        Assert.Equal([Upper(before[2])], previousCrl);
        Assert.Equal(new[] { Upper(after[1]), Upper(last) }.Order(StringComparer.Ordinal), currentCrl.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_v1_snapshot_carries_every_serial_its_key_and_its_record_over_to_the_ledger()
    {
        var t = new DateTimeOffset(2030, 3, 1, 0, 0, 0, TimeSpan.Zero);
        // As ca.state.v1 wrote it: the root's own serial first, then two under key 0 (one purged since), one under key 1.
        var json = $$"""
            {"certificateDer":null,"keyRef":"k1","issuedSerials":["0a","0b","0c","0d"],"revocations":[],"crlNumber":4,"reachable":true,
             "generation":1,"keySerials":["0d"],"keyHolders":{"device-2":"{{t:O}}"},
             "previousKeys":[{"generation":0,"certificateDer":"AQID","keyRef":"k0","serials":["0b","0c"],"holders":{"device-1":"{{t:O}}"},"crlNumber":3,"closed":false}],
             "linkCertificates":[],"records":{"0c":"{{t:O}}","0d":"{{t.AddDays(1):O}}"} }
            """;
        var serializer = new TwinSerializer(null!);
        var read = (CaStateV1)serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(json), "ca.state.v1");

        var state = read.ToCurrent();

        Assert.Equal(4, state.Serials.Count);
        Assert.Equal((int?)null, state.Serials.GenerationOf("0a"));
        Assert.Equal(["0b", "0c"], state.Serials.IssuedUnder(0));
        Assert.Equal(["0d"], state.KeySerials);
        Assert.Equal(0, state.PreviousKeyOf("0B")!.Generation);
        Assert.Null(state.PreviousKeyOf("0d"));
        Assert.Null(state.Serials.RecordOf("0b"));
        Assert.Equal(t, state.Serials.RecordOf("0c"));
        Assert.Equal(t.AddDays(1), state.Serials.RecordOf("0d"));
        Assert.Equal((1, "k1", 4L), (state.Generation, state.KeyRef, state.CrlNumber));
        Assert.Equal(["device-1"], state.PreviousKeys[0].Holders.Keys);
        Assert.Equal([1, 2, 3], state.PreviousKeys[0].CertificateDer);
        // What it became is written as v2 and reads back the same.
        var back = (CaState)serializer.FromBinary(serializer.ToBinary(state), serializer.Manifest(state));
        Assert.Equal(state.Serials.Records, back.Serials.Records);
        Assert.Equal("ca.state.v2", serializer.Manifest(state));
    }

    // ca.state.v1's layout: the v2 fields of the state the events fold to, with the serials as the old code kept them.
    private static JsonElement LegacySnapshot(List<Protocol.ITwinEvent> events)
    {
        var state = events.Aggregate(CaState.Empty, (s, e) => s.Apply(e));
        var node = JsonNode.Parse(new TwinSerializer(null!).ToBinary(state))!.AsObject();
        node.Remove("serials");
        var issued = events.OfType<CertificateIssued>().Select(i => (Event: i, Certificate: Certificate.FromDer(i.CertificateDer))).ToList();
        var rollover = events.FindIndex(e => e is CaRolledOver);
        bool Earlier(CertificateIssued i) => events.FindIndex(e => ReferenceEquals(e, i)) < rollover;
        node["issuedSerials"] = new JsonArray([.. issued.Select(i => (JsonNode)i.Certificate.SerialNumber.Hex)]);
        node["keySerials"] = new JsonArray([.. issued.Where(i => !Earlier(i.Event)).Select(i => (JsonNode)i.Certificate.SerialNumber.Hex)]);
        node["previousKeys"]![0]!["serials"] = new JsonArray([.. issued.Where(i => Earlier(i.Event)).Select(i => (JsonNode)i.Certificate.SerialNumber.Hex)]);
        var records = new JsonObject();
        foreach (var (_, certificate) in issued) records[certificate.SerialNumber.Hex] = certificate.NotAfter;
        node["records"] = records;
        return JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();
    }

    private async Task<List<string>> ListedByOpenSsl(byte[] crlDer, Certificate issuer, string name)
    {
        var crl = Path.Combine(Folder, name);
        var ca = Path.Combine(Folder, name + ".ca.pem");
        await File.WriteAllBytesAsync(crl, crlDer);
        await File.WriteAllTextAsync(ca, issuer.ToPem());
        var verify = await Peer.OpenSslAsync("crl", "-inform", "DER", "-in", crl, "-CAfile", ca, "-noout");
        Assert.True(verify.ExitCode == 0 && verify.All.Contains("verify OK", StringComparison.Ordinal), verify.All);
        var text = await Peer.OpenSslAsync("crl", "-inform", "DER", "-in", crl, "-noout", "-text");
        return [.. text.StdOut.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("Serial Number: ", StringComparison.Ordinal)).Select(l => l["Serial Number: ".Length..])];
    }

    private static string Upper(Certificate c) => c.SerialNumber.Hex.ToUpperInvariant();

    private IActorRef Start(EntityId id, CaSettings settings, IActorRef? parent)
    {
        _work.BeginStart(id.Value);
        return Sys.ActorOf(CaActor.Props(Run, id, settings, _clock, _vault, _work, _clockActor, _entropy, parent));
    }

    private Task<ClockIdle> Idle() => _clockActor.Ask<ClockIdle>(new WhenClockIdle(), TimeSpan.FromSeconds(30));

    private static async Task<Certificate> CaCertificateOf(IActorRef ca) =>
        Certificate.FromDer((await ca.Ask<CaCertificate>(new GetCaCertificate(), TimeSpan.FromSeconds(10))).CertificateDer!);

    private static async Task<Certificate> Issue(IActorRef ca, string subject)
    {
        var csr = CertificationRequest.Create(subject, KeyGenerator.Generate(KeyAlgorithm.EcdsaP256));
        var granted = await ca.Ask<CertificateGranted>(new IssueFromCsr(new EntityId("device-" + subject[3..]), csr.GetDer(), CertificateProfile.LDevId, TimeSpan.FromDays(30)), TimeSpan.FromSeconds(10));
        return Certificate.FromDer(granted.CertificateDer);
    }

    private async Task<IReadOnlyList<EventEnvelope>> Journal(EntityId id)
    {
        var journal = TwinJournal.Read(Sys);
        return await journal.CurrentEventsByPersistenceId(EntityKinds.PersistenceId(EntityKinds.CertificationAuthority, Run, id), 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), Sys.Materializer());
    }
}

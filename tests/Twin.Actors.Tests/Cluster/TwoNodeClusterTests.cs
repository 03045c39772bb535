using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Twin.Actors.Clock;
using Twin.Actors.Cluster;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Device;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Persistence;
using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Tests.Support;
using Twin.Pki.Keys;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Cluster;

/// <summary>
/// Two cluster nodes on 127.0.0.1 (two actor systems in this process, talking over Akka.Remote's
/// TCP transport) share one PostgreSQL journal; the plant's CAs, devices, PEAs and POL are
/// sharded over both. The onboarding lifecycle — root certifies issuing CA, devices and PEAs
/// enroll, PEAs serve OPC UA, the POL connects — journals exactly what the same plant journals
/// on a single node.
/// </summary>
[Collection(PostgreSqlGroup.Name)]
public sealed class TwoNodeClusterTests(PostgreSqlFixture postgreSql)
{
    private static readonly SimInstant Start = SimInstant.Parse("2030-01-01T00:00:00Z");

    private static PlantSpec Spec()
    {
        var root = new EntityId("ca-root");
        var issuing = new EntityId("ca-issuing");
        var peas = new[] { new EntityId("pea-01"), new EntityId("pea-02") };
        var devices = new List<(EntityId, DeviceSettings)>();
        foreach (var pea in peas)
            devices.Add((pea, new DeviceSettings(issuing, $"CN={pea},O=Operator", KeyAlgorithm.Rsa2048, TimeSpan.FromDays(90))
            {
                OpcUaApplicationUri = $"urn:planttrust:cluster:{pea}",
                ServesOpcUa = true,
            }));
        devices.Add((new EntityId("pol"), new DeviceSettings(issuing, "CN=pol,O=Operator", KeyAlgorithm.Rsa2048, TimeSpan.FromDays(90))
        {
            OpcUaApplicationUri = "urn:planttrust:cluster:pol",
            ProbeTargets = peas,
            ProbeInterval = TimeSpan.FromHours(12),
        }));
        for (var i = 1; i <= 6; i++)
            devices.Add((new EntityId($"device-{i:00}"), new DeviceSettings(issuing, $"CN=device-{i:00},O=Operator", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(30))));
        return new PlantSpec(new RunId("cluster"), Start, 1, StartRunning: true,
            [
                (root, new CaSettings("CN=Root,O=Operator", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650))),
                (issuing, new CaSettings("CN=Issuing,O=Operator", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(1825)) { Parent = root }),
            ],
            devices)
        {
            Mode = ClockMode.Max,
            Seed = 11,
            Until = Start.Add(TimeSpan.FromDays(2)),
        };
    }

    [Fact]
    public async Task Onboarding_sharded_over_two_nodes_journals_what_one_node_journals_and_the_POL_connects()
    {
        var spec = Spec();
        var single = await PlantRun.ToEndAsync(spec, "cluster-single", TwinDatabase.PostgreSql(postgreSql.NewDatabase("single")));

        var database = TwinDatabase.PostgreSql(postgreSql.NewDatabase("cluster"));
        TwinPersistence.Prepare(database);
        var folder = RepoPaths.NewScratch("cluster");
        using var node1 = ActorSystem.Create("planttrust", NodeConfig(database));
        using var node2 = ActorSystem.Create("planttrust", NodeConfig(database));
        var trouble = new System.Collections.Concurrent.ConcurrentQueue<string>();
        Watch(node1, "node 1", trouble);
        Watch(node2, "node 2", trouble);
        try
        {
            var cluster1 = Akka.Cluster.Cluster.Get(node1);
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cluster1.RegisterOnMemberUp(() => up.TrySetResult()); // min-nr-of-members = 2: both nodes are up
            cluster1.Join(cluster1.SelfAddress);
            Akka.Cluster.Cluster.Get(node2).Join(cluster1.SelfAddress);
            await up.Task.WaitAsync(TimeSpan.FromMinutes(1));

            // One run: one clock reading, one work counter, one key store and CRL distribution point
            // for both nodes (shared in this process; see docs/architecture.md, Scale).
            var clock = new SimulationClock(spec.Start, spec.Mode, spec.Speed);
            var work = new SimulationWork();
            var runtime = new PlantRuntime();
            var vault = new FileKeyVault(Path.Combine(folder, "keys"));
            var plant = ShardedPlant.StartSeed(node1, spec, clock, vault, work, runtime, nodes: 2);
            await ShardedPlant.JoinAsync(node2, spec, clock, vault, work, runtime, cluster1.SelfAddress);

            ClockIdle idle;
            try
            {
                idle = await plant.Ask<ClockIdle>(new WhenClockIdle(), TimeSpan.FromMinutes(3));
            }
            catch (AskTimeoutException)
            {
                // What is still counted, and every dead letter, warning and error of either node: where the work was lost.
                Assert.Fail($"The clock did not go idle; outstanding work: {string.Join(", ", work.OutstandingByLabel.Select(p => $"{p.Key}×{p.Value}"))}; "
                    + $"node log:{Environment.NewLine}{string.Join(Environment.NewLine, trouble.Take(50))}");
                throw;
            }

            // Entities live on both nodes, each on exactly one.
            var on1 = await EntitiesOn(node1);
            var on2 = await EntitiesOn(node2);
            Assert.NotEmpty(on1);
            Assert.NotEmpty(on2);
            Assert.Empty(on1.Intersect(on2));
            Assert.Equal(ShardedPlant.EntityIds(spec).Order(StringComparer.Ordinal), on1.Concat(on2).Order(StringComparer.Ordinal));

            // The same outcome as one node, event for event (instant, entity, manifest, payload hash).
            Assert.Equal(spec.Until, idle.Reading.Now);
            // A POL attempt names the PEA's URL, whose port differs in every run: of those lines only
            // instant, entity and kind are compared.
            Assert.Equal(Comparable(single.DigestLines), Comparable(await RunDigest.DescribeAsync(node1, spec.Run)));
            var snapshot = await PlantReplay.CurrentAsync(node1, spec.Run);
            foreach (var (id, _) in spec.Devices)
                Assert.NotEmpty(snapshot.Entities[id.Value].Certificates);
            var attempts = (await EventQuery.AfterAsync(node1, spec.Run, 0, 100_000)).Where(e => e.Kind == "pol.attempt").ToList();
            Assert.Contains(attempts, a => a.Summary.Contains("pea-01", StringComparison.Ordinal));
            Assert.Contains(attempts, a => a.Summary.Contains("pea-02", StringComparison.Ordinal));
            Assert.All(attempts, a => Assert.StartsWith("secure OPC UA session", a.Summary, StringComparison.Ordinal));
        }
        finally
        {
            await node2.Terminate();
            await node1.Terminate();
        }
    }

    private static void Watch(ActorSystem node, string name, System.Collections.Concurrent.ConcurrentQueue<string> into)
    {
        var listener = node.ActorOf(Props.Create(() => new TroubleListener(name, into)));
        node.EventStream.Subscribe(listener, typeof(Akka.Event.AllDeadLetters));
        node.EventStream.Subscribe(listener, typeof(Akka.Event.Warning));
        node.EventStream.Subscribe(listener, typeof(Akka.Event.Error));
    }

    private sealed class TroubleListener : ReceiveActor
    {
        public TroubleListener(string node, System.Collections.Concurrent.ConcurrentQueue<string> into)
        {
            Receive<Akka.Event.AllDeadLetters>(d => into.Enqueue($"{node}: dead letter {Describe(d.Message)} from {d.Sender.Path} to {d.Recipient.Path}"));
            Receive<Akka.Event.LogEvent>(e => into.Enqueue($"{node}: {e.LogLevel()} {e.LogSource}: {e.Message} {e.Cause?.Message}"));
        }

        private static string Describe(object message) => message is Twin.Actors.Protocol.Tracked t ? $"Tracked({t.Message.GetType().Name}, {t.Label})" : message.GetType().Name;
    }

    private static Config NodeConfig(TwinDatabase database) =>
        ConfigurationFactory.ParseString("""
                akka.loglevel = WARNING
                akka.cluster.min-nr-of-members = 2
                """)
            .WithFallback(ConfigurationFactory.ParseString(ShardedPlant.ClusterHocon()))
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.SerializationHocon))
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.Hocon(database)));

    private static List<string> Comparable(IEnumerable<string> lines) =>
        lines.Select(l => l.Contains(" pol.attempt", StringComparison.Ordinal) ? string.Join(' ', l.Split(' ').Take(3)) : l).ToList();

    private static async Task<IReadOnlyList<string>> EntitiesOn(ActorSystem node)
    {
        var state = await ClusterSharding.Get(node).ShardRegion(ShardedPlant.TypeName).Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(10));
        return state.Shards.SelectMany(s => s.EntityIds).ToList();
    }
}

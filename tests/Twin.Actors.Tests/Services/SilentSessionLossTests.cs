using System.Collections.Concurrent;
using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Plant;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Protocol.Queries;
using Twin.Actors.Tests.Support;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Transport;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Services;

/// <summary>
/// The POL's orchestration session dies under it without a word (no CloseSession, no ERR: the TCP connection is reset by a relay in
/// between) while the PEA keeps serving and moves on by itself. In max mode the run must not wait for an observation that can no longer
/// arrive: the POL notices the closed channel, journals the lost session, reconnects at once and sees through the new subscription what
/// the PEA did meanwhile, at the PEA's own instants.
/// </summary>
public sealed class SilentSessionLossTests
{
    private static readonly SimInstant Start = SimInstant.Parse("2030-01-01T00:00:00Z");

    [Fact]
    public async Task A_POL_session_cut_silently_is_journaled_as_lost_and_reopened_and_max_mode_runs_to_its_end()
    {
        await using var relays = new Relays();
        var runtime = new PlantRuntime { OrchestrationConnect = relays.ConnectAsync };
        var work = new SimulationWork();
        // Counted before the plant starts, so max mode cannot pass the cut's instant before the cut is in the clock's timetable.
        work.Begin(ScheduleAt.CountedLabel);
        var cuts = new ConcurrentQueue<int>();
        // The POL starts Dose at 00:10 (Starting); the PEA reaches Execute by itself at 00:11. The cut falls in between.
        var cutAt = Start.Add(TimeSpan.FromMinutes(10.5));
        int? peaSessions = null;
        var outcome = await PlantRun.ToEndAsync(ServiceOrchestrationTests.Plant("mtp-silent", TimeSpan.FromHours(3)), "mtp-silent",
            runtime: runtime, work: work, started: async (system, plant) =>
            {
                var cutter = system.ActorOf(Props.Create(() => new Cutter(work, () => cuts.Enqueue(relays.Cut()))), "cutter");
                var clock = await system.ActorSelection(plant.Path / "clock").ResolveOne(TimeSpan.FromMinutes(1));
                clock.Tell(new ScheduleAt(cutAt, cutter, "cut", "cut") { Counted = true });
            }, finished: async (_, _) => peaSessions = await ServerSessionsAsync(runtime, "pea-01", 1));

        Assert.Equal([1], cuts); // exactly the one live orchestration connection was reset
        var calls = outcome.Journal.OfType<PolServiceCalled>().ToList();
        Assert.Equal(["Start Good", "Complete Good"], calls.Select(c => $"{c.Command} {c.Status}"));
        Assert.True(calls[0].At < cutAt);

        var lost = Assert.Single(outcome.Journal.OfType<PolServiceSessionLost>());
        Assert.Equal("pea-01", lost.Target.Value);
        Assert.True(lost.StatusCode is StatusCodes.BadConnectionClosed or StatusCodes.BadSecureChannelClosed, lost.Status);
        // Noticed at the cut, or at the latest when the PEA's next change (Execute, 00:11) waited for it.
        Assert.InRange(lost.At.Utc, cutAt.Utc, Start.Add(TimeSpan.FromMinutes(11)).Utc);

        AssertReopenedForTheLoss(outcome.Journal, lost);

        // Every state the PEA went through is seen once, stamped with the PEA's instant, the one passed while no session stood included.
        AssertEveryDoseStateSeenOnce(outcome.Journal);
        Assert.Equal(0, runtime.Observations.Pending);
        Assert.Contains(outcome.Events, e => e.Entity.Value == "pol" && e.Summary.Contains("orchestration session with pea-01 lost", StringComparison.Ordinal));
        // Part 4 §5.6.3: the lost session was re-activated on a new channel and closed there; the PEA's server holds only the reopened one
        // (before, it kept the orphan and its subscription until the session's timeout, years away).
        Assert.Equal(1, peaSessions);
    }

    // What the PEA's server holds now, polled (bounded) until it is the expected count: a session is closed on the server's own threads.
    private static async Task<int?> ServerSessionsAsync(PlantRuntime runtime, string pea, int expected)
    {
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        int? sessions = null;
        for (var i = 0; i < 300; i++)
        {
            sessions = (await runtime.Devices[pea].Ask<DeviceStatus>(new GetDeviceStatus(), TimeSpan.FromSeconds(30))).ServerSessions;
            if (sessions == expected) break;
            await poll.WaitForNextTickAsync();
        }
        return sessions;
    }

    // Two sessions: the first connection, and the reopening at the loss's instant, for the loss, with every service of the PEA.
    private static void AssertReopenedForTheLoss(IReadOnlyList<Twin.Actors.Protocol.ITwinEvent> journal, PolServiceSessionLost lost)
    {
        var sessions = journal.OfType<PolServiceSessionOpened>().OrderBy(s => s.At).ToList();
        Assert.Equal(2, sessions.Count);
        Assert.Equal((0u, "first connection"), (sessions[0].StatusCode, sessions[0].Reason));
        Assert.Equal((0u, "the session was lost", lost.At), (sessions[1].StatusCode, sessions[1].Reason, sessions[1].At));
        Assert.Equal(["Dose", "Mix", "Temper"], sessions[1].Services);
    }

    // Every state Dose went through is observed once, stamped with the PEA's instant (after the initial Idle).
    private static void AssertEveryDoseStateSeenOnce(IReadOnlyList<Twin.Actors.Protocol.ITwinEvent> journal)
    {
        var changes = journal.OfType<PeaServiceStateChanged>().Where(c => c.Service == "Dose").OrderBy(c => c.At).ToList();
        var seen = journal.OfType<PolServiceObserved>().Where(o => o.Service == "Dose").OrderBy(o => o.At).ToList();
        Assert.Equal(["Idle", "Starting", "Execute", "Completing", "Completed"], seen.Select(o => o.State));
        Assert.Equal(changes.Select(c => c.At), seen.Skip(1).Select(o => o.At));
    }

    // The POL dies after journaling the loss and before the reopening: the run stops while the reopening's connection is being made (that
    // connection never completes), so the journal holds pol.service-session-lost and no opening after it. Started again on the same
    // journal, the POL reopens at the loss's instant, for the loss, and sees through the new subscription every state the PEA went through.
    [Fact]
    public async Task A_POL_stopped_between_the_loss_and_the_reopening_reopens_when_the_run_resumes()
    {
        var folder = RepoPaths.NewScratch("mtp-silent-kill");
        var database = Twin.Actors.Persistence.TwinDatabase.Sqlite(Path.Combine(folder, "journal.db"));
        var spec = ServiceOrchestrationTests.Plant("mtp-silent-kill", TimeSpan.FromHours(3));
        var cutAt = Start.Add(TimeSpan.FromMinutes(10.5));
        var reopening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var relays = new Relays(reopening))
        {
            var work = new SimulationWork();
            work.Begin(ScheduleAt.CountedLabel);
            await PlantRun.StopWhenAsync(spec, "mtp-silent-kill", database, folder, new PlantRuntime { OrchestrationConnect = relays.ConnectAsync }, work,
                started: async (system, plant) =>
                {
                    var cutter = system.ActorOf(Props.Create(() => new Cutter(work, () => relays.Cut())), "cutter");
                    var clock = await system.ActorSelection(plant.Path / "clock").ResolveOne(TimeSpan.FromMinutes(1));
                    clock.Tell(new ScheduleAt(cutAt, cutter, "cut", "cut") { Counted = true });
                }, until: reopening.Task);
        }

        await using var again = new Relays();
        var outcome = await PlantRun.ToEndAsync(spec, "mtp-silent-resumed", database, folder, runtime: new PlantRuntime { OrchestrationConnect = again.ConnectAsync });

        var lost = Assert.Single(outcome.Journal.OfType<PolServiceSessionLost>());
        Assert.InRange(lost.At.Utc, cutAt.Utc, Start.Add(TimeSpan.FromMinutes(11)).Utc);
        AssertReopenedForTheLoss(outcome.Journal, lost);

        var calls = outcome.Journal.OfType<PolServiceCalled>().ToList();
        Assert.Equal(["Start Good", "Complete Good"], calls.Select(c => $"{c.Command} {c.Status}"));
        AssertEveryDoseStateSeenOnce(outcome.Journal);
    }

    /// <summary>Runs an action when the clock wakes it, and reports the wake-up's work done.</summary>
    private sealed class Cutter : ReceiveActor
    {
        public Cutter(SimulationWork work, Action cut) => Receive<Tracked>(t =>
        {
            cut();
            work.Done(t.Label);
        });
    }

    /// <summary>One <see cref="CuttableRelay"/> per server endpoint the POL connects to.</summary>
    private sealed class Relays(TaskCompletionSource? holdAfterCut = null) : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, CuttableRelay> _relays = new(StringComparer.Ordinal);
        private volatile bool _cut;

        public async Task<UaConnection> ConnectAsync(string endpointUrl, CancellationToken ct)
        {
            if (_cut && holdAfterCut is not null)
            {
                // The connection after the cut (the reopening) is never made: the test stops the run here.
                holdAfterCut.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }
            var target = new Uri(endpointUrl);
            var relay = _relays.GetOrAdd(endpointUrl, _ => new CuttableRelay(target.Host, target.Port));
            return await SocketPipes.ConnectAsync($"opc.tcp://127.0.0.1:{relay.Port}", ct);
        }

        public int Cut()
        {
            _cut = true;
            return _relays.Values.Sum(r => r.Cut());
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var relay in _relays.Values) await relay.DisposeAsync();
        }
    }
}

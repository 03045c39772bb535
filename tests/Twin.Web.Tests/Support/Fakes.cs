using Twin.Actors.Clock;
using Twin.Actors.Control;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Commands;

namespace Twin.Web.Tests.Support;

/// <summary>Records every command; answers revocations and reachability changes as a CA would.</summary>
internal sealed class FakeControl : ITwinControl
{
    public List<string> Calls { get; } = [];

    public ClockReading Clock { get; set; } = new(PlantEvents.T0, ClockMode.Realtime, 60, false);

    // Like the twin's clock, the reading follows the commands: the clock bar re-reads it every wall second.
    public void Pause()
    {
        Calls.Add("pause");
        Clock = Clock with { Paused = true };
    }

    public void Resume()
    {
        Calls.Add("resume");
        Clock = Clock with { Paused = false };
    }

    public void SetSpeed(double speed)
    {
        Calls.Add($"speed {speed}");
        Clock = Clock with { Speed = speed };
    }

    public void Step() => Calls.Add("step");

    public Task<T> AskEntityAsync<T>(EntityId entity, object command, TimeSpan timeout)
    {
        Calls.Add($"{entity.Value}: {command}");
        object answer = command switch
        {
            RevokeCertificate r => new RevocationDone(r.Serial, 2),
            SetCaReachable s => new CaReachability(s.Reachable),
            LaunchAttack a => new AttackDone(entity, a.Attack.ToString(), 1, 1, $"{a.Attack} on {entity.Value}: 1 of 1 steps refused"),
            InterceptDiscovery i => new AttackDone(i.Pea, "downgrade-none", 2, 2, $"man in the middle on {entity.Value}'s way to {i.Pea.Value}: 2 of 2 steps refused"),
            _ => throw new InvalidOperationException("unexpected command " + command),
        };
        return Task.FromResult((T)answer);
    }
}

internal sealed class FakeModel(PlantSnapshot snapshot) : IPlantReadModel
{
    public PlantSnapshot Current { get; private set; } = snapshot;

    public event Action<PlantSnapshot>? Changed;

    public void Set(PlantSnapshot s)
    {
        Current = s;
        Changed?.Invoke(s);
    }

    public int Subscribers => Changed?.GetInvocationList().Length ?? 0;
}

internal sealed class FakeJournal(IReadOnlyList<JournaledEvent> events) : IRunJournal
{
    // Replaced whole when a test puts another run behind the dashboard.
    public IReadOnlyList<JournaledEvent> Events { get; set; } = events;

    public Task<IReadOnlyList<JournaledEvent>> ReadAsync(CancellationToken cancellationToken = default) => Task.FromResult(Events);

    /// <summary>When set, a replay's load waits for (or fails with) what it returns for the instant: a slow or closing journal.</summary>
    public Func<SimInstant, Task>? Gate { get; set; }

    public async Task<PlantSnapshot> SnapshotAtAsync(SimInstant at, CancellationToken cancellationToken = default)
    {
        // The run's events as they were when the load began, as a journal reading one run does.
        var events = Events;
        if (Gate is { } gate) await gate(at);
        return RunJournal.FoldUntil(events, at);
    }
}

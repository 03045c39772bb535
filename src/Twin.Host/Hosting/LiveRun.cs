using Twin.Actors.Clock;
using Twin.Actors.Control;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Host.Api;
using Twin.Web.Live;

namespace Twin.Host.Hosting;

/// <summary>
/// The run the web host serves now. The web host lives as long as the process; <see cref="ReplaceAsync"/> stops the
/// current <see cref="TwinRun"/> and starts the next one behind the same dashboard and API. Everything the web host
/// reads of a run goes through the views registered by <see cref="LiveRunServices.AddLiveRun"/>, which always answer from the current
/// run: open pages keep their circuit and follow the new run (<see cref="LiveRunNotice"/> tells them it changed).
/// </summary>
public sealed class LiveRun(TwinRun first, LiveRunNotice notice) : IDisposable
{
    private readonly SemaphoreSlim _switching = new(1, 1);
    private TwinRun _current = first;

    /// <summary>The run served now.</summary>
    public TwinRun Current => Volatile.Read(ref _current);

    /// <summary>Raised (after <see cref="Current"/> changed) with the run now served.</summary>
    public event Action<TwinRun>? Replaced;

    /// <summary>
    /// Stops and disposes the current run, then starts <paramref name="next"/> and serves it. The old run is stopped
    /// first: both would write the same journal and listen on the same enrollment port. When <paramref name="next"/>
    /// cannot start, the stopped run stays current (its pages show it ended) and the exception goes to the caller.
    /// <paramref name="serving"/> runs once the new run is current, before anyone is told.
    /// </summary>
    public async Task ReplaceAsync(TwinRun next, CancellationToken cancellationToken, Action? serving = null)
    {
        ArgumentNullException.ThrowIfNull(next);
        await _switching.WaitAsync(cancellationToken);
        try
        {
            var old = Current;
            await old.DisposeAsync();
            await next.StartAsync(cancellationToken);
            Volatile.Write(ref _current, next);
            serving?.Invoke();
            Replaced?.Invoke(next);
            notice.Raise();
        }
        finally
        {
            _switching.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _switching.Dispose();

    /// <summary>Starts the first run with the web host, and stops whichever run is current when the web host stops.</summary>
    internal sealed class Lifetime(LiveRun live) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => live.Current.StartAsync(cancellationToken);

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            await live._switching.WaitAsync(cancellationToken);
            try
            {
                await live.Current.DisposeAsync();
            }
            finally
            {
                live._switching.Release();
            }
        }
    }
}

/// <summary>The read model of the current run; its subscribers move to the next run's model when the run is replaced.</summary>
internal sealed class LiveReadModel : IPlantReadModel
{
    private readonly Lock _gate = new();
    private IPlantReadModel _model;

    public LiveReadModel(LiveRun live)
    {
        _model = Of(live.Current);
        _model.Changed += OnChanged;
        live.Replaced += run =>
        {
            var next = Of(run);
            lock (_gate)
            {
                _model.Changed -= OnChanged;
                _model = next;
                next.Changed += OnChanged;
            }
            Changed?.Invoke(next.Current);
        };
    }

    public PlantSnapshot Current
    {
        get
        {
            lock (_gate) return _model.Current;
        }
    }

    public event Action<PlantSnapshot>? Changed;

    private void OnChanged(PlantSnapshot snapshot) => Changed?.Invoke(snapshot);

    private static IPlantReadModel Of(TwinRun run) => run.Services.GetRequiredService<IPlantReadModel>();
}

/// <summary>
/// The control interface of the current run. Between the old run's stop and the new run's start (a replacement, or the
/// host's shutdown) nothing acts: clock commands are dropped (the clock bar shows the stopped run as ended), a command to an
/// entity is refused at once with a message that says why — instead of waiting out its timeout on a stopped actor system —
/// and a stop answers the instant the run stood still.
/// </summary>
internal sealed class LiveControl(LiveRun live) : ITwinControl
{
    private ITwinControl Control => live.Current.Services.GetRequiredService<ITwinControl>();

    private bool Serving => live.Current.IsServing;

    public ClockReading Clock => Control.Clock;

    public TwinSession Session => Control.Session;

    public void Pause()
    {
        if (Serving) Control.Pause();
    }

    public void Resume()
    {
        if (Serving) Control.Resume();
    }

    public void SetSpeed(double speed)
    {
        if (Serving) Control.SetSpeed(speed);
    }

    public void Step()
    {
        if (Serving) Control.Step();
    }

    public Task<T> AskEntityAsync<T>(EntityId entity, object command, TimeSpan timeout) => Serving
        ? Control.AskEntityAsync<T>(entity, command, timeout)
        : Task.FromException<T>(new ArgumentException($"The run {live.Current.Spec.Run} has stopped and the next one is not serving yet: entity '{entity}' cannot act now."));

    public Task<SimInstant> StopRunAsync(string by) => Serving ? Control.StopRunAsync(by) : Task.FromResult(Control.Clock.Now);
}

/// <summary>The journal of the current run.</summary>
internal sealed class LiveJournal(LiveRun live) : IRunJournal
{
    private IRunJournal Journal => live.Current.Services.GetRequiredService<IRunJournal>();

    public Task<IReadOnlyList<JournaledEvent>> ReadAsync(CancellationToken cancellationToken = default) => Journal.ReadAsync(cancellationToken);

    public Task<PlantSnapshot> SnapshotAtAsync(SimInstant at, CancellationToken cancellationToken = default) => Journal.SnapshotAtAsync(at, cancellationToken);
}

/// <summary>Registers the current run's services in the web host.</summary>
public static class LiveRunServices
{
    /// <summary>
    /// Makes the web host serve <paramref name="first"/> and whatever run replaces it: the read model, control and journal
    /// follow the current run; the run's plant, runtime and actor system are resolved from it on every use (none of them
    /// is disposable, so a request scope never disposes what the run owns).
    /// </summary>
    public static IServiceCollection AddLiveRun(this IServiceCollection services, TwinRun first)
    {
        ArgumentNullException.ThrowIfNull(first);
        services.AddSingleton(sp => new LiveRun(first, sp.GetRequiredService<LiveRunNotice>()));
        services.AddHostedService(sp => new LiveRun.Lifetime(sp.GetRequiredService<LiveRun>()));
        services.AddSingleton<IPlantReadModel>(sp => new LiveReadModel(sp.GetRequiredService<LiveRun>()));
        services.AddSingleton<ITwinControl>(sp => new LiveControl(sp.GetRequiredService<LiveRun>()));
        services.AddSingleton<IRunJournal>(sp => new LiveJournal(sp.GetRequiredService<LiveRun>()));
        services.AddTransient(sp => sp.GetRequiredService<LiveRun>().Current.Spec);
        services.AddTransient(sp => sp.GetRequiredService<LiveRun>().Current.Services.GetRequiredService<PlantRuntime>());
        services.AddTransient(sp => sp.GetRequiredService<LiveRun>().Current.Services.GetRequiredService<RunActors>());
        services.AddTransient(sp => sp.GetRequiredService<LiveRun>().Current.Services.GetRequiredService<RunProgress>());
        return services;
    }
}

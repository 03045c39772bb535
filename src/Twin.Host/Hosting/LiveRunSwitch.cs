using Twin.Actors.Control;
using Twin.Web.Scenarios;

namespace Twin.Host.Hosting;

/// <summary>
/// Lets the dashboard replace the live run: `serve` builds the web host with the current scenario's run, waits on
/// <see cref="NextRunAsync"/>, and when another scenario is asked for puts its run behind the same web host
/// (<see cref="LiveRun.ReplaceAsync"/>): open pages stay connected and show the new run. The journal keeps every
/// run; a scenario started again resumes its run, unless the live run was ended (then it is a fresh run).
/// </summary>
internal sealed class LiveRunSwitch(string current) : IScenarioRunner
{
    private readonly Lock _gate = new();
    private TaskCompletionSource<string> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The control of the host now serving; set by `serve` after each start.</summary>
    public ITwinControl? Control { get; set; }

    /// <inheritdoc />
    public string? Current { get; private set; } = current;

    // The read model of the host now serving: a run found ended in its journal (stopped before a restart) is not running.
    private Twin.Actors.Projections.IPlantReadModel? _model;
    private bool _running = true;
    private bool _ended;

    /// <inheritdoc />
    public bool Running => _running && _model?.Current.Ended is null;

    /// <inheritdoc />
    public Task StartAsync(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException("No scenario file there.", path);
        lock (_gate) _next.TrySetResult(Path.GetFullPath(path));
        return Task.CompletedTask;
    }

    /// <summary>True once the live run was ended: the next start is a fresh run, not a resumption of the ended one.</summary>
    public bool Ended => _ended || _model?.Current.Ended is not null;

    /// <inheritdoc />
    public async Task StopAsync()
    {
        if (Control is { } control) await control.StopRunAsync("dashboard");
        _running = false;
        _ended = true;
    }

    /// <summary>Marks <paramref name="app"/> as serving <paramref name="path"/> and waits for the next scenario; null once the host shuts down.</summary>
    public async Task<string?> NextRunAsync(WebApplication app, string path, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(app);
        // The web host's control and read model follow whichever run it serves.
        Control = app.Services.GetRequiredService<ITwinControl>();
        _model = app.Services.GetService<Twin.Actors.Projections.IPlantReadModel>();
        Started(path);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(token, app.Lifetime.ApplicationStopping);
        return await NextAsync(stopping.Token);
    }

    /// <summary>
    /// Puts the run of <paramref name="path"/> behind <paramref name="app"/> in place of the current one. A scenario that does
    /// not load leaves the current run serving (<see cref="RunReplacement.NotLoaded"/>, after telling why); a run that cannot
    /// start after the current one stopped is <see cref="RunReplacement.Failed"/>.
    /// </summary>
    public async Task<RunReplacement> ReplaceAsync(WebApplication app, TwinOptions options, string path, long? seed, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        TwinRun next;
        try
        {
            next = TwinRun.Build(options, NextSpec(path, seed, Ended));
        }
        catch (Exception e) when (e is Twin.Actors.Scenarios.ScenarioException or Twin.Actors.Persistence.StorageUnavailableException or Enrollment.EnrollmentConfigurationException or IOException)
        {
            await Console.Error.WriteLineAsync($"PlantTrust cannot start {path}: {e.Message}");
            return RunReplacement.NotLoaded;
        }
        try
        {
            await app.Services.GetRequiredService<LiveRun>().ReplaceAsync(next, token, () => Started(path));
        }
        catch (Exception e) when (e is Twin.Actors.Persistence.StorageUnavailableException or IOException)
        {
            await Console.Error.WriteLineAsync($"PlantTrust cannot start {path}: {e.Message}");
            await next.DisposeAsync();
            return RunReplacement.Failed;
        }
        Console.WriteLine($"PlantTrust runs {path}");
        return RunReplacement.Replaced;
    }

    /// <summary>The plant of <paramref name="path"/> to start next: after an end (<paramref name="ended"/>), a fresh run beside the ended one in the same journal.</summary>
    internal static Twin.Actors.Plant.PlantSpec NextSpec(string path, long? seed, bool ended)
    {
        var spec = Twin.Actors.Scenarios.ScenarioLoader.LoadFile(path).ToPlant(seed);
        return ended ? spec with { Run = FreshRun(spec.Run, DateTime.UtcNow) } : spec;
    }

    /// <summary>The id of a fresh run of <paramref name="run"/> started at wall time <paramref name="now"/>: unique in a journal that keeps the ended ones.</summary>
    public static Twin.Actors.Model.RunId FreshRun(Twin.Actors.Model.RunId run, DateTime now) =>
        new($"{run.Value[..Math.Min(48, run.Value.Length)]}-{now.ToUniversalTime():yyyyMMdd-HHmmss}");

    /// <summary>The scenario the dashboard asked for next; cancelled with <paramref name="token"/>.</summary>
    private async Task<string?> NextAsync(CancellationToken token)
    {
        Task<string> next;
        lock (_gate) next = _next.Task;
        try
        {
            return await next.WaitAsync(token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Records that <paramref name="path"/> is now the live run, and arms the next switch.</summary>
    public void Started(string path)
    {
        lock (_gate)
        {
            Current = path;
            _running = true;
            _ended = false;
            if (_next.Task.IsCompleted) _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}

/// <summary>How <see cref="LiveRunSwitch.ReplaceAsync"/> went.</summary>
internal enum RunReplacement
{
    /// <summary>The new run serves.</summary>
    Replaced,

    /// <summary>The scenario did not load; the run that served goes on.</summary>
    NotLoaded,

    /// <summary>The old run stopped and the new one could not start.</summary>
    Failed,
}

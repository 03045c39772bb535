using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Host.Enrollment;

namespace Twin.Host.Hosting;

/// <summary>
/// One live run of a plant with everything that belongs to it and nothing else: the actor system and the plant, the
/// clock, the read model and its projection, the run's journal reader, and the enrollment listener. The web host that
/// serves the dashboard outlives it (<see cref="LiveRun"/>): Stop and Start on the dashboard replace the run, not the
/// web host, so open pages stay connected.
/// </summary>
public sealed class TwinRun : IAsyncDisposable
{
    private readonly IHost _host;
    private int _state; // 0 built, 1 started, 2 stopped

    private TwinRun(IHost host, PlantSpec spec)
    {
        _host = host;
        Spec = spec;
    }

    /// <summary>The plant this run plays.</summary>
    public PlantSpec Spec { get; }

    /// <summary>True from the start until the run is stopped: its entities act.</summary>
    public bool IsServing => Volatile.Read(ref _state) == 1;

    /// <summary>The run's own services (read model, control, clock, actor system, enrollment backend).</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Builds (does not start) the run of <paramref name="spec"/>. Throws with a clear message on bad storage or enrollment settings.</summary>
    public static TwinRun Build(TwinOptions options, PlantSpec spec)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(spec);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        // The web host owns the process: Ctrl+C stops it, and it stops its run; the run does not listen for signals itself.
        builder.Services.AddSingleton<IHostLifetime, RunLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.AddTwin(options, spec);
        builder.Services.AddEstEnrollment(options.Est, spec.Run);
        builder.Services.AddSingleton<IRunJournal>(sp => new RunJournal(sp.GetRequiredService<Akka.Actor.ActorSystem>(), spec.Run));
        return new TwinRun(builder.Build(), spec);
    }

    /// <summary>Starts the plant, its projection and the enrollment listener.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0) throw new InvalidOperationException($"The run {Spec.Run} was started before.");
        await _host.StartAsync(cancellationToken);
    }

    /// <summary>Stops every part of the run (idempotent).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var was = Interlocked.Exchange(ref _state, 2);
        if (was == 2) return; // stopped before (and perhaps disposed since): nothing of the host may be touched again
        if (was == 1) await _host.StopAsync(cancellationToken);
        // The run's entities are gone: its key vault lets go of the PKCS#11 token, so the next run may open its own folder's.
        _host.Services.GetService<Twin.Actors.Keys.FileKeyVault>()?.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        if (_host is IAsyncDisposable disposable) await disposable.DisposeAsync();
        else _host.Dispose();
    }

    private sealed class RunLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

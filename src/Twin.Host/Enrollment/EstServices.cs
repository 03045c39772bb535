using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Control;
using Twin.Actors.Entities.Enrollment;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Actors.Projections;

namespace Twin.Host.Enrollment;

/// <summary>Registration of the enrollment endpoints (EST, BRSKI) and the journal they record to.</summary>
public static class EstServices
{
    /// <summary>
    /// Registers the backend over the live twin and, when enabled, the HTTPS enrollment listener. Reads the manufacturer files
    /// now, so a bad setting stops the start with its name.
    /// </summary>
    public static IServiceCollection AddEstEnrollment(this IServiceCollection services, EstOptions options, RunId run)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Port is < 0 or > 65535)
            throw new EnrollmentConfigurationException($"Twin:Est:Port {options.Port} is not a TCP port (0 picks a free one).");
        if (options.Lifetime <= TimeSpan.Zero)
            throw new EnrollmentConfigurationException($"Twin:Est:Lifetime {options.Lifetime} must be positive.");
        var manufacturers = new EstManufacturers(options);
        services.AddSingleton(options);
        services.AddSingleton(manufacturers);
        services.AddSingleton(sp =>
        {
            // The enrollment log starts with the first enrollment: a twin nobody enrolls into does no journal work for it,
            // and the actor system's start is not slowed by it.
            var log = new Lazy<IActorRef>(() => sp.GetRequiredService<ActorSystem>().ActorOf(EnrollmentLogActor.Props(run), "enrollment-log"), LazyThreadSafetyMode.ExecutionAndPublication);
            return new EstTwinBackend(
                () => sp.GetRequiredService<ITwinControl>(),
                sp.GetRequiredService<IPlantReadModel>(),
                sp.GetRequiredService<PlantRuntime>().Distribution,
                sp.GetRequiredService<SimulationClock>(),
                run,
                _ => Task.FromResult(log.Value),
                options,
                manufacturers,
                sp.GetService<PlantSpec>()?.Registrars.Select(r => r.Settings).ToList())
            {
                DeviceKeyStorage = sp.GetService<PlantSpec>()?.DeviceKeyStorage ?? Twin.Actors.Keys.KeyStoreKind.Software,
                Runtime = sp.GetRequiredService<PlantRuntime>(),
            };
        });
        services.AddSingleton<IEstBackend>(sp => sp.GetRequiredService<EstTwinBackend>());
        if (options.Enabled)
        {
            services.AddSingleton<EnrollmentTlsListener>();
            services.AddHostedService(sp => sp.GetRequiredService<EnrollmentTlsListener>());
        }
        return services;
    }
}

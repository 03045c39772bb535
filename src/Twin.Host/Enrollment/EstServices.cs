using Akka.Hosting;
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
    /// <summary>Starts the enrollment log of <paramref name="run"/>: every decision and external certificate is journaled by it.</summary>
    public static AkkaConfigurationBuilder AddEnrollmentLog(this AkkaConfigurationBuilder akka, RunId run) =>
        akka.WithActors((system, registry) => registry.Register<EnrollmentLogActor>(system.ActorOf(EnrollmentLogActor.Props(run), "enrollment-log")));

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
        services.AddSingleton(sp => new EstTwinBackend(
            () => sp.GetRequiredService<ITwinControl>(),
            sp.GetRequiredService<IPlantReadModel>(),
            sp.GetRequiredService<PlantRuntime>().Distribution,
            sp.GetRequiredService<SimulationClock>(),
            run,
            token => sp.GetRequiredService<IRequiredActor<EnrollmentLogActor>>().GetAsync(token),
            options,
            manufacturers));
        services.AddSingleton<IEstBackend>(sp => sp.GetRequiredService<EstTwinBackend>());
        if (options.Enabled)
        {
            services.AddSingleton<EnrollmentTlsListener>();
            services.AddHostedService(sp => sp.GetRequiredService<EnrollmentTlsListener>());
        }
        return services;
    }
}

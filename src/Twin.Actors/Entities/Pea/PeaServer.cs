using Twin.Actors.Clock;
using Twin.Actors.Trust;
using Twin.OpcUa.Server;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Pea;

/// <summary>
/// A PEA's OPC UA server on a real loopback TCP port, presenting the PEA's current application
/// certificate and checking clients with the PEA's validator (the plant's trust view) at simulated now.
/// Restarted with the new certificate after every renewal. Runtime only: ports are not journaled.
/// </summary>
internal sealed class PeaServer : IAsyncDisposable, Attacks.IAttackedServer
{
    private UaServerHost? _host;

    private PlantCertificateValidator? _validator;

    public string? EndpointUrl => _host?.EndpointUrl;

    /// <summary>Sessions the running server holds; null when it is not running.</summary>
    public int? SessionCount => _host?.SessionCount;

    /// <inheritdoc />
    public IReadOnlyCollection<string> RejectedThumbprints => _validator?.Rejected.Rejected.Select(c => c.Thumbprint).ToHashSet() ?? [];

    /// <inheritdoc />
    public (bool Staged, DateTime LastUpdate) TrustListState =>
        _host is { } host ? (host.ServerConfiguration.HasStagedChanges, host.ServerConfiguration.TrustListLastUpdateTime) : (false, DateTime.MinValue);

    /// <summary>Starts (or restarts) the server with <paramref name="certificate"/> and its RSA <paramref name="key"/>, exposing <paramref name="services"/> if given.</summary>
    public async Task<string> StartAsync(string applicationUri, string name, Certificate certificate, ISigningKey key, PlantCertificateValidator validator, SimulationClock clock, PeaServiceSet? services = null,
        Func<ServerOptions, ServerOptions>? configure = null)
    {
        await StopAsync();
        var withKey = OpcUaIdentity.WithPrivateKey(certificate, key);
        var space = new AddressSpace(applicationUri, applicationUri + ":services");
        var folder = space.AddFolder(null, name);
        services?.Bind(space, folder.NodeId);
        var options = new ServerOptions
        {
            ApplicationUri = applicationUri,
            ApplicationName = name,
            Certificate = withKey,
            OfferNone = false,
            AllowAnonymous = true,
            CertificateValidator = validator,
            Time = new SimTimeProvider(clock),
            // Channels and sessions are judged on this clock too: in max mode simulated time leaps, so the POL's long-lived
            // orchestration session asks for the longest token the stack can time (its renewals run on wall time).
            MaxChannelLifetime = LongLivedChannel.Lifetime,
            MaxSessionTimeout = LongLivedChannel.SessionTimeout,
            // The twin's endpoints share two CPUs with its actors: no CPU spent spinning for a busy client (docs/opcua.md).
            ReceiveSpin = TimeSpan.Zero,
        };
        _validator = validator;
        _host = UaServerHost.StartTcp(space, configure?.Invoke(options) ?? options);
        return _host.EndpointUrl;
    }

    /// <summary>Told before a running server stops (or restarts): the sessions and subscriptions on it end.</summary>
    public Action? Stopping { get; set; }

    public async Task StopAsync()
    {
        if (_host is null) return;
        Stopping?.Invoke();
        await _host.DisposeAsync();
        _host = null;
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}

/// <summary>
/// The lifetimes of a session meant to outlive simulated leaps: about 35 days per security token (× 1.25 before a server refuses it, still
/// inside the 49.7 days a .NET timer can wait) and a session timeout of ten years. Ordinary probe sessions keep the stack's defaults.
/// </summary>
internal static class LongLivedChannel
{
    public const uint Lifetime = 3_000_000_000;
    public const double SessionTimeout = 10 * 365.25 * 24 * 3600 * 1000.0;
}

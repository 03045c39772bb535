using Akka.Actor;
using Akka.Event;
using Twin.Actors.Entities.Pea;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Device;

public sealed partial class DeviceActor
{
    private const string ServeLabel = "serve";
    private readonly Plant.PlantRuntime? _runtime;
    private readonly PeaServer _server = new();

    /// <summary>(Re)starts the OPC UA server with <paramref name="certificate"/>, as counted work: max mode waits until it listens. False: no server starts.</summary>
    private bool Serve(Certificate certificate)
    {
        if (!_settings.ServesOpcUa || _settings.OpcUaApplicationUri is not { } uri || _runtime is null || _state.Decommissioned || !MayRun) return false;
        var key = _vault.Load(_state.KeyRef!);
        Work.Begin(ServeLabel);
        var validator = TrustValidator();
        var runtime = _runtime;
        var self = Id.Value;
        // A POL restarted from its journal reopens the session it held here: taken as it was, not judged again (PlantRuntime.HoldSession).
        validator.Held = der => runtime.TakeHeldSession(self, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(der)));
        // Told before a running server stops or restarts, for any PEA (with or without MTP services): the sessions on it end with it, so
        // a POL whose session closes after this knows the stop, not a silent loss, ended it (ServiceObservations.Lost).
        var work = Work;
        _server.Stopping = () => runtime.Observations.ServerStopped(work, self);
        _server.StartAsync(uri, Id.Value, certificate, key, validator, _clock, ServicesForServer(), GdsServerOptions())
            .PipeTo(Self, success: url => new ServerStarted(url, certificate.SerialNumber.Hex));
        return true;
    }

    private void OnServerStarted(ServerStarted started)
    {
        if (_state.Decommissioned)
        {
            // Decommissioned while the server was starting: it does not stay up.
            _ = _server.StopAsync();
            Work.Done(ServeLabel);
            return;
        }
        _runtime!.Endpoints[Id.Value] = started.EndpointUrl;
        _log.Info("Device {0}: OPC UA server at {1} with certificate {2}.", Id, started.EndpointUrl, started.Serial);
        // The old server, and with it the last use of a superseded key, is gone: retire the keys before the work ends.
        RetireSupersededKeys(then: () => Work.Done(ServeLabel));
    }

    private void OnServerFailed(Status.Failure failure)
    {
        _log.Error(failure.Cause, "Device {0}: its OPC UA server could not start.", Id);
        Work.Done(ServeLabel);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _runtime?.Endpoints.TryRemove(Id.Value, out _);
        _ = _server.StopAsync();
        StopOrchestrations();
        base.PostStop();
    }

    /// <summary>The server listens at <paramref name="EndpointUrl"/> with the certificate of serial <paramref name="Serial"/>.</summary>
    private sealed record ServerStarted(string EndpointUrl, string Serial);
}

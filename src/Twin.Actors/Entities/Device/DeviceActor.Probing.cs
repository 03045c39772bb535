using Akka.Actor;
using Twin.Actors.Entities.Pea;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Trust;
using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;

namespace Twin.Actors.Entities.Device;

public sealed partial class DeviceActor
{
    private const string ProbeLabel = "probe";
    private const string ProbeKey = "probe";

    /// <summary>This entity as an OPC UA client: its certificate and key, its trust, simulated time, never SecurityPolicy None.</summary>
    private ClientOptions OwnClientOptions(Twin.Pki.Certificates.Certificate certificate, string uri, Twin.OpcUa.Messages.MessageSecurityMode? mode = null) => new()
    {
        ApplicationUri = uri,
        ApplicationName = Id.Value,
        Certificate = OpcUaIdentity.WithPrivateKey(certificate, _vault.Load(_state.KeyRef!)),
        ServerCertificateValidator = TrustValidator(),
        Time = new Clock.SimTimeProvider(_clock),
        AutoReconnect = false,
        ReceiveSpin = TimeSpan.Zero, // the twin's sessions leave the CPUs to its actors
        RequestTimeout = TimeSpan.FromSeconds(15),
        AllowedPolicies = PolPolicies,
        SecurityMode = mode,
    };

    private void StartProbing()
    {
        if (_settings.ProbeTargets.Count == 0) return;
        WakeAt(_clock.Now, new ProbeDue(), ProbeKey, priority: 5);
    }

    /// <summary>Connects to every target's server at once (but those in <see cref="ProbeDue.Done"/>); each attempt is counted work until its result is journaled.</summary>
    private void Probe(ProbeDue due)
    {
        if (_state.Decommissioned) return;
        WakeAt(_clock.Now.Add(_settings.ProbeInterval), new ProbeDue(), ProbeKey, priority: 5);
        if (_state.Current is not { } certificate || _runtime is null || _settings.OpcUaApplicationUri is not { } uri) return;
        // One identity and one validator for the whole round: the key is read and converted once, not per target.
        // A PEA's server connecting to its sibling servers insists on SignAndEncrypt; the POL takes the strongest offered.
        var options = OwnClientOptions(certificate, uri, _settings.ServesOpcUa ? Twin.OpcUa.Messages.MessageSecurityMode.SignAndEncrypt : null);
        _roundOptions = options;
        foreach (var target in _settings.ProbeTargets)
        {
            // A decommissioned PEA has left the plant: the POL no longer connects to it.
            if (_runtime.Retired.ContainsKey(target.Value) || due.Done.Contains(target.Value)) continue;
            if (ImportsFirst(target, options)) continue; // its MTP package is judged first
            Work.Begin(ProbeLabel);
            if (!_runtime.Endpoints.TryGetValue(target.Value, out var url))
            {
                Self.Tell(new ProbeResult(target, null, StatusCodes.BadNotConnected, "it serves no OPC UA endpoint now"));
                continue;
            }
            AttemptAsync(target, url, options).PipeTo(Self);
        }
    }

    private static async Task<ProbeResult> AttemptAsync(EntityId target, string url, ClientOptions options)
    {
        try
        {
            await using var session = await ClientSession.ConnectAsync(url, options).ConfigureAwait(false);
            return new ProbeResult(target, url, StatusCodes.Good, $"secure session established ({session.Endpoint.SecurityMode}, {(session.Endpoint.SecurityPolicyUri ?? "").Split('#')[^1]}){ServedCertificate(session)}");
        }
        catch (UaException e)
        {
            return new ProbeResult(target, url, e.StatusCode.Code, e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever else went wrong on the way (socket, timeout), the POL saw no session.
            return new ProbeResult(target, url, StatusCodes.BadCommunicationError, e.Message);
        }
    }

    private void Record(ProbeResult r) =>
        Persist<Protocol.ITwinEvent>(_settings.ServesOpcUa
            ? new PeaSiblingAttempted(_run, _clock.Now, Id, r.Target, r.Url, r.Code, StatusCodes.NameOf(r.Code), r.Reason)
            : new ConnectionAttempted(_run, _clock.Now, Id, r.Target, r.Url, r.Code, StatusCodes.NameOf(r.Code), r.Reason), _ =>
        {
            // A good probe opens the orchestration session; a refused one with a session held re-judges that session (it may be stale).
            if (r.Url is { } url && (r.Code == StatusCodes.Good || HoldsOrchestration(r.Target))) Orchestrate(r.Target, url);
            Work.Done(ProbeLabel);
        });

    /// <summary>The clock's wake-up: time to connect to every target again, except those in <paramref name="Done"/> (attempted at this instant before a restart).</summary>
    public sealed record ProbeDue(IReadOnlySet<string> Done)
    {
        /// <summary>A full round.</summary>
        public ProbeDue() : this(new HashSet<string>(StringComparer.Ordinal)) { }
    }

    private sealed record ProbeResult(EntityId Target, string? Url, uint Code, string Reason);
}

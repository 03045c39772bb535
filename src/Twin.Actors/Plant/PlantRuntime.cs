using System.Collections.Concurrent;
using Twin.Actors.Trust;

namespace Twin.Actors.Plant;

/// <summary>
/// What a running plant shares at run time beside the journal: the CRL distribution point and the
/// OPC UA endpoints its servers listen on (real ports, so never journaled). Rebuilt on every start.
/// </summary>
public sealed partial class PlantRuntime
{
    /// <summary>Where CAs publish and relying parties fetch.</summary>
    public CrlDistributionPoint Distribution { get; } = new();

    /// <summary>How RA-mode registrars reach their upstream CA; null: CMP over HTTP.</summary>
    public Entities.Registrar.ICmpTransport? CmpTransport { get; init; }

    /// <summary>The registrar of each operator domain, by domain name: where domain members send their CMP requests.</summary>
    public ConcurrentDictionary<string, Akka.Actor.IActorRef> Registrars { get; } = new(StringComparer.Ordinal);

    /// <summary>What each registrar running in this process publishes for its domain's CMP endpoint, by domain name (<see cref="Entities.Registrar.CmpGate"/>).</summary>
    public ConcurrentDictionary<string, Entities.Registrar.CmpGate> CmpGates { get; } = new(StringComparer.Ordinal);

    /// <summary>What each registrar running in this process publishes for its domain's EST endpoint, by domain name (<see cref="Entities.Registrar.EstGate"/>).</summary>
    public ConcurrentDictionary<string, Entities.Registrar.EstGate> EstGates { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// What an entity stopped alone leaves to its next start (<see cref="RestartHandovers"/>); set by the plant supervisor, whose
    /// back-off supervisors start entities again. Null where no supervisor starts them again (a test's bare actor stands for a killed process).
    /// </summary>
    public RestartHandovers? Handovers { get; internal set; }

    /// <summary>Entities taken out of service (decommissioned): the POL no longer connects to them.</summary>
    public ConcurrentDictionary<string, byte> Retired { get; } = new(StringComparer.Ordinal);

    /// <summary>What each POL has seen of the PEAs' service states, against what they hold: counted work until it is journaled.</summary>
    public ServiceObservations Observations { get; } = new();

    /// <summary>The OPC UA endpoint URL each serving entity listens on now.</summary>
    public ConcurrentDictionary<string, string> Endpoints { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How a POL's orchestration sessions reach a PEA's server at an endpoint URL: a TCP socket. Tests route it through a relay they
    /// can cut under a live session, as a network failure would.
    /// </summary>
    internal Func<string, CancellationToken, Task<Twin.OpcUa.Transport.UaConnection>> OrchestrationConnect { get; init; } = Twin.OpcUa.Transport.SocketPipes.ConnectAsync;
}

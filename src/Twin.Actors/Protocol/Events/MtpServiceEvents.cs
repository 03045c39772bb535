using Twin.Actors.Clock;
using Twin.Actors.Model;

namespace Twin.Actors.Protocol.Events;

/// <summary>
/// One of a PEA's MTP services changed state (VDI/VDE/NAMUR 2658-4): by <paramref name="Command"/> called over OPC UA, or by itself at the
/// end of a transient state (<paramref name="Command"/> null).
/// </summary>
[PersistedAs("pea.service-state.v1")]
public sealed record PeaServiceStateChanged(RunId Run, SimInstant At, EntityId Entity, string Service, string From, string To, string? Command) : ITwinEvent;

/// <summary>
/// The POL opened (or failed to open) its orchestration session with <paramref name="Target"/>'s server — a secure session with a
/// subscription on every service state — and why now (first connection, certificate or trust list changed, session lost). The endpoint's
/// ephemeral port is left out, so runs of one scenario and seed journal the same bytes.
/// </summary>
[PersistedAs("pol.service-session.v1")]
public sealed record PolServiceSessionOpened(RunId Run, SimInstant At, EntityId Entity, EntityId Target, uint StatusCode, string Status, string Reason, IReadOnlyList<string> Services) : ITwinEvent
{
    /// <summary>
    /// SHA-256 (hex) of what the POL validated with when it opened the session (its trust stamp): a restarted POL that restores the
    /// session knows whether the trust list changed since. Null in journals written before it was recorded.
    /// </summary>
    public string? Trust { get; init; }

    /// <summary>
    /// SHA-256 (hex) of the certificate the PEA's server presented: a restarted POL that finds the PEA serving another one (renewed
    /// while the POL was down) knows the session it held went with the old server. Null when none was opened, or in older journals.
    /// </summary>
    public string? Server { get; init; }
}

/// <summary>
/// The POL's orchestration session with <paramref name="Target"/> ended without being closed — the connection died under it while the
/// PEA's server kept serving — with the status code the client reported (BadConnectionClosed, BadSecureChannelClosed, BadTimeout when
/// the publish keep-alive went missing). The POL reopens it at once ("the session was lost"). A session that ends because the PEA's
/// server stopped is not recorded here: the stop is journaled by the PEA, and the POL's next probe reopens it.
/// </summary>
[PersistedAs("pol.service-session-lost.v1")]
public sealed record PolServiceSessionLost(RunId Run, SimInstant At, EntityId Entity, EntityId Target, uint StatusCode, string Status, string Reason) : ITwinEvent;

/// <summary>
/// The POL saw a service of <paramref name="Target"/> in <paramref name="State"/> through its subscription. <paramref name="At"/> is the
/// simulated instant the PEA changed state (the notification's source timestamp), not when the notification arrived.
/// </summary>
[PersistedAs("pol.service-observed.v1")]
public sealed record PolServiceObserved(RunId Run, SimInstant At, EntityId Entity, EntityId Target, string Service, string State) : ITwinEvent;

/// <summary>The POL called <paramref name="Command"/> on a service of <paramref name="Target"/>: the OPC UA status code it got.</summary>
[PersistedAs("pol.service-call.v1")]
public sealed record PolServiceCalled(RunId Run, SimInstant At, EntityId Entity, EntityId Target, string Service, string Command, uint StatusCode, string Status) : ITwinEvent;

/// <summary>
/// One OPC UA server of a multi-server PEA tried to open a secure session (SignAndEncrypt) with a sibling server of the same PEA, checking
/// it under its own trust list: the status code it got (Good, or the Part 4 code of the refusal) and why. Kept apart from the POL's
/// attempts, so POL–PEA availability is measured from the POL's alone.
/// </summary>
[PersistedAs("pea.sibling-attempt.v1")]
public sealed record PeaSiblingAttempted(RunId Run, SimInstant At, EntityId Entity, EntityId Target, string? EndpointUrl, uint StatusCode, string Status, string Reason) : ITwinEvent;

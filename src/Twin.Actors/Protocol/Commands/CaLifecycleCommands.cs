namespace Twin.Actors.Protocol.Commands;

/// <summary>Asks a subordinate CA to roll over: a new key certified by its parent, the old key kept for CRLs until its certificates are gone.</summary>
public sealed record RollOverCa(string Requester) : ICaCommand;

/// <summary>Asks a root CA to update its key and issue the link certificates (RFC 4210 §4.4).</summary>
public sealed record UpdateRootCaKey(string Requester) : ICaCommand;

/// <summary>
/// Reports an issuing CA's key compromised: its parent revokes it (cACompromise) and certifies a replacement key;
/// every holder of a certificate under the compromised key re-enrolls <paramref name="ReenrollAfter"/> later.
/// </summary>
public sealed record CompromiseCa(TimeSpan ReenrollAfter, string Requester) : ICaCommand;

/// <summary>A CA finished a rollover, root key update or compromise handling; <paramref name="Reenroll"/> lists who must re-enroll and when.</summary>
public sealed record CaLifecycleDone(string Cause, IReadOnlyList<Twin.Actors.Model.EntityId> Reenroll, Clock.SimInstant? ReenrollAt);

/// <summary>Asks a device to re-enroll with its CA at <paramref name="At"/> (its issuing CA was replaced).</summary>
public sealed record ReenrollAt(Clock.SimInstant At, string Requester) : IDeviceCommand;

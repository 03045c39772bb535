using Twin.Actors.Clock;
using Twin.Actors.Model;

namespace Twin.Actors.Protocol.Events;

/// <summary>
/// An entity destroyed one of its own keys in its key store: <paramref name="KeyRef"/> names the key, <paramref name="Reason"/> why
/// (a device's or PEA server's key superseded by the key of a newly installed certificate; a CA's previous key once its overlap
/// ended). Journaled before the store forgets the key, so a restart in between destroys it again and never the live key.
/// </summary>
[PersistedAs("key.destroyed.v1")]
public sealed record KeyDestroyed(RunId Run, SimInstant At, EntityId Entity, string KeyRef, string Reason) : ITwinEvent;

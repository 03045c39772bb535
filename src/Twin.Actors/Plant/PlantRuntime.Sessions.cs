using System.Collections.Concurrent;

namespace Twin.Actors.Plant;

public sealed partial class PlantRuntime
{
    // (server entity, SHA-256 of the client certificate) of sessions being restored after a restart.
    private readonly ConcurrentDictionary<(string Server, string Client), byte> _heldSessions = new();

    /// <summary>
    /// A client restarted from its journal reopens a session to <paramref name="server"/> that the simulated plant never lost: the
    /// server judged <paramref name="clientDigest"/> when the session was first opened, and an open session is not judged again, so the
    /// server takes that certificate once without judging it (no revocation lookup, no refusal for a revocation since).
    /// </summary>
    public void HoldSession(string server, string clientDigest) => _heldSessions[(server, clientDigest)] = 0;

    /// <summary>The restoration of <paramref name="server"/>'s session ended (opened or not): the certificate is judged as any again.</summary>
    public void ReleaseSession(string server, string clientDigest) => _heldSessions.TryRemove((server, clientDigest), out _);

    /// <summary>True, once, when <paramref name="server"/> is to take the client certificate of <paramref name="clientDigest"/> as held.</summary>
    public bool TakeHeldSession(string server, string clientDigest) => _heldSessions.TryRemove((server, clientDigest), out _);
}

using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Twin.Web.Access;

/// <summary>
/// Whether this dashboard circuit may act on the twin (clock, attacks, revocation, scenarios). Decided
/// once per circuit from the request that opened it: the local machine may, and so may a browser
/// that presents the configured access token (the cookie set on the access page). Everyone else
/// gets a read-only dashboard.
/// </summary>
public sealed class DashboardAccess
{
    /// <summary>The cookie that carries the access token once it was entered.</summary>
    public const string CookieName = "PlantTrust.Access";

    /// <summary>True when control actions are allowed for this circuit.</summary>
    public bool CanControl { get; private set; }

    /// <summary>Why (or why not): shown on the access page.</summary>
    public string Reason { get; private set; } = "not decided yet: read-only";

    /// <summary>Sets the decision for this circuit (the root component does, from the opening request).</summary>
    public void Set(AccessDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        CanControl = decision.CanControl;
        Reason = decision.Reason;
    }

    /// <summary>Throws <see cref="ControlRefusedException"/> unless control is allowed: every control path calls this on the server.</summary>
    public void Demand(string action)
    {
        if (!CanControl) throw new ControlRefusedException($"{action} refused: this dashboard is read-only ({Reason}).");
    }

    /// <summary>
    /// The decision for a request from <paramref name="remote"/> that presents <paramref name="presentedToken"/>
    /// when the twin's token is <paramref name="expectedToken"/> (null: none configured). The dashboard and the
    /// API both ask this one pure function. <paramref name="treatLoopbackAsRemote"/> (Twin:TreatLoopbackAsRemote)
    /// judges the local machine like any other: how a twin bound beyond loopback is checked over 127.0.0.1.
    /// </summary>
    public static AccessDecision Decide(IPAddress? remote, string? presentedToken, string? expectedToken, bool treatLoopbackAsRemote = false)
    {
        if (!treatLoopbackAsRemote && remote is not null && IPAddress.IsLoopback(remote))
            return new(true, "the browser runs on this machine");
        if (string.IsNullOrEmpty(expectedToken))
            return new(false, "no access token is configured (Twin:AccessToken), so only this machine may act");
        if (string.IsNullOrEmpty(presentedToken))
            return new(false, "no access token was entered");
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presentedToken), Encoding.UTF8.GetBytes(expectedToken))
            ? new(true, "the access token was entered")
            : new(false, "the entered access token is wrong");
    }
}

/// <summary>Whether control is allowed, and why.</summary>
public sealed record AccessDecision(bool CanControl, string Reason);

/// <summary>A control action attempted from a read-only dashboard.</summary>
public sealed class ControlRefusedException(string message) : InvalidOperationException(message);

using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Server;

/// <summary>A user the server accepts with a UserName token, and the roles the user holds.</summary>
public sealed record UserAccount(string UserName, string Password, IReadOnlySet<string> Roles);

/// <summary>Well-known role names (Part 3 §4.9.2); permissions on nodes are granted to these.</summary>
public static class Roles
{
    public const string Anonymous = "Anonymous";
    public const string AuthenticatedUser = "AuthenticatedUser";
    public const string Observer = "Observer";
    public const string Operator = "Operator";
    public const string Engineer = "Engineer";
    public const string Supervisor = "Supervisor";
    public const string ConfigureAdmin = "ConfigureAdmin";
    public const string SecurityAdmin = "SecurityAdmin";
}

/// <summary>How a server host presents itself and whom it lets in. Safe defaults: 127.0.0.1, anonymous only.</summary>
public sealed record ServerOptions
{
    public string ApplicationUri { get; init; } = "urn:planttrust:twin:server";
    public string ProductUri { get; init; } = "urn:planttrust:twin-opcua";
    public string ApplicationName { get; init; } = "PlantTrust twin server";

    /// <summary>Accept the Anonymous user token (Part 4 §7.41.3).</summary>
    public bool AllowAnonymous { get; init; } = true;

    /// <summary>Accounts accepted with a UserName token; empty means the UserName token is not offered.</summary>
    public IReadOnlyList<UserAccount> Users { get; init; } = [];

    public EncodingLimits Limits { get; init; } = EncodingLimits.Default;

    /// <summary>Most sessions at once; further CreateSession calls get BadTooManySessions.</summary>
    public int MaxSessions { get; init; } = 1000;

    /// <summary>Longest session timeout granted (ms).</summary>
    public double MaxSessionTimeout { get; init; } = 3_600_000;

    /// <summary>Most subscriptions per session.</summary>
    public int MaxSubscriptionsPerSession { get; init; } = 100;

    /// <summary>The clock for token lifetimes and session timeouts.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}

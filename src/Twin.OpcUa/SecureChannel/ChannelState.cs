using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;

namespace Twin.OpcUa.SecureChannel;

/// <summary>
/// Checks that received sequence numbers increase by one (Part 6 §6.7.2.4): after 4 294 966 271 they may wrap
/// to a value below 1024. The first number after the channel opens may be anything.
/// </summary>
public sealed class SequenceChecker
{
    private uint? _last;

    public void Check(uint sequenceNumber)
    {
        if (_last is { } last)
        {
            var ok = sequenceNumber == unchecked(last + 1) || (last > uint.MaxValue - 1024 && sequenceNumber < 1024);
            if (!ok) throw new UaException(StatusCodes.BadSequenceNumberInvalid, $"Sequence number {sequenceNumber} does not follow {last}.");
        }
        _last = sequenceNumber;
    }
}

/// <summary>Hands out send sequence numbers, wrapping below 1024 after 4 294 966 271 (Part 6 §6.7.2.4).</summary>
public sealed class SequenceCounter
{
    private uint _next;

    public SequenceCounter(uint first = 1) => _next = first;

    public uint Next()
    {
        var value = _next;
        _next = value >= uint.MaxValue - 1024 ? 1 : value + 1;
        return value;
    }
}

/// <summary>
/// The server's view of one secure channel: its id and security tokens with their lifetimes (Part 4 §5.5.2, Part 6 §6.7.4).
/// A renewed token replaces the current one; the previous token stays valid until it expires.
/// </summary>
public sealed class ServerChannelState
{
    private static int s_nextChannelId = Random.Shared.Next(1, 1 << 20);
    private readonly TimeProvider _time;
    private uint _nextTokenId = 1;

    public ServerChannelState(TimeProvider time, uint minLifetimeMs = 10_000, uint maxLifetimeMs = 3_600_000)
    {
        _time = time;
        MinLifetime = minLifetimeMs;
        MaxLifetime = maxLifetimeMs;
        ChannelId = (uint)Interlocked.Increment(ref s_nextChannelId);
    }

    public uint ChannelId { get; }
    public uint MinLifetime { get; }
    public uint MaxLifetime { get; }
    public ChannelSecurityToken? Current { get; private set; }
    public ChannelSecurityToken? Previous { get; private set; }
    public MessageSecurityMode SecurityMode { get; private set; }
    public string SecurityPolicyUri { get; private set; } = SecurityPolicies.None;
    public bool IsOpen => Current is not null;

    /// <summary>Issues or renews a token; the revised lifetime is clamped into [MinLifetime, MaxLifetime].</summary>
    public ChannelSecurityToken Open(OpenSecureChannelRequest request, string securityPolicyUri)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ClientProtocolVersion != 0) throw new UaException(StatusCodes.BadProtocolVersionUnsupported, $"Protocol version {request.ClientProtocolVersion} is not supported.");
        switch (request.RequestType)
        {
            case SecurityTokenRequestType.Issue when IsOpen:
                throw new UaException(StatusCodes.BadRequestTypeInvalid, "An open channel can only be renewed.");
            case SecurityTokenRequestType.Renew when !IsOpen:
                throw new UaException(StatusCodes.BadRequestTypeInvalid, "Only an open channel can be renewed.");
            case SecurityTokenRequestType.Renew when request.SecurityMode != SecurityMode || securityPolicyUri != SecurityPolicyUri:
                throw new UaException(StatusCodes.BadSecurityChecksFailed, "A renewal must keep the channel's security mode and policy.");
            case SecurityTokenRequestType.Issue or SecurityTokenRequestType.Renew:
                break;
            default:
                throw new UaException(StatusCodes.BadRequestTypeInvalid, $"Unknown request type {(int)request.RequestType}.");
        }
        if (securityPolicyUri == SecurityPolicies.None && request.SecurityMode != MessageSecurityMode.None)
            throw new UaException(StatusCodes.BadSecurityModeRejected, $"Security mode {request.SecurityMode} needs a security policy other than None.");
        SecurityMode = request.SecurityMode;
        SecurityPolicyUri = securityPolicyUri;
        var lifetime = Math.Clamp(request.RequestedLifetime == 0 ? MaxLifetime : request.RequestedLifetime, MinLifetime, MaxLifetime);
        Previous = Current;
        Current = new ChannelSecurityToken { ChannelId = ChannelId, TokenId = _nextTokenId++, CreatedAt = _time.GetUtcNow().UtcDateTime, RevisedLifetime = lifetime };
        return Current;
    }

    /// <summary>Accepts the current token, or the previous one until it expires; a token is dead after 125 % of its lifetime (Part 6 §6.7.4).</summary>
    public void CheckToken(uint channelId, uint tokenId)
    {
        if (channelId != ChannelId) throw new UaException(StatusCodes.BadTcpSecureChannelUnknown, $"Channel {channelId} is not this connection's channel {ChannelId}.");
        if (Current is null) throw new UaException(StatusCodes.BadSecureChannelClosed, "The secure channel is not open.");
        var token = tokenId == Current.TokenId ? Current : tokenId == Previous?.TokenId ? Previous : null;
        if (token is null) throw new UaException(StatusCodes.BadSecureChannelTokenUnknown, $"Token {tokenId} is not known on channel {ChannelId}.");
        if (Expired(token)) throw new UaException(StatusCodes.BadSecureChannelTokenUnknown, $"Token {tokenId} on channel {ChannelId} has expired.");
        if (token == Current) Previous = null;
    }

    /// <summary>How long until the current token is dead (125 % of its lifetime); null before the channel opens.</summary>
    public TimeSpan? TimeLeft => Current is null ? null : Current.CreatedAt.AddMilliseconds(Current.RevisedLifetime * 1.25) - _time.GetUtcNow().UtcDateTime;

    private bool Expired(ChannelSecurityToken token) =>
        _time.GetUtcNow().UtcDateTime > token.CreatedAt.AddMilliseconds(token.RevisedLifetime * 1.25);
}

using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Messages;

public enum SecurityTokenRequestType { Issue = 0, Renew = 1 }

/// <summary>Part 4 §5.5.2.</summary>
public sealed class OpenSecureChannelRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public uint ClientProtocolVersion { get; set; }
    public SecurityTokenRequestType RequestType { get; set; }
    public MessageSecurityMode SecurityMode { get; set; }
    public byte[]? ClientNonce { get; set; }
    public uint RequestedLifetime { get; set; }
    public NodeId BinaryEncodingId => 446;

    public void Encode(BinaryEncoder e)
    {
        e.WriteEncodeable(RequestHeader); e.WriteUInt32(ClientProtocolVersion); e.WriteInt32((int)RequestType); e.WriteInt32((int)SecurityMode);
        e.WriteByteString(ClientNonce); e.WriteUInt32(RequestedLifetime);
    }

    public void Decode(BinaryDecoder d)
    {
        RequestHeader = d.ReadEncodeable<RequestHeader>(); ClientProtocolVersion = d.ReadUInt32(); RequestType = (SecurityTokenRequestType)d.ReadInt32();
        SecurityMode = (MessageSecurityMode)d.ReadInt32(); ClientNonce = d.ReadByteString(); RequestedLifetime = d.ReadUInt32();
    }
}

/// <summary>Part 4 §7.36.</summary>
public sealed class ChannelSecurityToken : IEncodeable
{
    public uint ChannelId { get; set; }
    public uint TokenId { get; set; }
    public DateTime CreatedAt { get; set; }
    public uint RevisedLifetime { get; set; }
    public NodeId BinaryEncodingId => 443;
    public void Encode(BinaryEncoder e) { e.WriteUInt32(ChannelId); e.WriteUInt32(TokenId); e.WriteDateTime(CreatedAt); e.WriteUInt32(RevisedLifetime); }
    public void Decode(BinaryDecoder d) { ChannelId = d.ReadUInt32(); TokenId = d.ReadUInt32(); CreatedAt = d.ReadDateTime(); RevisedLifetime = d.ReadUInt32(); }
}

/// <summary>Part 4 §5.5.2.</summary>
public sealed class OpenSecureChannelResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public uint ServerProtocolVersion { get; set; }
    public ChannelSecurityToken SecurityToken { get; set; } = new();
    public byte[]? ServerNonce { get; set; }
    public NodeId BinaryEncodingId => 449;

    public void Encode(BinaryEncoder e) { e.WriteEncodeable(ResponseHeader); e.WriteUInt32(ServerProtocolVersion); e.WriteEncodeable(SecurityToken); e.WriteByteString(ServerNonce); }

    public void Decode(BinaryDecoder d)
    {
        ResponseHeader = d.ReadEncodeable<ResponseHeader>(); ServerProtocolVersion = d.ReadUInt32(); SecurityToken = d.ReadEncodeable<ChannelSecurityToken>(); ServerNonce = d.ReadByteString();
    }
}

/// <summary>Part 4 §5.5.3.</summary>
public sealed class CloseSecureChannelRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public NodeId BinaryEncodingId => 452;
    public void Encode(BinaryEncoder e) => e.WriteEncodeable(RequestHeader);
    public void Decode(BinaryDecoder d) => RequestHeader = d.ReadEncodeable<RequestHeader>();
}

/// <summary>Part 4 §5.5.3.</summary>
public sealed class CloseSecureChannelResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public NodeId BinaryEncodingId => 455;
    public void Encode(BinaryEncoder e) => e.WriteEncodeable(ResponseHeader);
    public void Decode(BinaryDecoder d) => ResponseHeader = d.ReadEncodeable<ResponseHeader>();
}

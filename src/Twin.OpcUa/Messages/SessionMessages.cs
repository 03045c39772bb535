using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Messages;

/// <summary>Part 4 §5.6.2.</summary>
public sealed class CreateSessionRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public ApplicationDescription ClientDescription { get; set; } = new();
    public string? ServerUri { get; set; }
    public string? EndpointUrl { get; set; }
    public string? SessionName { get; set; }
    public byte[]? ClientNonce { get; set; }
    public byte[]? ClientCertificate { get; set; }
    public double RequestedSessionTimeout { get; set; }
    public uint MaxResponseMessageSize { get; set; }
    public NodeId BinaryEncodingId => 461;

    public void Encode(BinaryEncoder e)
    {
        e.WriteEncodeable(RequestHeader); e.WriteEncodeable(ClientDescription); e.WriteString(ServerUri); e.WriteString(EndpointUrl); e.WriteString(SessionName);
        e.WriteByteString(ClientNonce); e.WriteByteString(ClientCertificate); e.WriteDouble(RequestedSessionTimeout); e.WriteUInt32(MaxResponseMessageSize);
    }

    public void Decode(BinaryDecoder d)
    {
        RequestHeader = d.ReadEncodeable<RequestHeader>(); ClientDescription = d.ReadEncodeable<ApplicationDescription>(); ServerUri = d.ReadString(); EndpointUrl = d.ReadString();
        SessionName = d.ReadString(); ClientNonce = d.ReadByteString(); ClientCertificate = d.ReadByteString(); RequestedSessionTimeout = d.ReadDouble(); MaxResponseMessageSize = d.ReadUInt32();
    }
}

/// <summary>Part 4 §5.6.2.</summary>
public sealed class CreateSessionResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public NodeId SessionId { get; set; } = NodeId.Null;
    public NodeId AuthenticationToken { get; set; } = NodeId.Null;
    public double RevisedSessionTimeout { get; set; }
    public byte[]? ServerNonce { get; set; }
    public byte[]? ServerCertificate { get; set; }
    public EndpointDescription[]? ServerEndpoints { get; set; }
    public SignedSoftwareCertificate[]? ServerSoftwareCertificates { get; set; }
    public SignatureData ServerSignature { get; set; } = new();
    public uint MaxRequestMessageSize { get; set; }
    public NodeId BinaryEncodingId => 464;

    public void Encode(BinaryEncoder e)
    {
        e.WriteEncodeable(ResponseHeader); e.WriteNodeId(SessionId); e.WriteNodeId(AuthenticationToken); e.WriteDouble(RevisedSessionTimeout); e.WriteByteString(ServerNonce);
        e.WriteByteString(ServerCertificate); e.WriteEncodeableArray(ServerEndpoints); e.WriteEncodeableArray(ServerSoftwareCertificates); e.WriteEncodeable(ServerSignature);
        e.WriteUInt32(MaxRequestMessageSize);
    }

    public void Decode(BinaryDecoder d)
    {
        ResponseHeader = d.ReadEncodeable<ResponseHeader>(); SessionId = d.ReadNodeId(); AuthenticationToken = d.ReadNodeId(); RevisedSessionTimeout = d.ReadDouble();
        ServerNonce = d.ReadByteString(); ServerCertificate = d.ReadByteString(); ServerEndpoints = d.ReadEncodeableArray<EndpointDescription>();
        ServerSoftwareCertificates = d.ReadEncodeableArray<SignedSoftwareCertificate>(); ServerSignature = d.ReadEncodeable<SignatureData>(); MaxRequestMessageSize = d.ReadUInt32();
    }
}

/// <summary>Part 4 §5.6.3.</summary>
public sealed class ActivateSessionRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public SignatureData ClientSignature { get; set; } = new();
    public SignedSoftwareCertificate[]? ClientSoftwareCertificates { get; set; }
    public string?[]? LocaleIds { get; set; }
    public ExtensionObject UserIdentityToken { get; set; } = ExtensionObject.Null;
    public SignatureData UserTokenSignature { get; set; } = new();
    public NodeId BinaryEncodingId => 467;

    public void Encode(BinaryEncoder e)
    {
        e.WriteEncodeable(RequestHeader); e.WriteEncodeable(ClientSignature); e.WriteEncodeableArray(ClientSoftwareCertificates); e.WriteStringArray(LocaleIds);
        e.WriteExtensionObject(UserIdentityToken); e.WriteEncodeable(UserTokenSignature);
    }

    public void Decode(BinaryDecoder d)
    {
        RequestHeader = d.ReadEncodeable<RequestHeader>(); ClientSignature = d.ReadEncodeable<SignatureData>(); ClientSoftwareCertificates = d.ReadEncodeableArray<SignedSoftwareCertificate>();
        LocaleIds = d.ReadStringArray(); UserIdentityToken = d.ReadExtensionObject(); UserTokenSignature = d.ReadEncodeable<SignatureData>();
    }
}

/// <summary>Part 4 §5.6.3.</summary>
public sealed class ActivateSessionResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public byte[]? ServerNonce { get; set; }
    public StatusCode[]? Results { get; set; }
    public DiagnosticInfo?[]? DiagnosticInfos { get; set; }
    public NodeId BinaryEncodingId => 470;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(ResponseHeader); e.WriteByteString(ServerNonce); e.WriteStatusCodeArray(Results); e.WriteDiagnosticInfoArray(DiagnosticInfos); }
    public void Decode(BinaryDecoder d) { ResponseHeader = d.ReadEncodeable<ResponseHeader>(); ServerNonce = d.ReadByteString(); Results = d.ReadStatusCodeArray(); DiagnosticInfos = d.ReadDiagnosticInfoArray(); }
}

/// <summary>Part 4 §5.6.4.</summary>
public sealed class CloseSessionRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public bool DeleteSubscriptions { get; set; }
    public NodeId BinaryEncodingId => 473;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(RequestHeader); e.WriteBoolean(DeleteSubscriptions); }
    public void Decode(BinaryDecoder d) { RequestHeader = d.ReadEncodeable<RequestHeader>(); DeleteSubscriptions = d.ReadBoolean(); }
}

/// <summary>Part 4 §5.6.4.</summary>
public sealed class CloseSessionResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public NodeId BinaryEncodingId => 476;
    public void Encode(BinaryEncoder e) => e.WriteEncodeable(ResponseHeader);
    public void Decode(BinaryDecoder d) => ResponseHeader = d.ReadEncodeable<ResponseHeader>();
}

/// <summary>Part 4 §7.41.3.</summary>
public sealed class AnonymousIdentityToken : IEncodeable
{
    public string? PolicyId { get; set; }
    public NodeId BinaryEncodingId => 321;
    public void Encode(BinaryEncoder e) => e.WriteString(PolicyId);
    public void Decode(BinaryDecoder d) => PolicyId = d.ReadString();
}

/// <summary>Part 4 §7.41.4; the password is plain UTF-8 only when the token's security policy is None.</summary>
public sealed class UserNameIdentityToken : IEncodeable
{
    public string? PolicyId { get; set; }
    public string? UserName { get; set; }
    public byte[]? Password { get; set; }
    public string? EncryptionAlgorithm { get; set; }
    public NodeId BinaryEncodingId => 324;
    public void Encode(BinaryEncoder e) { e.WriteString(PolicyId); e.WriteString(UserName); e.WriteByteString(Password); e.WriteString(EncryptionAlgorithm); }
    public void Decode(BinaryDecoder d) { PolicyId = d.ReadString(); UserName = d.ReadString(); Password = d.ReadByteString(); EncryptionAlgorithm = d.ReadString(); }
}

/// <summary>Part 4 §7.41.5.</summary>
public sealed class X509IdentityToken : IEncodeable
{
    public string? PolicyId { get; set; }
    public byte[]? CertificateData { get; set; }
    public NodeId BinaryEncodingId => 327;
    public void Encode(BinaryEncoder e) { e.WriteString(PolicyId); e.WriteByteString(CertificateData); }
    public void Decode(BinaryDecoder d) { PolicyId = d.ReadString(); CertificateData = d.ReadByteString(); }
}

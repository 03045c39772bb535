using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Messages;

public enum ApplicationType { Server = 0, Client = 1, ClientAndServer = 2, DiscoveryServer = 3 }

public enum MessageSecurityMode { Invalid = 0, None = 1, Sign = 2, SignAndEncrypt = 3 }

public enum UserTokenType { Anonymous = 0, UserName = 1, Certificate = 2, IssuedToken = 3 }

/// <summary>Part 4 §7.2.</summary>
public sealed class ApplicationDescription : IEncodeable
{
    public string? ApplicationUri { get; set; }
    public string? ProductUri { get; set; }
    public LocalizedText ApplicationName { get; set; } = LocalizedText.Null;
    public ApplicationType ApplicationType { get; set; }
    public string? GatewayServerUri { get; set; }
    public string? DiscoveryProfileUri { get; set; }
    public string?[]? DiscoveryUrls { get; set; }
    public NodeId BinaryEncodingId => 310;

    public void Encode(BinaryEncoder e)
    {
        e.WriteString(ApplicationUri); e.WriteString(ProductUri); e.WriteLocalizedText(ApplicationName); e.WriteInt32((int)ApplicationType);
        e.WriteString(GatewayServerUri); e.WriteString(DiscoveryProfileUri); e.WriteStringArray(DiscoveryUrls);
    }

    public void Decode(BinaryDecoder d)
    {
        ApplicationUri = d.ReadString(); ProductUri = d.ReadString(); ApplicationName = d.ReadLocalizedText(); ApplicationType = (ApplicationType)d.ReadInt32();
        GatewayServerUri = d.ReadString(); DiscoveryProfileUri = d.ReadString(); DiscoveryUrls = d.ReadStringArray();
    }
}

/// <summary>Part 4 §7.42.</summary>
public sealed class UserTokenPolicy : IEncodeable
{
    public string? PolicyId { get; set; }
    public UserTokenType TokenType { get; set; }
    public string? IssuedTokenType { get; set; }
    public string? IssuerEndpointUrl { get; set; }
    public string? SecurityPolicyUri { get; set; }
    public NodeId BinaryEncodingId => 306;

    public void Encode(BinaryEncoder e)
    {
        e.WriteString(PolicyId); e.WriteInt32((int)TokenType); e.WriteString(IssuedTokenType); e.WriteString(IssuerEndpointUrl); e.WriteString(SecurityPolicyUri);
    }

    public void Decode(BinaryDecoder d)
    {
        PolicyId = d.ReadString(); TokenType = (UserTokenType)d.ReadInt32(); IssuedTokenType = d.ReadString(); IssuerEndpointUrl = d.ReadString(); SecurityPolicyUri = d.ReadString();
    }
}

/// <summary>Part 4 §7.14.</summary>
public sealed class EndpointDescription : IEncodeable
{
    public string? EndpointUrl { get; set; }
    public ApplicationDescription Server { get; set; } = new();
    public byte[]? ServerCertificate { get; set; }
    public MessageSecurityMode SecurityMode { get; set; }
    public string? SecurityPolicyUri { get; set; }
    public UserTokenPolicy[]? UserIdentityTokens { get; set; }
    public string? TransportProfileUri { get; set; }
    public byte SecurityLevel { get; set; }
    public NodeId BinaryEncodingId => 314;

    public void Encode(BinaryEncoder e)
    {
        e.WriteString(EndpointUrl); e.WriteEncodeable(Server); e.WriteByteString(ServerCertificate); e.WriteInt32((int)SecurityMode);
        e.WriteString(SecurityPolicyUri); e.WriteEncodeableArray(UserIdentityTokens); e.WriteString(TransportProfileUri); e.WriteByte(SecurityLevel);
    }

    public void Decode(BinaryDecoder d)
    {
        EndpointUrl = d.ReadString(); Server = d.ReadEncodeable<ApplicationDescription>(); ServerCertificate = d.ReadByteString(); SecurityMode = (MessageSecurityMode)d.ReadInt32();
        SecurityPolicyUri = d.ReadString(); UserIdentityTokens = d.ReadEncodeableArray<UserTokenPolicy>(); TransportProfileUri = d.ReadString(); SecurityLevel = d.ReadByte();
    }
}

/// <summary>Part 4 §7.37.</summary>
public sealed class SignatureData : IEncodeable
{
    public string? Algorithm { get; set; }
    public byte[]? Signature { get; set; }
    public NodeId BinaryEncodingId => 458;
    public void Encode(BinaryEncoder e) { e.WriteString(Algorithm); e.WriteByteString(Signature); }
    public void Decode(BinaryDecoder d) { Algorithm = d.ReadString(); Signature = d.ReadByteString(); }
}

/// <summary>Part 4 §7.38.</summary>
public sealed class SignedSoftwareCertificate : IEncodeable
{
    public byte[]? CertificateData { get; set; }
    public byte[]? Signature { get; set; }
    public NodeId BinaryEncodingId => 346;
    public void Encode(BinaryEncoder e) { e.WriteByteString(CertificateData); e.WriteByteString(Signature); }
    public void Decode(BinaryDecoder d) { CertificateData = d.ReadByteString(); Signature = d.ReadByteString(); }
}

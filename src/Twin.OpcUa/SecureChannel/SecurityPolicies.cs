namespace Twin.OpcUa.SecureChannel;

/// <summary>Security policy URIs (Part 7 security policy facets).</summary>
public static class SecurityPolicies
{
    public const string None = "http://opcfoundation.org/UA/SecurityPolicy#None";
    public const string Basic256Sha256 = "http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256";
    public const string Aes128Sha256RsaOaep = "http://opcfoundation.org/UA/SecurityPolicy#Aes128_Sha256_RsaOaep";
    public const string Aes256Sha256RsaPss = "http://opcfoundation.org/UA/SecurityPolicy#Aes256_Sha256_RsaPss";

    /// <summary>Deprecated SHA-1 policies; refused unless explicitly enabled.</summary>
    public const string Basic128Rsa15 = "http://opcfoundation.org/UA/SecurityPolicy#Basic128Rsa15";

    /// <summary>Deprecated SHA-1 policy; refused unless explicitly enabled.</summary>
    public const string Basic256 = "http://opcfoundation.org/UA/SecurityPolicy#Basic256";

    /// <summary>Policies in order of preference, most secure first, for endpoint selection.</summary>
    public static IReadOnlyList<string> ByStrength { get; } = [Aes256Sha256RsaPss, Aes128Sha256RsaOaep, Basic256Sha256, Basic256, Basic128Rsa15, None];

    /// <summary>Policies this stack can run today.</summary>
    public static IReadOnlySet<string> Implemented { get; } = new HashSet<string>(StringComparer.Ordinal) { None };

    /// <summary>The transport profile of UA-TCP with UA Secure Conversation and UA Binary.</summary>
    public const string UaTcpTransport = "http://opcfoundation.org/UA-Profile/Transport/uatcp-uasc-uabinary";

    /// <summary>A rank for comparing policies: higher is stronger; unknown policies rank below None.</summary>
    public static int Strength(string? uri)
    {
        for (var i = 0; i < ByStrength.Count; i++)
            if (string.Equals(ByStrength[i], uri, StringComparison.Ordinal)) return ByStrength.Count - i;
        return 0;
    }
}

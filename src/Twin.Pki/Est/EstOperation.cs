namespace Twin.Pki.Est;

/// <summary>The EST operations of RFC 7030 §3.2.2, each a path segment under /.well-known/est/.</summary>
public enum EstOperation
{
    /// <summary>/cacerts (RFC 7030 §4.1): the CA certificates, certs-only PKCS#7.</summary>
    CaCerts,
    /// <summary>/simpleenroll (§4.2.1): a PKCS#10 request in, the certificate out.</summary>
    SimpleEnroll,
    /// <summary>/simplereenroll (§4.2.2): renewal or re-key, authenticated with the certificate being renewed.</summary>
    SimpleReenroll,
    /// <summary>/serverkeygen (§4.4): the server generates the key and returns it with the certificate.</summary>
    ServerKeyGen,
    /// <summary>/csrattrs (§4.5): the attributes the server wants in a request.</summary>
    CsrAttrs,
}

/// <summary>Path names and media types of RFC 7030.</summary>
public static class EstPaths
{
    /// <summary>The well-known prefix (RFC 7030 §3.2.2).</summary>
    public const string Prefix = "/.well-known/est";

    /// <summary>application/pkcs10: a base64 PKCS#10 request (RFC 7030 §4.2.1).</summary>
    public const string Pkcs10MediaType = "application/pkcs10";

    /// <summary>application/pkcs7-mime; smime-type=certs-only: certificates in a degenerate SignedData (RFC 7030 §4.1.3).</summary>
    public const string CertsOnlyMediaType = "application/pkcs7-mime; smime-type=certs-only";

    /// <summary>application/csrattrs (RFC 7030 §4.5.2).</summary>
    public const string CsrAttrsMediaType = "application/csrattrs";

    /// <summary>application/pkcs8: an unencrypted private key (RFC 7030 §4.4.2).</summary>
    public const string Pkcs8MediaType = "application/pkcs8";

    /// <summary>The path segment of <paramref name="operation"/>.</summary>
    public static string Segment(EstOperation operation) => operation switch
    {
        EstOperation.CaCerts => "cacerts",
        EstOperation.SimpleEnroll => "simpleenroll",
        EstOperation.SimpleReenroll => "simplereenroll",
        EstOperation.ServerKeyGen => "serverkeygen",
        EstOperation.CsrAttrs => "csrattrs",
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "Not an EST operation."),
    };

    /// <summary>The operation named by <paramref name="segment"/>, or null when it names none.</summary>
    public static EstOperation? Parse(string segment) => segment switch
    {
        "cacerts" => EstOperation.CaCerts,
        "simpleenroll" => EstOperation.SimpleEnroll,
        "simplereenroll" => EstOperation.SimpleReenroll,
        "serverkeygen" => EstOperation.ServerKeyGen,
        "csrattrs" => EstOperation.CsrAttrs,
        _ => null,
    };

    /// <summary>
    /// True when <paramref name="label"/> is a valid optional CA label (RFC 7030 §3.2.2: one path segment,
    /// distinct from the operation names); PlantTrust's labels are domain names: a-z, 0-9, '-', '.', '_'.
    /// </summary>
    public static bool IsValidLabel(string label) =>
        label.Length is > 0 and <= 100 && Parse(label) is null
        && label.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '.' or '_')
        && char.IsAsciiLetterOrDigit(label[0]);
}

namespace Twin.Pki;

/// <summary>Base of every error Twin.Pki raises on purpose. Messages name what is wrong and never quote key material.</summary>
public class PkiException : Exception
{
    /// <summary>Creates the exception with a message that names what is wrong.</summary>
    public PkiException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public PkiException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Input could not be parsed: malformed DER, PEM or base64, or a structure that is not what was expected.</summary>
public sealed class PkiFormatException : PkiException
{
    /// <summary>Creates the exception with a message that names what is malformed and where.</summary>
    public PkiFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the parser's error.</summary>
    public PkiFormatException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>An algorithm or key size that PlantTrust does not support.</summary>
public sealed class UnsupportedAlgorithmException : PkiException
{
    /// <summary>Creates the exception with a message that names the algorithm.</summary>
    public UnsupportedAlgorithmException(string message) : base(message) { }
}

/// <summary>A request that breaks a rule: a CSR whose signature does not verify, a profile rule violated, a validity outside the issuer's.</summary>
public sealed class PolicyViolationException : PkiException
{
    /// <summary>Creates the exception with a message that names the rule.</summary>
    public PolicyViolationException(string message) : base(message) { }
}

/// <summary>A key store refused to hand out private key material (non-exportable key: secure element, TPM, HSM).</summary>
public sealed class KeyExportRefusedException : PkiException
{
    /// <summary>Creates the exception with a message that names the store and key label (never the key).</summary>
    public KeyExportRefusedException(string message) : base(message) { }
}

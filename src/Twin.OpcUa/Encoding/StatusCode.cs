namespace Twin.OpcUa.Encoding;

/// <summary>An OPC UA StatusCode (Part 4 §7.39): severity in the top two bits, sub-code in the top 16.</summary>
public readonly record struct StatusCode(uint Code)
{
    public static readonly StatusCode Good = new(StatusCodes.Good);

    public bool IsGood => (Code & 0xC0000000) == 0;
    public bool IsBad => (Code & 0x80000000) != 0;
    public bool IsUncertain => (Code & 0xC0000000) == 0x40000000;

    public static implicit operator StatusCode(uint code) => new(code);

    public override string ToString() => StatusCodes.NameOf(Code);
}

/// <summary>An OPC UA failure carrying the status code a peer would see.</summary>
public class UaException : Exception
{
    public UaException(uint statusCode, string message) : base($"{StatusCodes.NameOf(statusCode)}: {message}") => StatusCode = statusCode;

    public UaException(uint statusCode, string message, Exception inner) : base($"{StatusCodes.NameOf(statusCode)}: {message}", inner) => StatusCode = statusCode;

    public UaException() : this(StatusCodes.BadUnexpectedError, "unspecified") { }

    public UaException(string message) : this(StatusCodes.BadUnexpectedError, message) { }

    public UaException(string message, Exception inner) : this(StatusCodes.BadUnexpectedError, message, inner) { }

    /// <summary>The OPC UA status code of the failure.</summary>
    public StatusCode StatusCode { get; }
}

/// <summary>A decode or encode that broke the wire format or a configured limit (BadDecodingError, BadEncodingLimitsExceeded, ...).</summary>
public sealed class UaEncodingException : UaException
{
    public UaEncodingException(uint statusCode, string message) : base(statusCode, message) { }

    public UaEncodingException() : base(StatusCodes.BadDecodingError, "unspecified") { }

    public UaEncodingException(string message) : base(StatusCodes.BadDecodingError, message) { }

    public UaEncodingException(string message, Exception inner) : base(StatusCodes.BadDecodingError, message, inner) { }
}

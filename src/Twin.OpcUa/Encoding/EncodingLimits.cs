namespace Twin.OpcUa.Encoding;

/// <summary>
/// The one set of limits checked on every decode and on every chunk received (Part 6 §5.2, §6.7.2, §7.1.2):
/// anything larger fails with <see cref="StatusCodes.BadEncodingLimitsExceeded"/> or a transport status code.
/// </summary>
public sealed record EncodingLimits
{
    /// <summary>Largest message body after chunks are joined (bytes).</summary>
    public int MaxMessageSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>Most chunks one message may be split into.</summary>
    public int MaxChunkCount { get; init; } = 256;

    /// <summary>Largest UA-TCP chunk this side receives (ReceiveBufferSize in HEL/ACK).</summary>
    public int ReceiveBufferSize { get; init; } = 65535;

    /// <summary>Largest UA-TCP chunk this side sends (SendBufferSize in HEL/ACK).</summary>
    public int SendBufferSize { get; init; } = 65535;

    /// <summary>Longest String in bytes.</summary>
    public int MaxStringLength { get; init; } = 1024 * 1024;

    /// <summary>Longest ByteString or XmlElement in bytes.</summary>
    public int MaxByteStringLength { get; init; } = 4 * 1024 * 1024;

    /// <summary>Most elements in one array.</summary>
    public int MaxArrayLength { get; init; } = 100_000;

    /// <summary>Deepest nesting of Variants, DataValues, ExtensionObjects and DiagnosticInfos.</summary>
    public int MaxNestingDepth { get; init; } = 64;

    /// <summary>Defaults that suit a twin's plant: a few megabytes per message.</summary>
    public static EncodingLimits Default { get; } = new();

    /// <summary>Throws unless every limit is usable; Part 6 §7.1.2.3 requires buffers of at least 8192 bytes.</summary>
    public EncodingLimits Validated()
    {
        if (ReceiveBufferSize < 8192 || SendBufferSize < 8192) throw new ArgumentOutOfRangeException(nameof(ReceiveBufferSize), "UA-TCP buffers must be at least 8192 bytes (Part 6 §7.1.2.3).");
        if (MaxMessageSize < 8192 || MaxChunkCount < 1 || MaxStringLength < 0 || MaxByteStringLength < 0 || MaxArrayLength < 0 || MaxNestingDepth < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxMessageSize), "Encoding limits must be positive and MaxMessageSize at least 8192.");
        return this;
    }
}

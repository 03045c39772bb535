using System.Buffers.Binary;
using System.Text;

namespace Twin.OpcUa.Encoding;

/// <summary>
/// Reads OPC UA Binary (Part 6 §5.2). Every read is bounds-checked (BadDecodingError) and every length and
/// nesting level is checked against <see cref="EncodingLimits"/> (BadEncodingLimitsExceeded) before allocating.
/// </summary>
public sealed partial class BinaryDecoder
{
    private static readonly long MinTicks = new DateTime(1601, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
    private readonly ReadOnlyMemory<byte> _data;
    private int _position;
    private int _depth;

    public BinaryDecoder(ReadOnlyMemory<byte> data, EncodingLimits? limits = null, EncodeableRegistry? registry = null)
    {
        _data = data;
        Limits = limits ?? EncodingLimits.Default;
        Registry = registry ?? EncodeableRegistry.Default;
    }

    public EncodingLimits Limits { get; }
    public EncodeableRegistry Registry { get; }
    public int Position => _position;
    public int Remaining => _data.Length - _position;

    /// <summary>Decodes one structure of a known type from a whole buffer; trailing bytes are a decoding error.</summary>
    public static T Decode<T>(ReadOnlyMemory<byte> data, EncodingLimits? limits = null) where T : IEncodeable, new()
    {
        var d = new BinaryDecoder(data, limits);
        var value = d.ReadEncodeable<T>();
        d.EnsureEnd();
        return value;
    }

    /// <summary>Fails when bytes are left over after a complete structure.</summary>
    public void EnsureEnd()
    {
        if (Remaining != 0) throw Fail($"{Remaining} unexpected bytes after the end of the structure");
    }

    private UaEncodingException Fail(string what) => new(StatusCodes.BadDecodingError, $"{what} at offset {_position}.");

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining) throw Fail($"needed {count} bytes but {Remaining} remain");
        var span = _data.Span.Slice(_position, count);
        _position += count;
        return span;
    }

    public ReadOnlySpan<byte> ReadRaw(int count) => Take(count);
    public bool ReadBoolean() => Take(1)[0] != 0;
    public sbyte ReadSByte() => unchecked((sbyte)Take(1)[0]);
    public byte ReadByte() => Take(1)[0];
    public short ReadInt16() => BinaryPrimitives.ReadInt16LittleEndian(Take(2));
    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));
    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
    public float ReadFloat() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));
    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));
    public StatusCode ReadStatusCode() => new(ReadUInt32());

    /// <summary>Reads an Int32 length: -1 means null, other negatives are errors, and the limit applies before any allocation.</summary>
    private int ReadLength(int limit, string what)
    {
        var length = ReadInt32();
        if (length < -1) throw Fail($"{what} has negative length {length}");
        if (length > limit) throw new UaEncodingException(StatusCodes.BadEncodingLimitsExceeded, $"{what} of {length} exceeds the limit of {limit} at offset {_position}.");
        return length;
    }

    public string? ReadString()
    {
        var length = ReadLength(Limits.MaxStringLength, "String");
        if (length < 0) return null;
        try { return StrictUtf8.GetString(Take(length)); }
        catch (DecoderFallbackException e) { throw new UaEncodingException(StatusCodes.BadDecodingError, $"String is not valid UTF-8 at offset {_position}: {e.Message}"); }
    }

    public DateTime ReadDateTime()
    {
        var ticks = ReadInt64();
        if (ticks <= 0) return DateTime.MinValue;
        if (ticks >= DateTime.MaxValue.Ticks - MinTicks) return DateTime.MaxValue;
        return new DateTime(ticks + MinTicks, DateTimeKind.Utc);
    }

    public Guid ReadGuid() => new(Take(16));

    public byte[]? ReadByteString()
    {
        var length = ReadLength(Limits.MaxByteStringLength, "ByteString");
        return length < 0 ? null : Take(length).ToArray();
    }

    public XmlElement? ReadXmlElement()
    {
        var bytes = ReadByteString();
        if (bytes is null) return null;
        try { return new XmlElement(StrictUtf8.GetString(bytes)); }
        catch (DecoderFallbackException e) { throw new UaEncodingException(StatusCodes.BadDecodingError, $"XmlElement is not valid UTF-8: {e.Message}"); }
    }

    public NodeId ReadNodeId()
    {
        var encoding = ReadByte();
        if ((encoding & 0xC0) != 0) throw Fail($"NodeId encoding byte 0x{encoding:X2} carries ExpandedNodeId flags");
        return ReadNodeIdBody(encoding);
    }

    /// <summary>The six NodeId encodings of Part 6 §5.2.2.9 Table 9, selected by the low six bits.</summary>
    private NodeId ReadNodeIdBody(byte encoding)
    {
        switch (encoding & 0x3F)
        {
            case 0x00: return NodeId.Numeric(ReadByte());
            case 0x01:
                {
                    var ns = ReadByte();
                    var id = ReadUInt16();
                    return ns == 0 ? NodeId.Numeric(id) : new NodeId(id, ns);
                }
            case 0x02:
                {
                    var ns = ReadUInt16();
                    var id = ReadUInt32();
                    return ns == 0 ? NodeId.Numeric(id) : new NodeId(id, ns);
                }
            case 0x03:
                {
                    var ns = ReadUInt16();
                    return new NodeId(ReadString() ?? "", ns);
                }
            case 0x04:
                {
                    var ns = ReadUInt16();
                    return new NodeId(ReadGuid(), ns);
                }
            case 0x05:
                {
                    var ns = ReadUInt16();
                    // ReadByteString copies out of the message already: the NodeId keeps that copy instead of cloning it again.
                    return NodeId.OwningOpaque(ReadByteString() ?? [], ns);
                }
            default: throw Fail($"unknown NodeId encoding 0x{encoding:X2}");
        }
    }

    public ExpandedNodeId ReadExpandedNodeId()
    {
        var encoding = ReadByte();
        var nodeId = ReadNodeIdBody(encoding);
        var uri = (encoding & 0x80) != 0 ? ReadString() : null;
        var server = (encoding & 0x40) != 0 ? ReadUInt32() : 0;
        return new ExpandedNodeId(nodeId, uri, server);
    }

    public QualifiedName ReadQualifiedName()
    {
        var ns = ReadUInt16();
        return new QualifiedName(ns, ReadString());
    }

    public LocalizedText ReadLocalizedText()
    {
        var mask = ReadByte();
        if ((mask & 0xFC) != 0) throw Fail($"LocalizedText mask 0x{mask:X2} has unknown bits");
        var locale = (mask & 1) != 0 ? ReadString() : null;
        var text = (mask & 2) != 0 ? ReadString() : null;
        return new LocalizedText(locale, text);
    }

    /// <summary>Guards recursion through Variant, DataValue, ExtensionObject and DiagnosticInfo.</summary>
    private void Enter()
    {
        if (++_depth > Limits.MaxNestingDepth)
            throw new UaEncodingException(StatusCodes.BadEncodingLimitsExceeded, $"Nesting deeper than {Limits.MaxNestingDepth} at offset {_position}.");
    }

    private void Leave() => _depth--;

    public ExtensionObject ReadExtensionObject()
    {
        Enter();
        try
        {
            var typeId = ReadNodeId();
            var encoding = ReadByte();
            if (encoding == 0) return typeId.IsNull ? ExtensionObject.Null : new ExtensionObject(typeId, ExtensionObjectEncoding.None, null);
            if (encoding > 2) throw Fail($"ExtensionObject encoding {encoding} is not 0, 1 or 2");
            var length = ReadLength(Limits.MaxByteStringLength, "ExtensionObject body");
            if (length < 0) return new ExtensionObject(typeId, (ExtensionObjectEncoding)encoding, []);
            var start = _position;
            var body = Take(length);
            if (encoding == 1 && Registry.TryCreate(typeId, out var value))
            {
                var inner = new BinaryDecoder(_data.Slice(start, length), Limits, Registry) { _depth = _depth };
                value.Decode(inner);
                inner.EnsureEnd();
                return new ExtensionObject(value);
            }
            return new ExtensionObject(typeId, (ExtensionObjectEncoding)encoding, body.ToArray());
        }
        finally { Leave(); }
    }

    public T ReadEncodeable<T>() where T : IEncodeable, new()
    {
        Enter();
        try
        {
            var value = new T();
            value.Decode(this);
            return value;
        }
        finally { Leave(); }
    }

    /// <summary>Reads an array; the length is checked against MaxArrayLength and the bytes left before allocating.</summary>
    public T[]? ReadArray<T>(Func<BinaryDecoder, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var length = ReadLength(Limits.MaxArrayLength, "Array");
        if (length < 0) return null;
        if (length > Remaining) throw Fail($"array of {length} elements cannot fit in {Remaining} bytes");
        var items = new T[length];
        for (var i = 0; i < length; i++) items[i] = read(this);
        return items;
    }

    public T[]? ReadEncodeableArray<T>() where T : IEncodeable, new() => ReadArray(static d => d.ReadEncodeable<T>());
}

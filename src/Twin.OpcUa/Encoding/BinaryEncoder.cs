using System.Buffers.Binary;
using System.Text;

namespace Twin.OpcUa.Encoding;

/// <summary>Writes OPC UA Binary (Part 6 §5.2): little-endian, length-prefixed strings and arrays.</summary>
public sealed partial class BinaryEncoder
{
    private static readonly long MinTicks = new DateTime(1601, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
    private byte[] _buffer;
    private int _position;

    public BinaryEncoder(int capacity = 256) => _buffer = new byte[Math.Max(16, capacity)];

    [ThreadStatic] private static BinaryEncoder? t_spare;

    /// <summary>
    /// An empty encoder for one message, the one this thread last handed back when there is one: a channel encodes every
    /// request or response into the same few buffers instead of a new one each time. Hand it back with <see cref="Return"/>
    /// once its bytes are written out, and do not touch it after.
    /// </summary>
    internal static BinaryEncoder Rent()
    {
        var e = t_spare ?? new BinaryEncoder(1024);
        t_spare = null;
        return e;
    }

    /// <summary>Keeps this encoder for the thread's next <see cref="Rent"/>, unless a large message grew it past 64 KiB.</summary>
    internal void Return()
    {
        if (_buffer.Length > 64 * 1024) return;
        _position = 0;
        t_spare = this;
    }

    public int Position => _position;

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _position);

    public byte[] ToArray() => Written.ToArray();

    /// <summary>Encodes one structure and returns its bytes.</summary>
    public static byte[] Encode(IEncodeable value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var e = new BinaryEncoder();
        value.Encode(e);
        return e.ToArray();
    }

    private Span<byte> Reserve(int count)
    {
        if (_position + count > _buffer.Length)
        {
            var grown = new byte[Math.Max(_buffer.Length * 2, _position + count)];
            _buffer.AsSpan(0, _position).CopyTo(grown);
            _buffer = grown;
        }
        var span = _buffer.AsSpan(_position, count);
        _position += count;
        return span;
    }

    /// <summary>Overwrites a UInt32 at an earlier position (for sizes known only at the end).</summary>
    public void PatchUInt32(int position, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(position, 4), value);

    public void WriteRaw(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));
    public void WriteBoolean(bool v) => Reserve(1)[0] = v ? (byte)1 : (byte)0;
    public void WriteSByte(sbyte v) => Reserve(1)[0] = unchecked((byte)v);
    public void WriteByte(byte v) => Reserve(1)[0] = v;
    public void WriteInt16(short v) => BinaryPrimitives.WriteInt16LittleEndian(Reserve(2), v);
    public void WriteUInt16(ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), v);
    public void WriteInt32(int v) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), v);
    public void WriteUInt32(uint v) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), v);
    public void WriteInt64(long v) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), v);
    public void WriteUInt64(ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), v);
    public void WriteFloat(float v) => BinaryPrimitives.WriteSingleLittleEndian(Reserve(4), v);
    public void WriteDouble(double v) => BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), v);
    public void WriteStatusCode(StatusCode v) => WriteUInt32(v.Code);

    /// <summary>UTF-8 with an Int32 byte length; null is length -1 (Part 6 §5.2.2.4).</summary>
    public void WriteString(string? v)
    {
        if (v is null) { WriteInt32(-1); return; }
        var count = System.Text.Encoding.UTF8.GetByteCount(v);
        WriteInt32(count);
        System.Text.Encoding.UTF8.GetBytes(v, Reserve(count));
    }

    /// <summary>100-ns intervals since 1601-01-01 UTC; out-of-range values clamp to 0 and Int64.MaxValue (Part 6 §5.2.2.5).</summary>
    public void WriteDateTime(DateTime v)
    {
        if (v == DateTime.MinValue) { WriteInt64(0); return; }
        if (v == DateTime.MaxValue) { WriteInt64(long.MaxValue); return; }
        var ticks = (v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : v).Ticks - MinTicks;
        WriteInt64(ticks < 0 ? 0 : ticks);
    }

    /// <summary>Data1 UInt32, Data2 and Data3 UInt16, Data4 8 bytes: the layout of Guid.TryWriteBytes (Part 6 §5.2.2.6).</summary>
    public void WriteGuid(Guid v) => v.TryWriteBytes(Reserve(16));

    public void WriteByteString(byte[]? v)
    {
        if (v is null) { WriteInt32(-1); return; }
        WriteInt32(v.Length);
        WriteRaw(v);
    }

    public void WriteXmlElement(XmlElement? v) => WriteByteString(v is null ? null : System.Text.Encoding.UTF8.GetBytes(v.Xml));

    public void WriteNodeId(NodeId? v) => WriteNodeId(v ?? NodeId.Null, 0);

    /// <summary>Picks the shortest of the six NodeId encodings (Part 6 §5.2.2.9, Table 9); high bits carry ExpandedNodeId flags.</summary>
    private void WriteNodeId(NodeId v, byte flags)
    {
        switch (v.IdType)
        {
            case IdType.Numeric when v.NamespaceIndex == 0 && v.NumericId <= byte.MaxValue:
                WriteByte((byte)(0x00 | flags)); WriteByte((byte)v.NumericId); break;
            case IdType.Numeric when v.NamespaceIndex <= byte.MaxValue && v.NumericId <= ushort.MaxValue:
                WriteByte((byte)(0x01 | flags)); WriteByte((byte)v.NamespaceIndex); WriteUInt16((ushort)v.NumericId); break;
            case IdType.Numeric:
                WriteByte((byte)(0x02 | flags)); WriteUInt16(v.NamespaceIndex); WriteUInt32(v.NumericId); break;
            case IdType.String:
                WriteByte((byte)(0x03 | flags)); WriteUInt16(v.NamespaceIndex); WriteString(v.StringId); break;
            case IdType.Guid:
                WriteByte((byte)(0x04 | flags)); WriteUInt16(v.NamespaceIndex); WriteGuid(v.GuidId!.Value); break;
            default:
                WriteByte((byte)(0x05 | flags)); WriteUInt16(v.NamespaceIndex); WriteByteString(v.OpaqueId); break;
        }
    }

    /// <summary>A NodeId with flag 0x80 when a namespace URI follows and 0x40 when a server index follows (Part 6 §5.2.2.10).</summary>
    public void WriteExpandedNodeId(ExpandedNodeId? v)
    {
        v ??= ExpandedNodeId.Null;
        byte flags = 0;
        if (v.NamespaceUri is not null) flags |= 0x80;
        if (v.ServerIndex != 0) flags |= 0x40;
        WriteNodeId(v.NodeId, flags);
        if (v.NamespaceUri is not null) WriteString(v.NamespaceUri);
        if (v.ServerIndex != 0) WriteUInt32(v.ServerIndex);
    }

    public void WriteQualifiedName(QualifiedName? v)
    {
        WriteUInt16(v?.NamespaceIndex ?? 0);
        WriteString(v?.Name);
    }

    /// <summary>Mask 0x01 locale, 0x02 text (Part 6 §5.2.2.14).</summary>
    public void WriteLocalizedText(LocalizedText? v)
    {
        byte mask = 0;
        if (v?.Locale is not null) mask |= 1;
        if (v?.Text is not null) mask |= 2;
        WriteByte(mask);
        if ((mask & 1) != 0) WriteString(v!.Locale);
        if ((mask & 2) != 0) WriteString(v!.Text);
    }

    /// <summary>TypeId, encoding byte, then an Int32-length body (Part 6 §5.2.2.15).</summary>
    public void WriteExtensionObject(ExtensionObject? v)
    {
        if (v is null || v.IsNull) { WriteNodeId(NodeId.Null); WriteByte(0); return; }
        WriteNodeId(v.TypeId);
        if (v.Body is not null)
        {
            WriteByte((byte)ExtensionObjectEncoding.Binary);
            var lengthAt = _position;
            WriteInt32(0);
            v.Body.Encode(this);
            PatchUInt32(lengthAt, (uint)(_position - lengthAt - 4));
            return;
        }
        WriteByte((byte)v.Encoding);
        if (v.Encoding != ExtensionObjectEncoding.None) WriteByteString(v.RawBody ?? []);
    }

    public void WriteEncodeable<T>(T? v) where T : IEncodeable, new() => (v ?? new T()).Encode(this);

    /// <summary>An Int32 count then the elements; a null array is count -1 (Part 6 §5.2.5).</summary>
    public void WriteArray<T>(IReadOnlyList<T>? items, Action<BinaryEncoder, T> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (items is null) { WriteInt32(-1); return; }
        WriteInt32(items.Count);
        for (var i = 0; i < items.Count; i++) write(this, items[i]);
    }

    public void WriteEncodeableArray<T>(IReadOnlyList<T>? items) where T : IEncodeable, new() => WriteArray(items, static (e, x) => e.WriteEncodeable(x));
}

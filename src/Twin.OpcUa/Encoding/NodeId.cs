using System.Globalization;

namespace Twin.OpcUa.Encoding;

/// <summary>The kind of identifier a <see cref="NodeId"/> holds (Part 3 §8.2.3).</summary>
public enum IdType : byte
{
    Numeric = 0,
    String = 1,
    Guid = 2,
    Opaque = 3,
}

/// <summary>An OPC UA NodeId: a namespace index and a numeric, string, GUID or opaque identifier (Part 3 §8.2, Part 6 §5.2.2.9).</summary>
public sealed class NodeId : IEquatable<NodeId>
{
    private readonly object _identifier;

    private NodeId(ushort namespaceIndex, IdType idType, object identifier)
    {
        NamespaceIndex = namespaceIndex;
        IdType = idType;
        _identifier = identifier;
    }

    public NodeId(uint value, ushort namespaceIndex = 0) : this(namespaceIndex, IdType.Numeric, value) { }

    public NodeId(string value, ushort namespaceIndex) : this(namespaceIndex, IdType.String, value ?? throw new ArgumentNullException(nameof(value))) { }

    public NodeId(Guid value, ushort namespaceIndex) : this(namespaceIndex, IdType.Guid, value) { }

    public NodeId(byte[] value, ushort namespaceIndex) : this(namespaceIndex, IdType.Opaque, (byte[])(value ?? throw new ArgumentNullException(nameof(value))).Clone()) { }

    /// <summary>The null NodeId (ns=0;i=0).</summary>
    public static NodeId Null { get; } = new(0u);

    /// <summary>Numeric ids of namespace 0 below this are shared instances (see <see cref="Numeric"/>).</summary>
    internal const uint SharedNumericLimit = 4096;

    private static readonly NodeId?[] s_sharedNumeric = new NodeId?[SharedNumericLimit];

    /// <summary>
    /// ns=0;i=<paramref name="value"/>, for small values one instance made on first use and shared after: the type and encoding
    /// ids of the standard structures are written and read on every message (a response's BinaryEncodingId, a request's type
    /// id), and a NodeId with its boxed identifier allocated for each was measurable per read. A NodeId never changes, so
    /// sharing is safe; two threads racing on a first use each make one and either may stay.
    /// </summary>
    internal static NodeId Numeric(uint value)
    {
        if (value >= SharedNumericLimit) return new NodeId(value);
        if (Volatile.Read(ref s_sharedNumeric[value]) is { } shared) return shared;
        var made = new NodeId(value);
        return Interlocked.CompareExchange(ref s_sharedNumeric[value], made, null) ?? made;
    }

    /// <summary>An opaque NodeId that takes ownership of <paramref name="value"/> (a copy made by its caller, e.g. the decoder).</summary>
    internal static NodeId OwningOpaque(byte[] value, ushort namespaceIndex) => new(namespaceIndex, IdType.Opaque, value);

    public ushort NamespaceIndex { get; }
    public IdType IdType { get; }

    /// <summary>The identifier: a uint, string, Guid or byte[] (a copy) according to <see cref="IdType"/>.</summary>
    public object Identifier => _identifier is byte[] b ? b.Clone() : _identifier;

    public uint NumericId => _identifier is uint u ? u : throw new InvalidOperationException($"{this} is not numeric.");
    public string? StringId => _identifier as string;
    public Guid? GuidId => _identifier is Guid g ? g : null;
    internal byte[]? OpaqueId => _identifier as byte[];

    /// <summary>True for the null NodeId of any identifier type (Part 6 §5.2.2.9).</summary>
    public bool IsNull => _identifier switch
    {
        uint u => u == 0 && NamespaceIndex == 0,
        string s => s.Length == 0 && NamespaceIndex == 0,
        Guid g => g == Guid.Empty && NamespaceIndex == 0,
        byte[] b => b.Length == 0 && NamespaceIndex == 0,
        _ => false,
    };

    public static implicit operator NodeId(uint value) => Numeric(value);

    public bool Equals(NodeId? other) =>
        other is not null && NamespaceIndex == other.NamespaceIndex && IdType == other.IdType &&
        (_identifier is byte[] a ? a.AsSpan().SequenceEqual((byte[])other._identifier) : _identifier.Equals(other._identifier));

    public override bool Equals(object? obj) => Equals(obj as NodeId);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(NamespaceIndex);
        hash.Add(IdType);
        if (_identifier is byte[] b) hash.AddBytes(b);
        else hash.Add(_identifier);
        return hash.ToHashCode();
    }

    public static bool operator ==(NodeId? left, NodeId? right) => left is null ? right is null : left.Equals(right);
    public static bool operator !=(NodeId? left, NodeId? right) => !(left == right);

    /// <summary>The string form of Part 6 §5.3.1.10: <c>ns=1;i=5</c>, <c>s=Name</c>, <c>g=...</c>, <c>b=base64</c>.</summary>
    public override string ToString()
    {
        var prefix = NamespaceIndex == 0 ? "" : $"ns={NamespaceIndex.ToString(CultureInfo.InvariantCulture)};";
        return prefix + _identifier switch
        {
            uint u => "i=" + u.ToString(CultureInfo.InvariantCulture),
            string s => "s=" + s,
            Guid g => "g=" + g.ToString("D"),
            byte[] b => "b=" + Convert.ToBase64String(b),
            _ => "?",
        };
    }

    /// <summary>Parses the string form; throws <see cref="UaException"/> (BadNodeIdInvalid) on bad input.</summary>
    public static NodeId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ushort ns = 0;
        var rest = text;
        if (rest.StartsWith("ns=", StringComparison.Ordinal))
        {
            var semi = rest.IndexOf(';', StringComparison.Ordinal);
            if (semi < 0 || !ushort.TryParse(rest.AsSpan(3, semi - 3), NumberStyles.None, CultureInfo.InvariantCulture, out ns))
                throw new UaException(StatusCodes.BadNodeIdInvalid, $"'{text}' has no valid namespace index.");
            rest = rest[(semi + 1)..];
        }
        if (rest.Length >= 2 && rest[1] == '=')
        {
            var value = rest[2..];
            switch (rest[0])
            {
                case 'i' when uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var u): return new NodeId(u, ns);
                case 's': return new NodeId(value, ns);
                case 'g' when Guid.TryParse(value, out var g): return new NodeId(g, ns);
                case 'b':
                    try { return new NodeId(Convert.FromBase64String(value), ns); }
                    catch (FormatException e) { throw new UaException(StatusCodes.BadNodeIdInvalid, $"'{text}' has bad base64.", e); }
            }
        }
        throw new UaException(StatusCodes.BadNodeIdInvalid, $"'{text}' is not a NodeId (expected e.g. ns=1;i=5 or ns=2;s=Name).");
    }
}

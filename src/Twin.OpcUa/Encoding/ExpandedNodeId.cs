namespace Twin.OpcUa.Encoding;

/// <summary>A NodeId that may name its namespace by URI and its server by index (Part 6 §5.2.2.10).</summary>
public sealed record ExpandedNodeId(NodeId NodeId, string? NamespaceUri = null, uint ServerIndex = 0)
{
    public static ExpandedNodeId Null { get; } = new(NodeId.Null);

    public bool IsNull => NodeId.IsNull && NamespaceUri is null && ServerIndex == 0;

    /// <summary>True when the node is on this server and named by namespace index only.</summary>
    public bool IsLocal => NamespaceUri is null && ServerIndex == 0;

    public static implicit operator ExpandedNodeId(NodeId nodeId) => new(nodeId);

    public override string ToString() =>
        (ServerIndex != 0 ? $"svr={ServerIndex};" : "") + (NamespaceUri is not null ? $"nsu={NamespaceUri};" : "") + NodeId;
}

/// <summary>A name qualified by a namespace index (Part 6 §5.2.2.13).</summary>
public sealed record QualifiedName(ushort NamespaceIndex, string? Name)
{
    public QualifiedName(string name) : this(0, name) { }

    public static QualifiedName Null { get; } = new(0, null);

    public override string ToString() => NamespaceIndex == 0 ? Name ?? "" : $"{NamespaceIndex}:{Name}";
}

/// <summary>Text with an optional locale (Part 6 §5.2.2.14).</summary>
public sealed record LocalizedText(string? Locale, string? Text)
{
    public LocalizedText(string text) : this(null, text) { }

    public static LocalizedText Null { get; } = new(null, null);

    public override string ToString() => Text ?? "";
}

/// <summary>An XML fragment carried as UTF-8 bytes (Part 6 §5.2.2.8).</summary>
public sealed record XmlElement(string Xml)
{
    public override string ToString() => Xml;
}

using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;

namespace Twin.OpcUa.Server;

/// <summary>Attribute ids of Part 6 Annex A.1.</summary>
public static class Attributes
{
    public const uint NodeId = 1, NodeClass = 2, BrowseName = 3, DisplayName = 4, Description = 5, WriteMask = 6, UserWriteMask = 7,
        IsAbstract = 8, Symmetric = 9, InverseName = 10, ContainsNoLoops = 11, EventNotifier = 12, Value = 13, DataType = 14, ValueRank = 15,
        ArrayDimensions = 16, AccessLevel = 17, UserAccessLevel = 18, MinimumSamplingInterval = 19, Historizing = 20, Executable = 21,
        UserExecutable = 22, DataTypeDefinition = 23, RolePermissions = 24, UserRolePermissions = 25, AccessRestrictions = 26;
}

/// <summary>AccessLevel bits (Part 3 §5.6.2).</summary>
[Flags]
public enum AccessLevels : byte
{
    None = 0,
    CurrentRead = 0x01,
    CurrentWrite = 0x02,
    CurrentReadOrWrite = CurrentRead | CurrentWrite,
}

/// <summary>Permissions a role may hold on a node (Part 3 §8.55, PermissionType); the subset this server enforces.</summary>
[Flags]
public enum Permissions : uint
{
    None = 0,
    Browse = 0x1,
    Read = 0x20,
    Write = 0x40,
    Call = 0x1000,
    All = Browse | Read | Write | Call,
}

/// <summary>A reference from one node to another (Part 3 §4.3.4).</summary>
public sealed record Reference(NodeId ReferenceTypeId, bool IsForward, NodeId TargetId);

/// <summary>A node of the address space: the attributes every node class shares (Part 3 §5.2).</summary>
public abstract class Node
{
    private readonly List<Reference> _references = [];

    protected Node(NodeId nodeId, NodeClass nodeClass, QualifiedName browseName, LocalizedText? displayName)
    {
        NodeId = nodeId ?? throw new ArgumentNullException(nameof(nodeId));
        NodeClass = nodeClass;
        BrowseName = browseName ?? throw new ArgumentNullException(nameof(browseName));
        DisplayName = displayName ?? new LocalizedText(browseName.Name ?? "");
    }

    public NodeId NodeId { get; }
    public NodeClass NodeClass { get; }
    public QualifiedName BrowseName { get; }
    public LocalizedText DisplayName { get; set; }
    public LocalizedText? Description { get; set; }

    /// <summary>Permissions by role name; null lets every role do everything the node's access level allows.</summary>
    public IReadOnlyDictionary<string, Permissions>? RolePermissions { get; set; }

    internal object Sync => _references;

    public IReadOnlyList<Reference> References
    {
        get { lock (Sync) return [.. _references]; }
    }

    internal void AddReference(Reference reference)
    {
        lock (Sync) _references.Add(reference);
    }

    internal void RemoveReferences(Predicate<Reference> match)
    {
        lock (Sync) _references.RemoveAll(match);
    }

    /// <summary>True when one of <paramref name="roles"/> holds <paramref name="permission"/>.</summary>
    public bool Allows(IReadOnlySet<string> roles, Permissions permission)
    {
        ArgumentNullException.ThrowIfNull(roles);
        if (RolePermissions is null) return true;
        foreach (var (role, granted) in RolePermissions)
            if ((granted & permission) == permission && roles.Contains(role)) return true;
        return false;
    }
}

/// <summary>An Object node (Part 3 §5.5.1).</summary>
public sealed class ObjectNode(NodeId nodeId, QualifiedName browseName, LocalizedText? displayName = null) : Node(nodeId, NodeClass.Object, browseName, displayName)
{
    public byte EventNotifier { get; set; }
}

/// <summary>A type node: ObjectType, VariableType, DataType or ReferenceType (Part 3 §5.5.2, §5.6.5, §5.8.3, §5.3).</summary>
public sealed class TypeNode(NodeId nodeId, NodeClass nodeClass, QualifiedName browseName) : Node(nodeId, nodeClass, browseName, null)
{
    public bool IsAbstract { get; set; }
    public bool Symmetric { get; set; }
    public LocalizedText? InverseName { get; set; }
}

/// <summary>A Variable node with its value (Part 3 §5.6.2). Value changes raise <see cref="Changed"/> for subscriptions.</summary>
public sealed class VariableNode : Node
{
    private DataValue _value;

    public VariableNode(NodeId nodeId, QualifiedName browseName, Variant value, NodeId dataType, LocalizedText? displayName = null) : base(nodeId, NodeClass.Variable, browseName, displayName)
    {
        DataType = dataType ?? throw new ArgumentNullException(nameof(dataType));
        ValueRank = value.IsArray ? 1 : -1;
        _value = new DataValue(value, StatusCodes.Good, DateTime.UtcNow, null);
    }

    public NodeId DataType { get; set; }
    public int ValueRank { get; set; }
    public AccessLevels AccessLevel { get; set; } = AccessLevels.CurrentRead;
    public double MinimumSamplingInterval { get; set; }

    /// <summary>When set, computes the value at each read (e.g. ServerStatus.CurrentTime).</summary>
    public Func<DataValue>? OnRead { get; set; }

    /// <summary>When set, vets a client write: returns Good to accept or a Bad status code to refuse.</summary>
    public Func<Variant, StatusCode>? OnWrite { get; set; }

    /// <summary>Raised after every value change, with the new value.</summary>
    public event Action<VariableNode, DataValue>? Changed;

    public DataValue Value
    {
        get
        {
            if (OnRead is { } read) return read();
            lock (Sync) return _value;
        }
    }

    /// <summary>Sets the value (source timestamp now unless given) and notifies subscribers.</summary>
    public void SetValue(Variant value, StatusCode status = default, DateTime? sourceTimestamp = null)
    {
        var dv = new DataValue(value, status, sourceTimestamp ?? DateTime.UtcNow, null);
        lock (Sync) _value = dv;
        Changed?.Invoke(this, dv);
    }
}

/// <summary>What a method handler learns about its caller.</summary>
public sealed record MethodContext(NodeId ObjectId, NodeId MethodId, string UserName, IReadOnlySet<string> Roles)
{
    /// <summary>The security mode of the channel the call came on (Part 12 methods demand SignAndEncrypt).</summary>
    public Messages.MessageSecurityMode SecurityMode { get; init; } = Messages.MessageSecurityMode.None;

    /// <summary>Runs an action once the call's response has been sent (e.g. closing channels after ApplyChanges).</summary>
    public Action<Action> AfterResponse { get; init; } = static a => a();

    /// <summary>The DER application certificate the session's channel was opened with (null on a None channel).</summary>
    public byte[]? ClientCertificate { get; init; }
}

/// <summary>
/// A Method node with its handler (Part 3 §5.7). The handler may throw <see cref="UaException"/> to fail the call. An asynchronous
/// handler answers when its task completes (a method that must record its effect durably before the caller hears of it).
/// </summary>
public sealed class MethodNode : Node
{
    /// <summary>A method whose handler answers at once.</summary>
    public MethodNode(NodeId nodeId, QualifiedName browseName, Func<MethodContext, Variant[], Variant[]> handler)
        : this(nodeId, browseName, Synchronous(handler ?? throw new ArgumentNullException(nameof(handler)))) { }

    /// <summary>A method whose handler answers when its task completes; the call's response waits for it.</summary>
    public MethodNode(NodeId nodeId, QualifiedName browseName, Func<MethodContext, Variant[], ValueTask<Variant[]>> handler) : base(nodeId, NodeClass.Method, browseName, null)
    {
        Handler = handler ?? throw new ArgumentNullException(nameof(handler));
    }

    private static Func<MethodContext, Variant[], ValueTask<Variant[]>> Synchronous(Func<MethodContext, Variant[], Variant[]> handler) =>
        (context, inputs) => ValueTask.FromResult(handler(context, inputs));

    public Func<MethodContext, Variant[], ValueTask<Variant[]>> Handler { get; }
    public bool Executable { get; set; } = true;
    public IReadOnlyList<Argument> InputArguments { get; set; } = [];
    public IReadOnlyList<Argument> OutputArguments { get; set; } = [];
}

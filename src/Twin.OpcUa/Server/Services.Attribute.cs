using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Sessions;

namespace Twin.OpcUa.Server;

internal sealed partial class Services
{
    /// <summary>Part 4 §5.10.2.</summary>
    private ReadResponse Read(Session session, ReadRequest r)
    {
        if (r.MaxAge < 0 || double.IsNaN(r.MaxAge)) throw new UaException(StatusCodes.BadMaxAgeInvalid, "MaxAge must not be negative.");
        if (r.TimestampsToReturn is < TimestampsToReturn.Source or > TimestampsToReturn.Neither) throw new UaException(StatusCodes.BadTimestampsToReturnInvalid, "Unknown TimestampsToReturn.");
        var nodes = Operations(r.NodesToRead);
        var results = new DataValue[nodes.Length];
        for (var i = 0; i < nodes.Length; i++) results[i] = ReadOne(session, nodes[i], r.TimestampsToReturn);
        return new ReadResponse { ResponseHeader = ResponseHeader.For(r.RequestHeader), Results = results, DiagnosticInfos = [] };
    }

    internal DataValue ReadOne(Session session, ReadValueId id, TimestampsToReturn timestamps)
    {
        var node = _space.Find(id.NodeId);
        if (node is null || !node.Allows(session.Roles, Permissions.Browse)) return DataValue.FromStatus(StatusCodes.BadNodeIdUnknown);
        if (!string.IsNullOrEmpty(id.IndexRange)) return DataValue.FromStatus(StatusCodes.BadIndexRangeInvalid);
        if (id.DataEncoding.Name is not null && id.DataEncoding.Name != "Default Binary") return DataValue.FromStatus(StatusCodes.BadDataEncodingUnsupported);
        if (id.AttributeId == Attributes.Value)
        {
            if (node is not VariableNode v) return DataValue.FromStatus(StatusCodes.BadAttributeIdInvalid);
            if ((v.AccessLevel & AccessLevels.CurrentRead) == 0) return DataValue.FromStatus(StatusCodes.BadNotReadable);
            if (!v.Allows(session.Roles, Permissions.Read)) return DataValue.FromStatus(StatusCodes.BadUserAccessDenied);
            return ApplyTimestamps(v.Value, timestamps);
        }
        var value = AttributeValue(session, node, id.AttributeId);
        return value is { } x ? new DataValue(x) : DataValue.FromStatus(StatusCodes.BadAttributeIdInvalid);
    }

    /// <summary>The non-Value attributes of Part 3 §5, or null when the node class has no such attribute.</summary>
    private static Variant? AttributeValue(Session session, Node node, uint attribute) => attribute switch
    {
        Attributes.NodeId => new Variant(BuiltInType.NodeId, node.NodeId),
        Attributes.NodeClass => (int)node.NodeClass,
        Attributes.BrowseName => new Variant(BuiltInType.QualifiedName, node.BrowseName),
        Attributes.DisplayName => new Variant(BuiltInType.LocalizedText, node.DisplayName),
        Attributes.Description => new Variant(BuiltInType.LocalizedText, node.Description ?? LocalizedText.Null),
        Attributes.WriteMask or Attributes.UserWriteMask => 0u,
        Attributes.EventNotifier when node is ObjectNode o => new Variant(BuiltInType.Byte, o.EventNotifier),
        Attributes.DataType when node is VariableNode v => new Variant(BuiltInType.NodeId, v.DataType),
        Attributes.ValueRank when node is VariableNode v => v.ValueRank,
        Attributes.ArrayDimensions when node is VariableNode v => v.ValueRank == 1 ? new Variant(BuiltInType.UInt32, new uint[] { 0 }) : Variant.Null,
        Attributes.AccessLevel when node is VariableNode v => new Variant(BuiltInType.Byte, (byte)v.AccessLevel),
        Attributes.UserAccessLevel when node is VariableNode v => new Variant(BuiltInType.Byte, (byte)UserAccess(session, v)),
        Attributes.MinimumSamplingInterval when node is VariableNode v => v.MinimumSamplingInterval,
        Attributes.Historizing when node is VariableNode => false,
        Attributes.Executable when node is MethodNode m => m.Executable,
        Attributes.UserExecutable when node is MethodNode m => m.Executable && m.Allows(session.Roles, Permissions.Call),
        Attributes.IsAbstract when node is TypeNode t => t.IsAbstract,
        Attributes.Symmetric when node is TypeNode { NodeClass: NodeClass.ReferenceType } t => t.Symmetric,
        Attributes.InverseName when node is TypeNode { NodeClass: NodeClass.ReferenceType } t => new Variant(BuiltInType.LocalizedText, t.InverseName ?? LocalizedText.Null),
        _ => null,
    };

    private static AccessLevels UserAccess(Session session, VariableNode v)
    {
        var access = v.AccessLevel;
        if (!v.Allows(session.Roles, Permissions.Read)) access &= ~AccessLevels.CurrentRead;
        if (!v.Allows(session.Roles, Permissions.Write)) access &= ~AccessLevels.CurrentWrite;
        return access;
    }

    /// <summary>Part 4 §5.10.4: only the Value attribute of writable variables, with a value of the variable's type.</summary>
    private WriteResponse Write(Session session, WriteRequest r)
    {
        var results = Operations(r.NodesToWrite).Select(w => new StatusCode(WriteOne(session, w))).ToArray();
        return new WriteResponse { ResponseHeader = ResponseHeader.For(r.RequestHeader), Results = results, DiagnosticInfos = [] };
    }

    private uint WriteOne(Session session, WriteValue w)
    {
        var node = _space.Find(w.NodeId);
        if (node is null || !node.Allows(session.Roles, Permissions.Browse)) return StatusCodes.BadNodeIdUnknown;
        if (w.AttributeId != Attributes.Value) return w.AttributeId is >= 1 and <= 27 ? StatusCodes.BadNotWritable : StatusCodes.BadAttributeIdInvalid;
        if (node is not VariableNode v) return StatusCodes.BadAttributeIdInvalid;
        if (!string.IsNullOrEmpty(w.IndexRange)) return StatusCodes.BadIndexRangeInvalid;
        if ((v.AccessLevel & AccessLevels.CurrentWrite) == 0) return StatusCodes.BadNotWritable;
        if (!v.Allows(session.Roles, Permissions.Write)) return StatusCodes.BadUserAccessDenied;
        if (w.Value.ServerTimestamp is not null || w.Value.ServerPicoseconds != 0) return StatusCodes.BadWriteNotSupported;
        var value = w.Value.Value;
        if (!TypeFits(v, value)) return StatusCodes.BadTypeMismatch;
        if (v.OnWrite is { } vet && vet(value) is { IsGood: false } refused) return refused.Code;
        v.SetValue(value, w.Value.StatusCode, w.Value.SourceTimestamp);
        return StatusCodes.Good;
    }

    /// <summary>The value's built-in type must be the variable's data type (or the variable takes any type), and its rank must fit.</summary>
    private static bool TypeFits(VariableNode v, Variant value)
    {
        if (value.IsNull) return true;
        if (v.ValueRank == -1 && value.IsArray) return false;
        if (v.ValueRank >= 1 && !value.IsArray) return false;
        if (v.DataType == WellKnownIds.BaseDataType) return true;
        if (v.DataType.NamespaceIndex != 0 || v.DataType.IdType != IdType.Numeric) return true;
        var id = v.DataType.NumericId;
        if (id is >= 1 and <= 25) return (uint)value.Type == id;
        return id switch
        {
            290 => value.Type == BuiltInType.Double,
            294 => value.Type == BuiltInType.DateTime,
            295 => value.Type == BuiltInType.String,
            _ => value.Type is BuiltInType.ExtensionObject or BuiltInType.Int32,
        };
    }
}

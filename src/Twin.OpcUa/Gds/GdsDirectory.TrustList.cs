using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Gds;

public sealed partial class GdsDirectory
{
    private const int MaxOpenFiles = 64;
    private readonly Dictionary<uint, MemoryStream> _files = [];
    private uint _nextHandle;
    private DateTime _trustListChanged = DateTime.MinValue;
    private string _trustListDigest = "";

    /// <summary>
    /// The DefaultApplicationGroup's TrustList (Part 12 §7.8.2): the backend's trust list as a FileType that applications open and
    /// read (mode 1 or OpenWithMasks). The GDS's CA decides what is in it, so it is not writable: Write, CloseAndUpdate,
    /// AddCertificate and RemoveCertificate answer BadNotWritable.
    /// </summary>
    private void InstallTrustList(NodeId group)
    {
        var space = _host.AddressSpace;
        var list = space.StandardObject(group, Id(GdsDirectoryIds.TrustList), "TrustList", GdsIds.TrustListType);
        space.StandardVariable(list.NodeId, Id(GdsDirectoryIds.TrustListSize), "Size", 0UL, 9, property: true).OnRead =
            () => new DataValue(new Variant(BuiltInType.UInt64, (ulong)CurrentTrustList(TrustListMasks.All).Encode().Length));
        space.StandardVariable(list.NodeId, Id(GdsDirectoryIds.TrustListWritable), "Writable", false, 1, property: true);
        space.StandardVariable(list.NodeId, Id(GdsDirectoryIds.TrustListUserWritable), "UserWritable", false, 1, property: true);
        space.StandardVariable(list.NodeId, Id(GdsDirectoryIds.TrustListOpenCount), "OpenCount", new Variant(BuiltInType.UInt16, (ushort)0), 5, property: true).OnRead =
            () => { lock (_sync) return new DataValue(new Variant(BuiltInType.UInt16, (ushort)_files.Count)); };
        space.StandardVariable(list.NodeId, Id(GdsDirectoryIds.TrustListLastUpdateTime), "LastUpdateTime", DateTime.MinValue, WellKnownIds.UtcTime, property: true).OnRead =
            () => { CurrentTrustList(TrustListMasks.All); lock (_sync) return new DataValue(_trustListChanged); };
        var handle = Arg("FileHandle", BuiltInType.UInt32);
        void Method(uint id, string name, Func<MethodContext, Variant[], Variant[]> handler, Argument[] inputs, Argument[]? outputs = null) =>
            space.StandardMethod(list.NodeId, Id(id), name, handler, inputs, outputs ?? []);
        Method(GdsDirectoryIds.TrustListOpen, "Open", OpenTrustList, [Arg("Mode", BuiltInType.Byte)], [handle]);
        Method(GdsDirectoryIds.TrustListOpenWithMasks, "OpenWithMasks", OpenTrustListWithMasks, [Arg("Masks", BuiltInType.UInt32)], [handle]);
        Method(GdsDirectoryIds.TrustListClose, "Close", CloseTrustList, [handle]);
        Method(GdsDirectoryIds.TrustListRead, "Read", ReadTrustList, [handle, Arg("Length", BuiltInType.Int32)], [Arg("Data", BuiltInType.ByteString)]);
        Method(GdsDirectoryIds.TrustListGetPosition, "GetPosition", (c, i) => [new Variant(BuiltInType.UInt64, (ulong)OpenFile(c, i[0]).Position)], [handle],
            [Arg("Position", BuiltInType.UInt64)]);
        Method(GdsDirectoryIds.TrustListSetPosition, "SetPosition", SetTrustListPosition, [handle, Arg("Position", BuiltInType.UInt64)]);
        Method(GdsDirectoryIds.TrustListWrite, "Write", NotWritable, [handle, Arg("Data", BuiltInType.ByteString)]);
        Method(GdsDirectoryIds.TrustListCloseAndUpdate, "CloseAndUpdate", NotWritable, [handle], [Arg("ApplyChangesRequired", BuiltInType.Boolean)]);
        Method(GdsDirectoryIds.TrustListAddCertificate, "AddCertificate", NotWritable, [Arg("Certificate", BuiltInType.ByteString), Arg("IsTrustedCertificate", BuiltInType.Boolean)]);
        Method(GdsDirectoryIds.TrustListRemoveCertificate, "RemoveCertificate", NotWritable, [Arg("Thumbprint", BuiltInType.String), Arg("IsTrustedCertificate", BuiltInType.Boolean)]);
    }

    /// <summary>The backend's trust list now, limited to <paramref name="masks"/>; LastUpdateTime moves when its content changes.</summary>
    private TrustListData CurrentTrustList(TrustListMasks masks)
    {
        var all = _backend.TrustList();
        var digest = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData((all with { SpecifiedLists = TrustListMasks.All }).Encode()));
        lock (_sync)
        {
            if (digest != _trustListDigest)
            {
                _trustListDigest = digest;
                _trustListChanged = Options.Time.GetUtcNow().UtcDateTime;
            }
        }
        return new TrustListData(masks,
            masks.HasFlag(TrustListMasks.TrustedCertificates) ? all.TrustedCertificates : [], masks.HasFlag(TrustListMasks.TrustedCrls) ? all.TrustedCrls : [],
            masks.HasFlag(TrustListMasks.IssuerCertificates) ? all.IssuerCertificates : [], masks.HasFlag(TrustListMasks.IssuerCrls) ? all.IssuerCrls : []);
    }

    /// <summary>Who may read the trust list: a CertificateAuthorityAdmin, or a registered application on its own certificate.</summary>
    private void RequireReader(MethodContext context)
    {
        RequireChannel(context, encrypted: false);
        if (context.Roles.Contains(GdsRoles.CertificateAuthorityAdmin)) return;
        ApplicationRecord[] registered;
        lock (_sync) registered = [.. _applications.Values.Select(a => a.Record)];
        if (!registered.Any(r => IsSelf(context, r.ApplicationUri)))
            throw new UaException(StatusCodes.BadUserAccessDenied, "The trust list is for registered applications and the CertificateAuthorityAdmin role.");
    }

    private Variant[] OpenTrustList(MethodContext context, Variant[] inputs)
    {
        RequireReader(context);
        var mode = inputs[0].Value is byte b ? b : throw new UaException(StatusCodes.BadInvalidArgument, "Mode must be a Byte.");
        if (mode != 1) throw new UaException(mode is 2 or 6 ? StatusCodes.BadNotWritable : StatusCodes.BadInvalidArgument, $"This TrustList opens for reading only (mode 1), not mode {mode}.");
        return [NewHandle(CurrentTrustList(TrustListMasks.All))];
    }

    private Variant[] OpenTrustListWithMasks(MethodContext context, Variant[] inputs)
    {
        RequireReader(context);
        var masks = inputs[0].Value is uint m ? (TrustListMasks)m : throw new UaException(StatusCodes.BadInvalidArgument, "Masks must be a UInt32.");
        return [NewHandle(CurrentTrustList(masks & TrustListMasks.All))];
    }

    private Variant NewHandle(TrustListData content)
    {
        lock (_sync)
        {
            if (_files.Count >= MaxOpenFiles) throw new UaException(StatusCodes.BadTooManyOperations, $"{MaxOpenFiles} TrustList files are open already.");
            var handle = ++_nextHandle;
            _files[handle] = new MemoryStream(content.Encode(), writable: false);
            return handle;
        }
    }

    private MemoryStream OpenFile(MethodContext context, Variant handle)
    {
        RequireReader(context);
        lock (_sync)
            return handle.Value is uint h && _files.TryGetValue(h, out var f) ? f : throw new UaException(StatusCodes.BadInvalidArgument, $"No open TrustList file has handle {handle.Value}.");
    }

    private Variant[] CloseTrustList(MethodContext context, Variant[] inputs)
    {
        OpenFile(context, inputs[0]).Dispose();
        lock (_sync) _files.Remove((uint)inputs[0].Value!);
        return [];
    }

    private Variant[] ReadTrustList(MethodContext context, Variant[] inputs)
    {
        var file = OpenFile(context, inputs[0]);
        var length = inputs[1].Value is int n and >= 0 ? n : throw new UaException(StatusCodes.BadInvalidArgument, "Length must be a non-negative Int32.");
        lock (file)
        {
            var chunk = new byte[Math.Min(length, (int)(file.Length - file.Position))];
            file.ReadExactly(chunk);
            return [new Variant(BuiltInType.ByteString, chunk)];
        }
    }

    private Variant[] SetTrustListPosition(MethodContext context, Variant[] inputs)
    {
        var file = OpenFile(context, inputs[0]);
        var position = inputs[1].Value is ulong p ? p : throw new UaException(StatusCodes.BadInvalidArgument, "Position must be a UInt64.");
        lock (file) file.Position = (long)Math.Min(position, (ulong)file.Length);
        return [];
    }

    private static Variant[] NotWritable(MethodContext context, Variant[] inputs) =>
        throw new UaException(StatusCodes.BadNotWritable, "The GDS's trust list comes from its certificate authority; it is not written by clients.");
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Gds;

public sealed partial class ServerConfiguration
{
    // Part 5 §C.2.1 FileType open modes.
    private const byte ModeRead = 1, ModeWrite = 2, ModeEraseExisting = 4;

    private sealed class OpenFile(bool writing, byte[] content)
    {
        public bool Writing { get; } = writing;
        public MemoryStream Content { get; } = writing ? new MemoryStream() : new MemoryStream(content, writable: false);
    }

    private readonly Dictionary<uint, OpenFile> _files = [];
    private uint _nextHandle;
    private DateTime _trustListUpdated = DateTime.MinValue;
    private HashSet<string> _issuerCrls = new(StringComparer.Ordinal);

    /// <summary>When the trust list was last changed through ApplyChanges (LastUpdateTime); MinValue before.</summary>
    public DateTime TrustListLastUpdateTime
    {
        get { lock (_sync) return _trustListUpdated; }
    }

    private void InstallTrustList(NodeId group)
    {
        var list = _space.StandardObject(group, GdsIds.TrustList, "TrustList", GdsIds.TrustListType);
        var size = _space.StandardVariable(list.NodeId, GdsIds.TrustListSize, "Size", 0UL, 9, property: true);
        size.OnRead = () => new DataValue(new Variant(BuiltInType.UInt64, (ulong)Current(TrustListMasks.All).Encode().Length));
        _space.StandardVariable(list.NodeId, GdsIds.TrustListWritable, "Writable", true, 1, property: true);
        _space.StandardVariable(list.NodeId, GdsIds.TrustListUserWritable, "UserWritable", true, 1, property: true);
        var openCount = _space.StandardVariable(list.NodeId, GdsIds.TrustListOpenCount, "OpenCount", new Variant(BuiltInType.UInt16, (ushort)0), 5, property: true);
        openCount.OnRead = () => { lock (_sync) return new DataValue(new Variant(BuiltInType.UInt16, (ushort)_files.Count)); };
        var updated = _space.StandardVariable(list.NodeId, GdsIds.TrustListLastUpdateTime, "LastUpdateTime", DateTime.MinValue, WellKnownIds.UtcTime, property: true);
        updated.OnRead = () => new DataValue(TrustListLastUpdateTime);
        var handle = Arg("FileHandle", BuiltInType.UInt32);
        _space.StandardMethod(list.NodeId, GdsIds.TrustListOpen, "Open", Open, [Arg("Mode", BuiltInType.Byte)], [handle]);
        _space.StandardMethod(list.NodeId, GdsIds.TrustListOpenWithMasks, "OpenWithMasks", OpenWithMasks, [Arg("Masks", BuiltInType.UInt32)], [handle]);
        _space.StandardMethod(list.NodeId, GdsIds.TrustListClose, "Close", Close, [handle]);
        _space.StandardMethod(list.NodeId, GdsIds.TrustListRead, "Read", Read, [handle, Arg("Length", BuiltInType.Int32)], [Arg("Data", BuiltInType.ByteString)]);
        _space.StandardMethod(list.NodeId, GdsIds.TrustListWrite, "Write", Write, [handle, Arg("Data", BuiltInType.ByteString)]);
        _space.StandardMethod(list.NodeId, GdsIds.TrustListGetPosition, "GetPosition", GetPosition, [handle], [Arg("Position", BuiltInType.UInt64)]);
        _space.StandardMethod(list.NodeId, GdsIds.TrustListSetPosition, "SetPosition", SetPosition, [handle, Arg("Position", BuiltInType.UInt64)]);
        _space.StandardMethod(list.NodeId, GdsIds.TrustListCloseAndUpdate, "CloseAndUpdate", CloseAndUpdate, [handle], [Arg("ApplyChangesRequired", BuiltInType.Boolean)]);
        _space.StandardMethod(list.NodeId, GdsIds.TrustListAddCertificate, "AddCertificate", AddCertificate,
            [Arg("Certificate", BuiltInType.ByteString), Arg("IsTrustedCertificate", BuiltInType.Boolean)]);
        _space.StandardMethod(list.NodeId, GdsIds.TrustListRemoveCertificate, "RemoveCertificate", RemoveCertificate,
            [Arg("Thumbprint", BuiltInType.String), Arg("IsTrustedCertificate", BuiltInType.Boolean)]);
    }

    private Security.ITrustListStore Validator() => _options().CertificateValidator as Security.ITrustListStore
        ?? throw new UaException(StatusCodes.BadNotSupported, "This server's certificate validator has no trust list to manage.");

    /// <summary>The trust list in force (staged changes are not shown until applied), limited to <paramref name="masks"/>.</summary>
    private TrustListData Current(TrustListMasks masks)
    {
        var (trusted, issuers, crls) = Validator().Snapshot();
        HashSet<string> issuerCrls;
        lock (_sync) issuerCrls = _issuerCrls;
        var issuerCrlList = crls.Where(c => issuerCrls.Contains(Convert.ToBase64String(c))).ToArray();
        var trustedCrlList = crls.Where(c => !issuerCrls.Contains(Convert.ToBase64String(c))).ToArray();
        return new TrustListData(masks,
            masks.HasFlag(TrustListMasks.TrustedCertificates) ? trusted : [], masks.HasFlag(TrustListMasks.TrustedCrls) ? trustedCrlList : [],
            masks.HasFlag(TrustListMasks.IssuerCertificates) ? issuers : [], masks.HasFlag(TrustListMasks.IssuerCrls) ? issuerCrlList : []);
    }

    private Variant[] Open(MethodContext context, Variant[] inputs)
    {
        Authorize(context);
        var mode = inputs[0].Value is byte b ? b : throw new UaException(StatusCodes.BadInvalidArgument, "Mode must be a Byte.");
        // Part 12 §7.8.2.1: a TrustList opens for reading (1) or for writing over the existing content (2 | 4), nothing else.
        return mode switch
        {
            ModeRead => [OpenHandle(new OpenFile(false, Current(TrustListMasks.All).Encode()))],
            ModeWrite | ModeEraseExisting => [OpenHandle(new OpenFile(true, []))],
            _ => throw new UaException(StatusCodes.BadInvalidArgument, $"A TrustList opens with mode 1 (read) or 6 (write, erase existing), not {mode}."),
        };
    }

    private Variant[] OpenWithMasks(MethodContext context, Variant[] inputs)
    {
        Authorize(context);
        var masks = inputs[0].Value is uint m ? (TrustListMasks)m : throw new UaException(StatusCodes.BadInvalidArgument, "Masks must be a UInt32.");
        return [OpenHandle(new OpenFile(false, Current(masks & TrustListMasks.All).Encode()))];
    }

    private Variant OpenHandle(OpenFile file)
    {
        lock (_sync)
        {
            // Part 5 §C.2.1: one writer and no readers, or any number of readers.
            if (file.Writing ? _files.Count > 0 : _files.Values.Any(f => f.Writing))
                throw new UaException(StatusCodes.BadInvalidState, "The TrustList is open for writing, or cannot be opened for writing while open.");
            var handle = ++_nextHandle;
            _files[handle] = file;
            return handle;
        }
    }

    private OpenFile File(Variant handle)
    {
        lock (_sync)
            return handle.Value is uint h && _files.TryGetValue(h, out var f) ? f : throw new UaException(StatusCodes.BadInvalidArgument, $"No open TrustList file has handle {handle.Value}.");
    }

    private Variant[] Close(MethodContext context, Variant[] inputs)
    {
        Authorize(context);
        File(inputs[0]);
        lock (_sync) _files.Remove((uint)inputs[0].Value!);
        return [];
    }

    private Variant[] Read(MethodContext context, Variant[] inputs)
    {
        Authorize(context);
        var file = File(inputs[0]);
        if (file.Writing) throw new UaException(StatusCodes.BadInvalidState, "The file is open for writing.");
        var length = inputs[1].Value is int n and >= 0 ? n : throw new UaException(StatusCodes.BadInvalidArgument, "Length must be a non-negative Int32.");
        var chunk = new byte[Math.Min(length, (int)(file.Content.Length - file.Content.Position))];
        file.Content.ReadExactly(chunk);
        return [new Variant(BuiltInType.ByteString, chunk)];
    }

    private Variant[] Write(MethodContext context, Variant[] inputs)
    {
        Authorize(context);
        var file = File(inputs[0]);
        if (!file.Writing) throw new UaException(StatusCodes.BadInvalidState, "The file is open for reading.");
        var data = inputs[1].Value as byte[] ?? [];
        if (file.Content.Length + data.Length > _options().Limits.MaxMessageSize)
            throw new UaException(StatusCodes.BadEncodingLimitsExceeded, $"The trust list would exceed {_options().Limits.MaxMessageSize} bytes.");
        file.Content.Write(data);
        return [];
    }

    private Variant[] GetPosition(MethodContext context, Variant[] inputs)
    {
        Authorize(context);
        return [new Variant(BuiltInType.UInt64, (ulong)File(inputs[0]).Content.Position)];
    }

    private Variant[] SetPosition(MethodContext context, Variant[] inputs)
    {
        Authorize(context);
        var file = File(inputs[0]);
        var position = inputs[1].Value is ulong p ? p : throw new UaException(StatusCodes.BadInvalidArgument, "Position must be a UInt64.");
        file.Content.Position = (long)Math.Min(position, (ulong)file.Content.Length);
        return [];
    }

    /// <summary>Part 12 §7.8.2.3: closes a written file and stages its content; lists it does not name stay as they are.</summary>
    private Variant[] CloseAndUpdate(MethodContext context, Variant[] inputs)
    {
        try
        {
            Authorize(context);
            var file = File(inputs[0]);
            if (!file.Writing) throw new UaException(StatusCodes.BadInvalidState, "CloseAndUpdate needs a file opened for writing.");
            lock (_sync) _files.Remove((uint)inputs[0].Value!);
            var written = TrustListData.Decode(file.Content.ToArray(), _options().Limits);
            CheckParses(written);
            var basis = Staged();
            Stage(new TrustListData(TrustListMasks.All,
                written.SpecifiedLists.HasFlag(TrustListMasks.TrustedCertificates) ? written.TrustedCertificates : basis.TrustedCertificates,
                written.SpecifiedLists.HasFlag(TrustListMasks.TrustedCrls) ? written.TrustedCrls : basis.TrustedCrls,
                written.SpecifiedLists.HasFlag(TrustListMasks.IssuerCertificates) ? written.IssuerCertificates : basis.IssuerCertificates,
                written.SpecifiedLists.HasFlag(TrustListMasks.IssuerCrls) ? written.IssuerCrls : basis.IssuerCrls), "CloseAndUpdate");
            return [true];
        }
        catch (UaException e)
        {
            Audit(GdsIds.TrustListUpdatedAuditEventType, e.StatusCode.Code, "CloseAndUpdate", e.Message, null);
            throw;
        }
    }

    /// <summary>Part 12 §7.8.2.4: stages one more trusted (or issuer) certificate.</summary>
    private Variant[] AddCertificate(MethodContext context, Variant[] inputs)
    {
        Authorize(context);
        EnsureClosed();
        var der = inputs[0].Value as byte[] ?? throw new UaException(StatusCodes.BadInvalidArgument, "No certificate given.");
        try { using var _ = X509CertificateLoader.LoadCertificate(der); }
        catch (CryptographicException e) { throw new UaException(StatusCodes.BadCertificateInvalid, "The certificate does not parse: " + e.Message); }
        var trusted = inputs[1].Value is true;
        var basis = Staged();
        Stage(trusted ? basis with { TrustedCertificates = [.. basis.TrustedCertificates, der] } : basis with { IssuerCertificates = [.. basis.IssuerCertificates, der] }, "AddCertificate", der);
        return [];
    }

    /// <summary>Part 12 §7.8.2.5: stages the removal of the certificate with this (SHA-1, hex) thumbprint.</summary>
    private Variant[] RemoveCertificate(MethodContext context, Variant[] inputs)
    {
        Authorize(context);
        EnsureClosed();
        var thumbprint = inputs[0].Value as string ?? throw new UaException(StatusCodes.BadInvalidArgument, "No thumbprint given.");
        var trusted = inputs[1].Value is true;
        var basis = Staged();
        var list = trusted ? basis.TrustedCertificates : basis.IssuerCertificates;
#pragma warning disable CA5350 // Part 12 names certificates by their SHA-1 thumbprint; it identifies, it does not protect.
        bool Is(byte[] der) => string.Equals(Convert.ToHexString(SHA1.HashData(der)), thumbprint, StringComparison.OrdinalIgnoreCase);
#pragma warning restore CA5350
        if (!list.Any(Is)) throw new UaException(StatusCodes.BadInvalidArgument, $"No {(trusted ? "trusted" : "issuer")} certificate has thumbprint {thumbprint}.");
        var kept = list.Where(d => !Is(d)).ToArray();
        Stage(trusted ? basis with { TrustedCertificates = kept } : basis with { IssuerCertificates = kept }, "RemoveCertificate");
        return [];
    }

    private void EnsureClosed()
    {
        lock (_sync)
            if (_files.Count > 0) throw new UaException(StatusCodes.BadInvalidState, "The TrustList is open.");
    }

    private static void CheckParses(TrustListData data)
    {
        try
        {
            foreach (var der in data.TrustedCertificates.Concat(data.IssuerCertificates)) using (X509CertificateLoader.LoadCertificate(der)) { }
            foreach (var der in data.TrustedCrls.Concat(data.IssuerCrls)) Twin.Pki.Revocation.CertificateRevocationList.FromDer(der);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException or InvalidOperationException)
        {
            throw new UaException(StatusCodes.BadCertificateInvalid, "A certificate or CRL in the trust list does not parse: " + e.Message);
        }
    }

    private TrustListData Staged()
    {
        lock (_sync)
            if (_stagedTrustList is { } staged) return staged;
        return Current(TrustListMasks.All);
    }

    private void Stage(TrustListData data, string method, byte[]? certificate = null)
    {
        lock (_sync) _stagedTrustList = data;
        Audit(GdsIds.TrustListUpdatedAuditEventType, StatusCodes.Good, method, "trust list change staged", certificate);
    }

    private void ApplyTrustList(TrustListData data)
    {
        Validator().Replace(data.TrustedCertificates, data.IssuerCertificates, data.TrustedCrls.Concat(data.IssuerCrls));
        lock (_sync)
        {
            _issuerCrls = new HashSet<string>(data.IssuerCrls.Select(Convert.ToBase64String), StringComparer.Ordinal);
            _trustListUpdated = _options().Time.GetUtcNow().UtcDateTime;
        }
        Audit(GdsIds.TrustListUpdatedAuditEventType, StatusCodes.Good, "ApplyChanges", "trust list applied", null);
    }
}

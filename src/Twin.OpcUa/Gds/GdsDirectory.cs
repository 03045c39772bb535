using System.Security.Cryptography;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Gds;

/// <summary>How a GDS pull server judges certificates and bounds its state.</summary>
public sealed record GdsOptions
{
    /// <summary>GetCertificateStatus answers UpdateRequired once this fraction of a certificate's lifetime has passed (OPC UA guidance: 3/4).</summary>
    public double RenewalFraction { get; init; } = 0.75;

    /// <summary>Registered applications at most (BadRequestNotAllowed beyond).</summary>
    public int MaxApplications { get; init; } = 10_000;

    /// <summary>Signing requests waiting for FinishRequest at most (BadRequestNotAllowed beyond).</summary>
    public int MaxPendingRequests { get; init; } = 1_000;

    /// <summary>RSA key size for StartNewKeyPairRequest.</summary>
    public int KeySize { get; init; } = 2048;

    /// <summary>
    /// The ApplicationId of a new record, from its ApplicationUri and the how-manieth record of that URI it is (1 for the first);
    /// unset: a random Guid. A seeded twin names ids by these so that a rerun registers the same ones.
    /// </summary>
    public Func<string, int, Guid>? NewApplicationId { get; init; }

    /// <summary>
    /// Told every change to the registrations, on the thread of the call that made it; the call answers only once the returned task
    /// has completed, so a client never holds an ApplicationId or a certificate the directory could lose (record the change durably,
    /// then complete). A faulted task fails the call with BadInternalError. With <see cref="GdsDirectory.Restore"/> it keeps a
    /// directory across restarts.
    /// </summary>
    public Func<GdsDirectoryChange, CancellationToken, Task>? Changed { get; init; }
}

/// <summary>
/// A GDS pull server (OPC 10000-12 §6 and §7.9) on a <see cref="UaServerHost"/>: the Directory object (GDS namespace i=141)
/// with RegisterApplication, UpdateApplication, UnregisterApplication, FindApplications, GetApplication, StartSigningRequest,
/// StartNewKeyPairRequest, FinishRequest, GetCertificateGroups, GetCertificates, GetTrustList, GetCertificateStatus and
/// RevokeCertificate, and its DefaultApplicationGroup's TrustList (a read-only FileType). Signing, revocation and the trust list
/// come from an <see cref="IGdsBackend"/>. Directory changes need the DiscoveryAdmin role, certificate methods the
/// CertificateAuthorityAdmin role — or, for either, a channel opened with the application's own certificate (ApplicationSelfAdmin).
/// </summary>
public sealed partial class GdsDirectory
{
    private readonly UaServerHost _host;
    private readonly IGdsBackend _backend;
    private readonly GdsOptions _gds;
    private readonly ushort _ns;
    private readonly Lock _sync = new();
    private readonly Dictionary<NodeId, Registered> _applications = [];
    private readonly Dictionary<NodeId, PendingRequest> _requests = [];

    // What the directory holds per application: its record and its current certificate — nothing that grows with the years. Whether
    // an older certificate was issued to it is the backend's to know (its CA's records).
    private sealed class Registered(ApplicationRecord record)
    {
        public ApplicationRecord Record { get; set; } = record;
        public int Generation { get; init; } = 1;
        public byte[]? Certificate { get; set; }
    }

    private sealed record KeyedCertificate(GdsIssuedCertificate Issued, RSA? Key);

    private sealed record PendingRequest(NodeId ApplicationId, Task<KeyedCertificate> Work, string? KeyFormat, string? KeyPassword);

    /// <summary>Installs the Directory in the host's address space (the GDS namespace is registered there).</summary>
    public GdsDirectory(UaServerHost host, IGdsBackend backend, GdsOptions? options = null)
    {
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _backend = backend ?? throw new ArgumentNullException(nameof(backend));
        _gds = options ?? new GdsOptions();
        if (_gds.RenewalFraction is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(options), _gds.RenewalFraction, "RenewalFraction must lie in (0, 1].");
        _ns = host.AddressSpace.RegisterNamespace(GdsDirectoryIds.NamespaceUri);
        Install();
    }

    /// <summary>The namespace index this server gave the GDS namespace.</summary>
    public ushort NamespaceIndex => _ns;

    /// <summary>The Directory object.</summary>
    public NodeId DirectoryId => Id(GdsDirectoryIds.Directory);

    /// <summary>The Directory's DefaultApplicationGroup: the certificate group every application is in.</summary>
    public NodeId DefaultApplicationGroup => Id(GdsDirectoryIds.DefaultApplicationGroup);

    /// <summary>The registered applications.</summary>
    public IReadOnlyList<ApplicationRecord> Applications
    {
        get { lock (_sync) return [.. _applications.Values.Select(a => a.Record)]; }
    }

    /// <summary>Signing requests not yet finished (their generated keys, if any, are still held).</summary>
    public int PendingRequests
    {
        get { lock (_sync) return _requests.Count; }
    }

    private NodeId Id(uint id) => GdsDirectoryIds.At(id, _ns);

    private ServerOptions Options => _host.Options;

    private static Argument Arg(string name, NodeId dataType, int rank = -1) => new() { Name = name, DataType = dataType, ValueRank = rank };

    private static Argument Arg(string name, BuiltInType type, int rank = -1) => Arg(name, WellKnownIds.DataTypeOf(type), rank);

    private void Install()
    {
        var space = _host.AddressSpace;
        var directory = space.StandardObject(WellKnownIds.ObjectsFolder, DirectoryId, "Directory", Id(GdsDirectoryIds.DirectoryType), WellKnownIds.Organizes, _ns);
        space.StandardObject(directory.NodeId, Id(GdsDirectoryIds.Applications), "Applications", WellKnownIds.FolderType, browseNamespace: _ns);
        var record = Id(GdsDirectoryIds.ApplicationRecordDataType);
        Argument AppId() => Arg("ApplicationId", BuiltInType.NodeId);
        Argument GroupId() => Arg("CertificateGroupId", BuiltInType.NodeId);
        Argument TypeId() => Arg("CertificateTypeId", BuiltInType.NodeId);
        void Method(uint id, string name, Func<MethodContext, Variant[], Variant[]> handler, Argument[] inputs, Argument[]? outputs = null) =>
            space.StandardMethod(directory.NodeId, Id(id), name, handler, inputs, outputs ?? [], _ns);
        // Methods that change the directory answer once the change is recorded (GdsOptions.Changed).
        void Recorded(uint id, string name, Func<MethodContext, Variant[], ValueTask<Variant[]>> handler, Argument[] inputs, Argument[]? outputs = null) =>
            space.StandardAsyncMethod(directory.NodeId, Id(id), name, handler, inputs, outputs ?? [], _ns);

        Method(GdsDirectoryIds.FindApplications, "FindApplications", FindApplications, [Arg("ApplicationUri", BuiltInType.String)], [Arg("Applications", record, 1)]);
        Recorded(GdsDirectoryIds.RegisterApplication, "RegisterApplication", RegisterApplicationAsync, [Arg("Application", record)], [AppId()]);
        Recorded(GdsDirectoryIds.UpdateApplication, "UpdateApplication", UpdateApplicationAsync, [Arg("Application", record)]);
        Recorded(GdsDirectoryIds.UnregisterApplication, "UnregisterApplication", UnregisterApplicationAsync, [AppId()]);
        Method(GdsDirectoryIds.GetApplication, "GetApplication", GetApplication, [AppId()], [Arg("Application", record)]);
        Method(GdsDirectoryIds.StartSigningRequest, "StartSigningRequest", StartSigningRequest,
            [AppId(), GroupId(), TypeId(), Arg("CertificateRequest", BuiltInType.ByteString)], [Arg("RequestId", BuiltInType.NodeId)]);
        Method(GdsDirectoryIds.StartNewKeyPairRequest, "StartNewKeyPairRequest", StartNewKeyPairRequest,
            [AppId(), GroupId(), TypeId(), Arg("SubjectName", BuiltInType.String), Arg("DomainNames", BuiltInType.String, 1), Arg("PrivateKeyFormat", BuiltInType.String),
             Arg("PrivateKeyPassword", BuiltInType.String)], [Arg("RequestId", BuiltInType.NodeId)]);
        Recorded(GdsDirectoryIds.FinishRequest, "FinishRequest", FinishRequestAsync, [AppId(), Arg("RequestId", BuiltInType.NodeId)],
            [Arg("Certificate", BuiltInType.ByteString), Arg("PrivateKey", BuiltInType.ByteString), Arg("IssuerCertificates", BuiltInType.ByteString, 1)]);
        Recorded(GdsDirectoryIds.RevokeCertificate, "RevokeCertificate", RevokeCertificateAsync, [AppId(), Arg("Certificate", BuiltInType.ByteString)]);
        Method(GdsDirectoryIds.GetCertificateGroups, "GetCertificateGroups", GetCertificateGroups, [AppId()], [Arg("CertificateGroupIds", BuiltInType.NodeId, 1)]);
        Method(GdsDirectoryIds.GetCertificates, "GetCertificates", GetCertificates, [AppId(), GroupId()],
            [Arg("CertificateTypeIds", BuiltInType.NodeId, 1), Arg("Certificates", BuiltInType.ByteString, 1)]);
        Method(GdsDirectoryIds.GetTrustList, "GetTrustList", GetTrustList, [AppId(), GroupId()], [Arg("TrustListId", BuiltInType.NodeId)]);
        Method(GdsDirectoryIds.GetCertificateStatus, "GetCertificateStatus", GetCertificateStatus, [AppId(), GroupId(), TypeId()], [Arg("UpdateRequired", BuiltInType.Boolean)]);

        var groups = space.StandardObject(directory.NodeId, Id(GdsDirectoryIds.CertificateGroups), "CertificateGroups", GdsIds.CertificateGroupFolderType, WellKnownIds.Organizes, _ns);
        var group = space.StandardObject(groups.NodeId, DefaultApplicationGroup, "DefaultApplicationGroup", GdsIds.CertificateGroupType);
        space.StandardVariable(group.NodeId, Id(GdsDirectoryIds.DefaultApplicationGroupCertificateTypes), "CertificateTypes",
            new Variant(BuiltInType.NodeId, new[] { GdsIds.RsaSha256ApplicationCertificateType }), 17, property: true).ValueRank = 1;
        InstallTrustList(group.NodeId);
        InstallAuditEventTypes(space);
    }

    // The GDS audit event types (Part 12 §6.5.12, §7.9.12 – §7.9.14) under AuditUpdateMethodEventType, so that clients can filter by them
    // (OfType, their CertificateGroup and CertificateType) and they go only to sessions allowed to see audit events.
    private void InstallAuditEventTypes(AddressSpace space)
    {
        static Events.EventField Field(string name, NodeId id) => new(name, id, WellKnownIds.DataTypeOf(BuiltInType.NodeId));
        Events.EventTypeTree.Extend(space,
        [
            new(Id(GdsDirectoryIds.ApplicationRegistrationChangedAuditEventType), "ApplicationRegistrationChangedAuditEventType", Events.EventTypeIds.AuditUpdateMethodEventType, []),
            new(Id(GdsDirectoryIds.CertificateRequestedAuditEventType), "CertificateRequestedAuditEventType", Events.EventTypeIds.AuditUpdateMethodEventType,
                [Field("CertificateGroup", Id(GdsDirectoryIds.CertificateRequestedCertificateGroup)), Field("CertificateType", Id(GdsDirectoryIds.CertificateRequestedCertificateType))]),
            new(Id(GdsDirectoryIds.CertificateDeliveredAuditEventType), "CertificateDeliveredAuditEventType", Events.EventTypeIds.AuditUpdateMethodEventType,
                [Field("CertificateGroup", Id(GdsDirectoryIds.CertificateDeliveredCertificateGroup)), Field("CertificateType", Id(GdsDirectoryIds.CertificateDeliveredCertificateType))]),
            new(Id(GdsDirectoryIds.CertificateRevokedAuditEventType), "CertificateRevokedAuditEventType", Events.EventTypeIds.AuditUpdateMethodEventType, []),
        ]);
    }

    // AccessRestrictions of the NodeSet: 1 = SigningRequired, 3 = SigningRequired | EncryptionRequired.
    private static void RequireChannel(MethodContext context, bool encrypted)
    {
        if (context.SecurityMode is MessageSecurityMode.None or MessageSecurityMode.Invalid)
            throw new UaException(StatusCodes.BadSecurityModeInsufficient, "This GDS method needs a signed channel.");
        if (encrypted && context.SecurityMode != MessageSecurityMode.SignAndEncrypt)
            throw new UaException(StatusCodes.BadSecurityModeInsufficient, "This GDS method needs a SignAndEncrypt channel.");
    }

    /// <summary>ApplicationSelfAdmin: the channel was opened with a certificate naming the application's URI.</summary>
    private static bool IsSelf(MethodContext context, string applicationUri)
    {
        if (context.ClientCertificate is not { Length: > 0 } der) return false;
        try
        {
            using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(der);
            return Security.CertificateNames.UrisOf(certificate).Contains(applicationUri, StringComparer.Ordinal);
        }
        catch (CryptographicException) { return false; }
    }

    private static void RequireRoleOrSelf(MethodContext context, string role, string applicationUri)
    {
        if (!context.Roles.Contains(role) && !IsSelf(context, applicationUri))
            throw new UaException(StatusCodes.BadUserAccessDenied, $"Needs the {role} role or the application's own certificate ({applicationUri}).");
    }

    private Registered Application(Variant id)
    {
        var key = id.Value as NodeId ?? throw new UaException(StatusCodes.BadInvalidArgument, "ApplicationId must be a NodeId.");
        lock (_sync)
            return _applications.TryGetValue(key, out var app) ? app : throw new UaException(StatusCodes.BadNotFound, $"No application is registered with id {key}.");
    }

    private void CheckGroup(Variant group, Variant? type = null)
    {
        if (group.Value is NodeId g && !g.IsNull && g != DefaultApplicationGroup)
            throw new UaException(StatusCodes.BadInvalidArgument, $"Certificate group {g} is not served here (only {DefaultApplicationGroup}, DefaultApplicationGroup).");
        if (type?.Value is NodeId t && !t.IsNull && t != GdsIds.RsaSha256ApplicationCertificateType && t != GdsIds.ApplicationCertificateType && t != GdsIds.RsaMinApplicationCertificateType)
            throw new UaException(StatusCodes.BadInvalidArgument, $"Certificate type {t} is not issued here (RSA application certificates only).");
    }

    private static void Validate(ApplicationRecord record)
    {
        if (!Uri.TryCreate(record.ApplicationUri, UriKind.Absolute, out _))
            throw new UaException(StatusCodes.BadInvalidArgument, $"ApplicationRecord.ApplicationUri '{record.ApplicationUri}' is not an absolute URI.");
        if (record.ApplicationNames.Count == 0 || record.ApplicationNames.All(n => string.IsNullOrWhiteSpace(n.Text)))
            throw new UaException(StatusCodes.BadInvalidArgument, "ApplicationRecord.ApplicationNames is empty.");
        if (record.ApplicationType != ApplicationType.Client && record.DiscoveryUrls.Count == 0)
            throw new UaException(StatusCodes.BadInvalidArgument, $"ApplicationRecord.DiscoveryUrls is empty for the server {record.ApplicationUri}.");
    }

    /// <summary>
    /// §7.9.3 RegisterApplication: a new record gets a fresh ApplicationId; registering a URI already known updates that record and
    /// answers its id (an application re-registering after a restart keeps its identity). Answers once the registration is recorded.
    /// </summary>
    private async ValueTask<Variant[]> RegisterApplicationAsync(MethodContext context, Variant[] inputs)
    {
        RequireChannel(context, encrypted: false);
        var record = ApplicationRecord.FromVariant(inputs[0], _ns, Options.Limits);
        Validate(record);
        RequireRoleOrSelf(context, GdsRoles.DiscoveryAdmin, record.ApplicationUri);
        NodeId id;
        GdsApplicationRegistered change;
        bool added;
        lock (_sync)
        {
            var existing = _applications.Values.FirstOrDefault(a => a.Record.ApplicationUri == record.ApplicationUri);
            if (existing is null && _applications.Count >= _gds.MaxApplications)
                throw new UaException(StatusCodes.BadRequestNotAllowed, $"The directory holds {_gds.MaxApplications} applications already.");
            var generation = existing?.Generation ?? 0;
            id = existing?.Record.ApplicationId ?? NewApplicationId(record.ApplicationUri, out generation);
            added = existing is null;
            if (added) _applications[id] = new Registered(record with { ApplicationId = id }) { Generation = generation };
            else existing!.Record = record with { ApplicationId = id };
            change = Registration(record with { ApplicationId = id }, generation);
        }
        try { await RecordAsync(change).ConfigureAwait(false); }
        catch (UaException) when (added)
        {
            // Not recorded: the client gets no id, and the directory does not keep one it could lose (a later try gets the next generation's).
            lock (_sync) _applications.Remove(id);
            throw;
        }
        Audit(GdsDirectoryIds.ApplicationRegistrationChangedAuditEventType, StatusCodes.Good, "RegisterApplication", $"{record.ApplicationUri} registered as {id}", null);
        return [new Variant(BuiltInType.NodeId, id)];
    }

    /// <summary>§7.9.4 UpdateApplication: replaces the record with the same ApplicationId (its URI may not move onto another's).</summary>
    private async ValueTask<Variant[]> UpdateApplicationAsync(MethodContext context, Variant[] inputs)
    {
        RequireChannel(context, encrypted: false);
        var record = ApplicationRecord.FromVariant(inputs[0], _ns, Options.Limits);
        Validate(record);
        var app = Application(new Variant(BuiltInType.NodeId, record.ApplicationId));
        RequireRoleOrSelf(context, GdsRoles.DiscoveryAdmin, app.Record.ApplicationUri);
        lock (_sync)
        {
            if (_applications.Values.Any(a => a != app && a.Record.ApplicationUri == record.ApplicationUri))
                throw new UaException(StatusCodes.BadInvalidArgument, $"{record.ApplicationUri} is registered under another ApplicationId.");
            app.Record = record;
        }
        await RecordAsync(Registration(record, app.Generation)).ConfigureAwait(false);
        Audit(GdsDirectoryIds.ApplicationRegistrationChangedAuditEventType, StatusCodes.Good, "UpdateApplication", $"{record.ApplicationId} updated", null);
        return [];
    }

    /// <summary>§7.9.5 UnregisterApplication: the record goes, and so do its unfinished requests and any key generated for them.</summary>
    private async ValueTask<Variant[]> UnregisterApplicationAsync(MethodContext context, Variant[] inputs)
    {
        RequireChannel(context, encrypted: false);
        var app = Application(inputs[0]);
        RequireRoleOrSelf(context, GdsRoles.DiscoveryAdmin, app.Record.ApplicationUri);
        List<PendingRequest> dropped;
        lock (_sync)
        {
            _applications.Remove(app.Record.ApplicationId);
            dropped = [.. _requests.Where(r => r.Value.ApplicationId == app.Record.ApplicationId).Select(r => r.Value)];
            foreach (var key in _requests.Where(r => r.Value.ApplicationId == app.Record.ApplicationId).Select(r => r.Key).ToArray()) _requests.Remove(key);
        }
        foreach (var request in dropped) Destroy(request);
        await RecordAsync(new GdsApplicationUnregistered(app.Record.ApplicationId, app.Record.ApplicationUri)).ConfigureAwait(false);
        Audit(GdsDirectoryIds.ApplicationRegistrationChangedAuditEventType, StatusCodes.Good, "UnregisterApplication", $"{app.Record.ApplicationUri} unregistered", null);
        return [];
    }

    /// <summary>§7.9.6 FindApplications: every record with this ApplicationUri (none is an empty array).</summary>
    private Variant[] FindApplications(MethodContext context, Variant[] inputs)
    {
        var uri = inputs[0].Value as string ?? "";
        ExtensionObject[] found;
        lock (_sync) found = [.. _applications.Values.Where(a => a.Record.ApplicationUri == uri).Select(a => a.Record.ToExtensionObject(_ns))];
        return [new Variant(BuiltInType.ExtensionObject, found)];
    }

    /// <summary>§7.9.7 GetApplication.</summary>
    private Variant[] GetApplication(MethodContext context, Variant[] inputs) =>
        [new Variant(BuiltInType.ExtensionObject, Application(inputs[0]).Record.ToExtensionObject(_ns))];

    /// <summary>§7.9.10 GetCertificateGroups: every application is in the DefaultApplicationGroup.</summary>
    private Variant[] GetCertificateGroups(MethodContext context, Variant[] inputs)
    {
        RequireChannel(context, encrypted: false);
        RequireRoleOrSelf(context, GdsRoles.CertificateAuthorityAdmin, Application(inputs[0]).Record.ApplicationUri);
        return [new Variant(BuiltInType.NodeId, new[] { DefaultApplicationGroup })];
    }

    /// <summary>§7.9.13 GetTrustList: the NodeId of the group's TrustList file, which the caller then opens and reads.</summary>
    private Variant[] GetTrustList(MethodContext context, Variant[] inputs)
    {
        RequireChannel(context, encrypted: false);
        RequireRoleOrSelf(context, GdsRoles.CertificateAuthorityAdmin, Application(inputs[0]).Record.ApplicationUri);
        CheckGroup(inputs[1]);
        return [new Variant(BuiltInType.NodeId, Id(GdsDirectoryIds.TrustList))];
    }

    private void Audit(uint type, uint status, string method, string message, byte[]? certificate)
    {
        var options = Options;
        if (!options.Audit.IsWatched) return;
        var certificateEvent = type is GdsDirectoryIds.CertificateRequestedAuditEventType or GdsDirectoryIds.CertificateDeliveredAuditEventType;
        options.Audit.Raise(new AuditEvent(Id(type), options.Time.GetUtcNow(), status == StatusCodes.Good, status, "Method/" + method, message)
        {
            Certificate = certificate, SourceNode = DirectoryId, MethodId = AuditedMethods.TryGetValue(method, out var m) ? Id(m) : null,
            CertificateGroup = certificateEvent ? DefaultApplicationGroup : null, CertificateType = certificateEvent ? GdsIds.RsaSha256ApplicationCertificateType : null,
        });
    }

    // AuditUpdateMethodEventType.MethodId of each audited Directory method.
    private static readonly Dictionary<string, uint> AuditedMethods = new(StringComparer.Ordinal)
    {
        ["RegisterApplication"] = GdsDirectoryIds.RegisterApplication, ["UpdateApplication"] = GdsDirectoryIds.UpdateApplication,
        ["UnregisterApplication"] = GdsDirectoryIds.UnregisterApplication, ["StartSigningRequest"] = GdsDirectoryIds.StartSigningRequest,
        ["StartNewKeyPairRequest"] = GdsDirectoryIds.StartNewKeyPairRequest, ["FinishRequest"] = GdsDirectoryIds.FinishRequest,
        ["RevokeCertificate"] = GdsDirectoryIds.RevokeCertificate,
    };
}

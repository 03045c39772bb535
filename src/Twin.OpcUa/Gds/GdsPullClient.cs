using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Gds;

/// <summary>How a pull client paces itself.</summary>
public sealed record GdsPullOptions
{
    /// <summary>Pause between FinishRequest calls while the GDS answers BadNothingToDo.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>FinishRequest calls at most before giving up with BadRequestNotComplete.</summary>
    public int MaxPolls { get; init; } = 600;

    /// <summary>The clock the pauses run on.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>RSA key size of a renewed certificate's new key.</summary>
    public int KeySize { get; init; } = 2048;

    /// <summary>Renew even when GetCertificateStatus says no update is required.</summary>
    public bool Force { get; init; }
}

/// <summary>What a pull did: the application's id at the GDS, whether it renewed, the certificate installed and the trust list.</summary>
public sealed record GdsPullOutcome(NodeId ApplicationId, bool UpdateRequired, X509Certificate2? Installed, TrustListData TrustList, bool UpdateRequiredAfterReconnect);

/// <summary>What <see cref="GdsPullClient.RequestAsync"/> brought back: the application's id, the trust list, and the certificate signed for the caller's request (null when none was sent).</summary>
public sealed record GdsPulled(NodeId ApplicationId, TrustListData TrustList, byte[]? Certificate, IReadOnlyList<byte[]> Issuers);

/// <summary>
/// A GDS pull client (OPC 10000-12 §7.9): the Directory's methods by their standard identifiers in the GDS namespace, over a
/// session the caller opened (SignAndEncrypt; the application's own certificate makes it its own ApplicationSelfAdmin).
/// <see cref="PullAsync"/> is the whole cycle for one of our servers.
/// </summary>
public sealed class GdsPullClient
{
    private const int ReadChunk = 16 * 1024;
    private readonly ClientSession _session;
    private readonly ushort _ns;

    private GdsPullClient(ClientSession session, ushort ns) => (_session, _ns) = (session, ns);

    /// <summary>A client for the GDS behind <paramref name="session"/>; fails with BadNotSupported when the server has no GDS namespace.</summary>
    public static GdsPullClient For(ClientSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var ns = session.NamespaceUris.ToList().IndexOf(GdsDirectoryIds.NamespaceUri);
        return ns > 0 ? new GdsPullClient(session, (ushort)ns) : throw new UaException(StatusCodes.BadNotSupported, "The server has no GDS namespace (" + GdsDirectoryIds.NamespaceUri + ").");
    }

    private NodeId Id(uint id) => GdsDirectoryIds.At(id, _ns);

    private Task<Variant[]> CallAsync(uint method, CancellationToken ct, params Variant[] inputs) => _session.CallMethodAsync(Id(GdsDirectoryIds.Directory), Id(method), inputs, ct);

    private static Variant Node(NodeId id) => new(BuiltInType.NodeId, id);

    private static T Out<T>(Variant[] outputs, int index, string what) =>
        outputs.Length > index && outputs[index].Value is T value ? value : throw new UaException(StatusCodes.BadUnexpectedError, $"The GDS answered no {what}.");

    /// <summary>RegisterApplication: the ApplicationId the GDS keeps for this record (the same one again for a known URI).</summary>
    public async Task<NodeId> RegisterApplicationAsync(ApplicationRecord record, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Out<NodeId>(await CallAsync(GdsDirectoryIds.RegisterApplication, ct, new Variant(BuiltInType.ExtensionObject, record.ToExtensionObject(_ns))).ConfigureAwait(false), 0, "ApplicationId");
    }

    /// <summary>FindApplications: the records registered under an ApplicationUri.</summary>
    public async Task<IReadOnlyList<ApplicationRecord>> FindApplicationsAsync(string applicationUri, CancellationToken ct = default)
    {
        var outputs = await CallAsync(GdsDirectoryIds.FindApplications, ct, new Variant(BuiltInType.String, applicationUri)).ConfigureAwait(false);
        return outputs is [{ Value: ExtensionObject[] found }] ? [.. found.Select(e => ApplicationRecord.FromVariant(new Variant(BuiltInType.ExtensionObject, e), _ns, EncodingLimits.Default))] : [];
    }

    /// <summary>UnregisterApplication.</summary>
    public Task UnregisterApplicationAsync(NodeId applicationId, CancellationToken ct = default) => CallAsync(GdsDirectoryIds.UnregisterApplication, ct, Node(applicationId));

    /// <summary>GetCertificateGroups: the groups the application has certificates in.</summary>
    public async Task<IReadOnlyList<NodeId>> GetCertificateGroupsAsync(NodeId applicationId, CancellationToken ct = default) =>
        Out<NodeId[]>(await CallAsync(GdsDirectoryIds.GetCertificateGroups, ct, Node(applicationId)).ConfigureAwait(false), 0, "CertificateGroupIds");

    /// <summary>GetCertificates: the application's current certificates in the group (none before the GDS issued one).</summary>
    public async Task<IReadOnlyList<byte[]>> GetCertificatesAsync(NodeId applicationId, NodeId group, CancellationToken ct = default)
    {
        var outputs = await CallAsync(GdsDirectoryIds.GetCertificates, ct, Node(applicationId), Node(group)).ConfigureAwait(false);
        return outputs.Length > 1 && outputs[1].Value is byte[][] certificates ? certificates : [];
    }

    /// <summary>GetCertificateStatus: true when the application should renew its certificate in the group.</summary>
    public async Task<bool> GetCertificateStatusAsync(NodeId applicationId, NodeId group, CancellationToken ct = default) =>
        Out<bool>(await CallAsync(GdsDirectoryIds.GetCertificateStatus, ct, Node(applicationId), Node(group), Node(GdsIds.RsaSha256ApplicationCertificateType)).ConfigureAwait(false),
            0, "UpdateRequired");

    /// <summary>StartSigningRequest with a PKCS#10 request (DER): the RequestId to finish.</summary>
    public async Task<NodeId> StartSigningRequestAsync(NodeId applicationId, NodeId group, byte[] certificationRequest, CancellationToken ct = default) =>
        Out<NodeId>(await CallAsync(GdsDirectoryIds.StartSigningRequest, ct, Node(applicationId), Node(group), Node(GdsIds.RsaSha256ApplicationCertificateType),
            new Variant(BuiltInType.ByteString, certificationRequest ?? throw new ArgumentNullException(nameof(certificationRequest)))).ConfigureAwait(false), 0, "RequestId");

    /// <summary>FinishRequest once: null while the GDS is still working on it (BadNothingToDo).</summary>
    public async Task<(byte[] Certificate, byte[] PrivateKey, IReadOnlyList<byte[]> Issuers)?> FinishRequestAsync(NodeId applicationId, NodeId requestId, CancellationToken ct = default)
    {
        Variant[] outputs;
        try { outputs = await CallAsync(GdsDirectoryIds.FinishRequest, ct, Node(applicationId), Node(requestId)).ConfigureAwait(false); }
        catch (UaException e) when (e.StatusCode.Code == StatusCodes.BadNothingToDo) { return null; }
        return (Out<byte[]>(outputs, 0, "Certificate"), outputs.Length > 1 && outputs[1].Value is byte[] key ? key : [], outputs.Length > 2 && outputs[2].Value is byte[][] issuers ? issuers : []);
    }

    /// <summary>RevokeCertificate: asks the GDS to revoke a certificate it issued to the application.</summary>
    public Task RevokeCertificateAsync(NodeId applicationId, byte[] certificate, CancellationToken ct = default) =>
        CallAsync(GdsDirectoryIds.RevokeCertificate, ct, Node(applicationId), new Variant(BuiltInType.ByteString, certificate ?? throw new ArgumentNullException(nameof(certificate))));

    /// <summary>GetTrustList, then the file it names: OpenWithMasks, Read until empty, Close.</summary>
    public async Task<TrustListData> GetTrustListAsync(NodeId applicationId, NodeId group, CancellationToken ct = default)
    {
        var list = Out<NodeId>(await CallAsync(GdsDirectoryIds.GetTrustList, ct, Node(applicationId), Node(group)).ConfigureAwait(false), 0, "TrustListId");
        Task<Variant[]> File(uint method, params Variant[] inputs) => _session.CallMethodAsync(list, Id(method), inputs, ct);
        var handle = Out<uint>(await File(GdsDirectoryIds.TrustListOpenWithMasks, (uint)TrustListMasks.All).ConfigureAwait(false), 0, "file handle");
        using var content = new MemoryStream();
        try
        {
            while (await File(GdsDirectoryIds.TrustListRead, handle, ReadChunk).ConfigureAwait(false) is [{ Value: byte[] { Length: > 0 } chunk }]) content.Write(chunk);
        }
        finally
        {
            await File(GdsDirectoryIds.TrustListClose, handle).ConfigureAwait(false);
        }
        return TrustListData.Decode(content.ToArray(), EncodingLimits.Default);
    }

    /// <summary>
    /// The pull cycle for one of our servers: connect to the GDS over SignAndEncrypt with the server's own certificate, register,
    /// fetch the trust list, ask GetCertificateStatus, and when an update is required (or <see cref="GdsPullOptions.Force"/>) send a
    /// fresh key's signing request and poll FinishRequest; then install certificate and trust list into the server
    /// (<see cref="ServerConfiguration.InstallPulled"/>: endpoints advertise the new certificate at once) and reconnect to the GDS
    /// under the new certificate to confirm it needs nothing more.
    /// </summary>
    public static async Task<GdsPullOutcome> PullAsync(UaServerHost server, string gdsEndpointUrl, ClientOptions gdsClient, ApplicationRecord record,
        GdsPullOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(gdsClient);
        ArgumentNullException.ThrowIfNull(record);
        options ??= new GdsPullOptions();
        var current = server.Certificate ?? throw new InvalidOperationException("The server has no application certificate to authenticate to the GDS with.");
        var client = gdsClient with { Certificate = current, ApplicationUri = record.ApplicationUri, SecurityMode = Messages.MessageSecurityMode.SignAndEncrypt };
        NodeId applicationId, group;
        bool required;
        TrustListData trustList;
        X509Certificate2? renewed = null;
        await using (var session = await ClientSession.ConnectAsync(gdsEndpointUrl, client, ct).ConfigureAwait(false))
        {
            var gds = For(session);
            applicationId = await gds.RegisterApplicationAsync(record, ct).ConfigureAwait(false);
            var groups = await gds.GetCertificateGroupsAsync(applicationId, ct).ConfigureAwait(false);
            group = groups.Count > 0 ? groups[0] : throw new UaException(StatusCodes.BadNotFound, "The GDS names no certificate group for the application.");
            trustList = await gds.GetTrustListAsync(applicationId, group, ct).ConfigureAwait(false);
            required = await gds.GetCertificateStatusAsync(applicationId, group, ct).ConfigureAwait(false);
            if (required || options.Force) renewed = await gds.RenewAsync(applicationId, group, current, record.ApplicationUri, options, ct).ConfigureAwait(false);
        }
        server.ServerConfiguration.InstallPulled(renewed, trustList);
        if (renewed is null) return new GdsPullOutcome(applicationId, required, null, trustList, required);
        await using var again = await ClientSession.ConnectAsync(gdsEndpointUrl, client with { Certificate = renewed }, ct).ConfigureAwait(false);
        var still = await For(again).GetCertificateStatusAsync(applicationId, group, ct).ConfigureAwait(false);
        return new GdsPullOutcome(applicationId, required, renewed, trustList, still);
    }

    /// <summary>
    /// The pull cycle for an application that keeps its own keys: connect to the GDS over SignAndEncrypt with
    /// <paramref name="gdsClient"/>'s certificate (the application's current one), register, fetch the trust list, and when
    /// <paramref name="certificationRequest"/> is given (a PKCS#10 request the caller signed with a key it holds) StartSigningRequest
    /// and poll FinishRequest. Nothing is installed: the caller installs certificate and trust list where it keeps them.
    /// </summary>
    public static async Task<GdsPulled> RequestAsync(string gdsEndpointUrl, ClientOptions gdsClient, ApplicationRecord record, byte[]? certificationRequest,
        GdsPullOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(gdsClient);
        ArgumentNullException.ThrowIfNull(record);
        if (gdsClient.Certificate is null) throw new ArgumentException("The application's certificate is needed to authenticate to the GDS.", nameof(gdsClient));
        options ??= new GdsPullOptions();
        var client = gdsClient with { ApplicationUri = record.ApplicationUri, SecurityMode = Messages.MessageSecurityMode.SignAndEncrypt };
        await using var session = await ClientSession.ConnectAsync(gdsEndpointUrl, client, ct).ConfigureAwait(false);
        var gds = For(session);
        var applicationId = await gds.RegisterApplicationAsync(record, ct).ConfigureAwait(false);
        var groups = await gds.GetCertificateGroupsAsync(applicationId, ct).ConfigureAwait(false);
        var group = groups.Count > 0 ? groups[0] : throw new UaException(StatusCodes.BadNotFound, "The GDS names no certificate group for the application.");
        var trustList = await gds.GetTrustListAsync(applicationId, group, ct).ConfigureAwait(false);
        if (certificationRequest is null) return new GdsPulled(applicationId, trustList, null, []);
        var requestId = await gds.StartSigningRequestAsync(applicationId, group, certificationRequest, ct).ConfigureAwait(false);
        var done = await gds.FinishWhenDoneAsync(applicationId, requestId, options, ct).ConfigureAwait(false);
        return new GdsPulled(applicationId, trustList, done.Certificate, done.Issuers);
    }

    private async Task<X509Certificate2> RenewAsync(NodeId applicationId, NodeId group, X509Certificate2 current, string applicationUri, GdsPullOptions options, CancellationToken ct)
    {
        using var key = RSA.Create(options.KeySize);
        var request = new CertificateRequest(current.SubjectName, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(applicationUri));
        var names = current.Extensions.OfType<X509SubjectAlternativeNameExtension>().ToArray();
        foreach (var dns in names.SelectMany(x => x.EnumerateDnsNames())) san.AddDnsName(dns);
        foreach (var ip in names.SelectMany(x => x.EnumerateIPAddresses())) san.AddIpAddress(ip);
        request.CertificateExtensions.Add(san.Build());
        var requestId = await StartSigningRequestAsync(applicationId, group, request.CreateSigningRequest(), ct).ConfigureAwait(false);
        var done = await FinishWhenDoneAsync(applicationId, requestId, options, ct).ConfigureAwait(false);
        using var issued = X509CertificateLoader.LoadCertificate(done.Certificate);
        // A copy that owns its key: the RSA above is disposed with this method.
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }

    /// <summary>
    /// FinishRequest until the GDS has an answer, pausing <see cref="GdsPullOptions.PollInterval"/> between calls; a refusal
    /// surfaces as its <see cref="UaException"/>, and BadRequestNotComplete after <see cref="GdsPullOptions.MaxPolls"/>.
    /// </summary>
    public async Task<(byte[] Certificate, byte[] PrivateKey, IReadOnlyList<byte[]> Issuers)> FinishWhenDoneAsync(NodeId applicationId, NodeId requestId,
        GdsPullOptions? options = null, CancellationToken ct = default)
    {
        options ??= new GdsPullOptions();
        for (var poll = 0; poll < options.MaxPolls; poll++)
        {
            if (await FinishRequestAsync(applicationId, requestId, ct).ConfigureAwait(false) is { } done) return done;
            await Task.Delay(options.PollInterval, options.Time, ct).ConfigureAwait(false);
        }
        throw new UaException(StatusCodes.BadRequestNotComplete, $"Request {requestId} was not finished after {options.MaxPolls} polls.");
    }
}

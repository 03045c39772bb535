using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Gds;

/// <summary>
/// A push management client (OPC 10000-12 §7.10): drives a server's ServerConfiguration through a session signed in as a
/// SecurityAdmin over SignAndEncrypt. <see cref="PushAsync"/> keeps the order strict servers need: the trust list with its
/// CRLs first, then the certificate, then one ApplyChanges (a certificate applied before the CRLs that vouch for its
/// issuer makes such servers answer BadCertificateRevocationUnknown).
/// </summary>
public sealed class PushManagementClient
{
    private const int ReadChunk = 16 * 1024;
    private readonly ClientSession _session;

    public PushManagementClient(ClientSession session) => _session = session ?? throw new ArgumentNullException(nameof(session));

    private static readonly Variant Group = new(BuiltInType.NodeId, GdsIds.DefaultApplicationGroup);
    private static readonly Variant RsaType = new(BuiltInType.NodeId, GdsIds.RsaSha256ApplicationCertificateType);

    private Task<Variant[]> CallAsync(NodeId obj, NodeId method, CancellationToken ct, params Variant[] inputs) => _session.CallMethodAsync(obj, method, inputs, ct);

    /// <summary>CreateSigningRequest: a PKCS#10 request (DER) for the server's application certificate, with a new key or the current one.</summary>
    public async Task<byte[]> CreateSigningRequestAsync(bool regeneratePrivateKey, string? subjectName = null, CancellationToken ct = default)
    {
        var nonce = regeneratePrivateKey ? System.Security.Cryptography.RandomNumberGenerator.GetBytes(32) : [];
        var outputs = await CallAsync(GdsIds.ServerConfiguration, GdsIds.CreateSigningRequest, ct, Group, RsaType, new Variant(BuiltInType.String, subjectName ?? ""),
            regeneratePrivateKey, new Variant(BuiltInType.ByteString, nonce)).ConfigureAwait(false);
        return outputs is [{ Value: byte[] csr }] ? csr : throw new UaException(StatusCodes.BadUnexpectedError, "CreateSigningRequest returned no request.");
    }

    /// <summary>UpdateCertificate: stages a certificate for the key of the last request (or the current key); true when ApplyChanges is needed.</summary>
    public async Task<bool> UpdateCertificateAsync(byte[] certificate, IReadOnlyList<byte[]>? issuers = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var outputs = await CallAsync(GdsIds.ServerConfiguration, GdsIds.UpdateCertificate, ct, Group, RsaType, new Variant(BuiltInType.ByteString, certificate),
            new Variant(BuiltInType.ByteString, (issuers ?? []).ToArray()), new Variant(BuiltInType.String, ""), new Variant(BuiltInType.ByteString, Array.Empty<byte>())).ConfigureAwait(false);
        return outputs is [{ Value: bool required }] && required;
    }

    /// <summary>ApplyChanges: the server installs what is staged and closes its secure channels (this session's included).</summary>
    public Task ApplyChangesAsync(CancellationToken ct = default) => CallAsync(GdsIds.ServerConfiguration, GdsIds.ApplyChanges, ct);

    /// <summary>CancelChanges: the server drops what is staged.</summary>
    public Task CancelChangesAsync(CancellationToken ct = default) => CallAsync(GdsIds.ServerConfiguration, GdsIds.CancelChanges, ct);

    /// <summary>GetRejectedList: the certificates the server refused (DER).</summary>
    public async Task<IReadOnlyList<byte[]>> GetRejectedListAsync(CancellationToken ct = default)
    {
        var outputs = await CallAsync(GdsIds.ServerConfiguration, GdsIds.GetRejectedList, ct).ConfigureAwait(false);
        return outputs is [{ Value: byte[][] list }] ? list : [];
    }

    /// <summary>Reads the TrustList file (OpenWithMasks, Read until empty, Close).</summary>
    public async Task<TrustListData> ReadTrustListAsync(TrustListMasks masks = TrustListMasks.All, CancellationToken ct = default)
    {
        var opened = await CallAsync(GdsIds.TrustList, GdsIds.TrustListOpenWithMasks, ct, (uint)masks).ConfigureAwait(false);
        var handle = opened is [{ Value: uint h }] ? h : throw new UaException(StatusCodes.BadUnexpectedError, "OpenWithMasks returned no file handle.");
        using var content = new MemoryStream();
        try
        {
            while (true)
            {
                var data = await CallAsync(GdsIds.TrustList, GdsIds.TrustListRead, ct, handle, ReadChunk).ConfigureAwait(false);
                if (data is not [{ Value: byte[] { Length: > 0 } chunk }]) break;
                content.Write(chunk);
            }
        }
        finally
        {
            await CallAsync(GdsIds.TrustList, GdsIds.TrustListClose, ct, handle).ConfigureAwait(false);
        }
        return TrustListData.Decode(content.ToArray(), EncodingLimits.Default);
    }

    /// <summary>Writes the TrustList file (Open for write, Write in pieces, CloseAndUpdate); true when ApplyChanges is needed.</summary>
    public async Task<bool> WriteTrustListAsync(TrustListData trustList, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(trustList);
        var opened = await CallAsync(GdsIds.TrustList, GdsIds.TrustListOpen, ct, new Variant(BuiltInType.Byte, (byte)6)).ConfigureAwait(false);
        var handle = opened is [{ Value: uint h }] ? h : throw new UaException(StatusCodes.BadUnexpectedError, "Open returned no file handle.");
        var bytes = trustList.Encode();
        try
        {
            for (var at = 0; at < bytes.Length; at += ReadChunk)
                await CallAsync(GdsIds.TrustList, GdsIds.TrustListWrite, ct, handle, new Variant(BuiltInType.ByteString, bytes[at..Math.Min(bytes.Length, at + ReadChunk)])).ConfigureAwait(false);
        }
        catch
        {
            await CallAsync(GdsIds.TrustList, GdsIds.TrustListClose, ct, handle).ConfigureAwait(false);
            throw;
        }
        var outputs = await CallAsync(GdsIds.TrustList, GdsIds.TrustListCloseAndUpdate, ct, handle).ConfigureAwait(false);
        return outputs is [{ Value: bool required }] && required;
    }

    /// <summary>AddCertificate: stages one trusted (or issuer) certificate.</summary>
    public Task AddCertificateAsync(byte[] certificate, bool trusted, CancellationToken ct = default) =>
        CallAsync(GdsIds.TrustList, GdsIds.TrustListAddCertificate, ct, new Variant(BuiltInType.ByteString, certificate ?? throw new ArgumentNullException(nameof(certificate))), trusted);

    /// <summary>RemoveCertificate: stages the removal of the certificate with this SHA-1 thumbprint (hex).</summary>
    public Task RemoveCertificateAsync(string thumbprint, bool trusted, CancellationToken ct = default) =>
        CallAsync(GdsIds.TrustList, GdsIds.TrustListRemoveCertificate, ct, thumbprint ?? throw new ArgumentNullException(nameof(thumbprint)), trusted);

    /// <summary>
    /// The whole push: trust list and CRLs, then a signing request (new key) that <paramref name="sign"/> turns into a certificate,
    /// then UpdateCertificate, then one ApplyChanges. Returns the certificate installed.
    /// </summary>
    public async Task<byte[]> PushAsync(TrustListData trustList, Func<byte[], CancellationToken, Task<byte[]>> sign, IReadOnlyList<byte[]>? issuers = null,
        TrustListTransfer transfer = TrustListTransfer.File, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(trustList);
        ArgumentNullException.ThrowIfNull(sign);
        if (transfer == TrustListTransfer.File) await WriteTrustListAsync(trustList, ct).ConfigureAwait(false);
        else await AddAndRemoveAsync(trustList, ct).ConfigureAwait(false);
        var csr = await CreateSigningRequestAsync(regeneratePrivateKey: true, ct: ct).ConfigureAwait(false);
        var certificate = await sign(csr, ct).ConfigureAwait(false);
        await UpdateCertificateAsync(certificate, issuers, ct).ConfigureAwait(false);
        try
        {
            await ApplyChangesAsync(ct).ConfigureAwait(false);
        }
        catch (UaException e) when (e.StatusCode.Code is StatusCodes.BadConnectionClosed or StatusCodes.BadSecureChannelClosed or StatusCodes.BadNotConnected)
        {
            // The server may close the channel as it applies: the answer can be lost, the change is made.
        }
        return certificate;
    }

    // The difference between the server's certificates and the wanted ones, as AddCertificate / RemoveCertificate calls.
    private async Task AddAndRemoveAsync(TrustListData wanted, CancellationToken ct)
    {
        var current = await ReadTrustListAsync(TrustListMasks.TrustedCertificates | TrustListMasks.IssuerCertificates, ct).ConfigureAwait(false);
        static string Key(byte[] der) => Convert.ToBase64String(der);
        foreach (var (have, want, trusted) in new[] { (current.TrustedCertificates, wanted.TrustedCertificates, true), (current.IssuerCertificates, wanted.IssuerCertificates, false) })
        {
            var haveKeys = have.Select(Key).ToHashSet();
            var wantKeys = want.Select(Key).ToHashSet();
            foreach (var der in want.Where(d => !haveKeys.Contains(Key(d)))) await AddCertificateAsync(der, trusted, ct).ConfigureAwait(false);
#pragma warning disable CA5350 // Part 12 names trust list entries by SHA-1 thumbprint; it identifies, it does not protect.
            foreach (var der in have.Where(d => !wantKeys.Contains(Key(d))))
                await RemoveCertificateAsync(Convert.ToHexString(System.Security.Cryptography.SHA1.HashData(der)), trusted, ct).ConfigureAwait(false);
#pragma warning restore CA5350
        }
    }

    /// <summary>
    /// Pushes to many servers without a reconnect storm: at most <paramref name="parallel"/> at once, each start at least
    /// <paramref name="stagger"/> after the previous one. Returns each target's failure (null when it succeeded).
    /// </summary>
    public static async Task<IReadOnlyDictionary<T, Exception?>> PushAllAsync<T>(IReadOnlyList<T> targets, Func<T, CancellationToken, Task> push, int parallel, TimeSpan stagger,
        TimeProvider? time = null, CancellationToken ct = default) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(push);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallel, 1);
        time ??= TimeProvider.System;
        using var slots = new SemaphoreSlim(parallel);
        var results = new System.Collections.Concurrent.ConcurrentDictionary<T, Exception?>();
        var running = new List<Task>();
        foreach (var target in targets)
        {
            await slots.WaitAsync(ct).ConfigureAwait(false);
            running.Add(RunOneAsync(target));
            if (stagger > TimeSpan.Zero) await Task.Delay(stagger, time, ct).ConfigureAwait(false);
        }
        await Task.WhenAll(running).ConfigureAwait(false);
        return results;

        async Task RunOneAsync(T target)
        {
            try
            {
                await push(target, ct).ConfigureAwait(false);
                results[target] = null;
            }
            catch (Exception e) when (e is UaException or IOException or OperationCanceledException or InvalidOperationException)
            {
                results[target] = e;
            }
            finally { slots.Release(); }
        }
    }
}

/// <summary>How <see cref="PushManagementClient.PushAsync"/> hands the trust list over.</summary>
public enum TrustListTransfer
{
    /// <summary>Write the whole TrustList file (certificates and CRLs) and CloseAndUpdate: the standard way.</summary>
    File,

    /// <summary>
    /// AddCertificate / RemoveCertificate for each certificate that differs; CRLs are not transferred. For servers whose
    /// CloseAndUpdate ignores the file (node-opcua 2.157.0).
    /// </summary>
    AddRemove,
}

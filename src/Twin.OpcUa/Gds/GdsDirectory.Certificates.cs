using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Server;
using Twin.Pki.Certificates;

namespace Twin.OpcUa.Gds;

public sealed partial class GdsDirectory
{
    /// <summary>§7.9.8 StartSigningRequest: checks the PKCS#10 request and hands it to the backend; FinishRequest collects the result.</summary>
    private Variant[] StartSigningRequest(MethodContext context, Variant[] inputs)
    {
        RequireChannel(context, encrypted: false);
        var app = Application(inputs[0]);
        var record = app.Record;
        RequireRoleOrSelf(context, GdsRoles.CertificateAuthorityAdmin, record.ApplicationUri);
        CheckGroup(inputs[1], inputs[2]);
        var der = inputs[3].Value as byte[] ?? throw new UaException(StatusCodes.BadInvalidArgument, "CertificateRequest is empty.");
        CertificationRequest request;
        try { request = CertificationRequest.FromDer(der); }
        catch (Exception e) when (e is Twin.Pki.PkiException or ArgumentException or IOException or InvalidCastException)
        {
            throw new UaException(StatusCodes.BadInvalidArgument, "CertificateRequest is not a PKCS#10 request: " + e.Message);
        }
        if (!request.IsSignatureValid) throw new UaException(StatusCodes.BadInvalidArgument, "CertificateRequest's signature does not verify with its own key.");
        if (!request.RequestedUris.Contains(record.ApplicationUri, StringComparer.Ordinal))
            throw new UaException(StatusCodes.BadInvalidArgument,
                $"CertificateRequest names [{string.Join(", ", request.RequestedUris)}] in subjectAltName, not the application's {record.ApplicationUri}.");
        var id = Enqueue(record.ApplicationId, () => Sign(record, der, key: null), keyFormat: null, keyPassword: null);
        Audit(GdsDirectoryIds.CertificateRequestedAuditEventType, StatusCodes.Good, "StartSigningRequest", $"request {id} for {record.ApplicationUri}", null);
        return [new Variant(BuiltInType.NodeId, id)];
    }

    /// <summary>
    /// §7.9.9 StartNewKeyPairRequest: the GDS makes the key (for applications that cannot), has the backend certify it and hands
    /// the key out once, with FinishRequest, as PEM (PKCS#8, encrypted when a password is given) or PFX; then the key is destroyed.
    /// </summary>
    private Variant[] StartNewKeyPairRequest(MethodContext context, Variant[] inputs)
    {
        RequireChannel(context, encrypted: true);
        var app = Application(inputs[0]);
        var record = app.Record;
        RequireRoleOrSelf(context, GdsRoles.CertificateAuthorityAdmin, record.ApplicationUri);
        CheckGroup(inputs[1], inputs[2]);
        var subject = inputs[3].Value as string is { Length: > 0 } s ? s : "CN=" + (record.ApplicationNames.FirstOrDefault(n => !string.IsNullOrWhiteSpace(n.Text))?.Text ?? "application");
        X500DistinguishedName name;
        try { name = new X500DistinguishedName(subject); }
        catch (CryptographicException) { throw new UaException(StatusCodes.BadInvalidArgument, $"SubjectName '{subject}' is not a distinguished name."); }
        var domains = (inputs[4].Value as string?[] ?? []).Where(d => !string.IsNullOrWhiteSpace(d)).Select(d => d!).ToArray();
        var format = inputs[5].Value as string ?? "";
        if (format is not ("PEM" or "PFX")) throw new UaException(StatusCodes.BadInvalidArgument, $"PrivateKeyFormat '{format}' is not supported (PEM, PFX).");
        var password = inputs[6].Value as string;
        var keySize = _gds.KeySize;
        var id = Enqueue(record.ApplicationId, async () =>
        {
            var key = RSA.Create(keySize);
            try
            {
                var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                var san = new SubjectAlternativeNameBuilder();
                san.AddUri(new Uri(record.ApplicationUri));
                foreach (var domain in domains)
                {
                    if (System.Net.IPAddress.TryParse(domain, out var ip)) san.AddIpAddress(ip);
                    else san.AddDnsName(domain);
                }
                request.CertificateExtensions.Add(san.Build());
                return await Sign(record, request.CreateSigningRequest(), key).ConfigureAwait(false);
            }
            catch
            {
                key.Dispose();
                throw;
            }
        }, format, password);
        Audit(GdsDirectoryIds.CertificateRequestedAuditEventType, StatusCodes.Good, "StartNewKeyPairRequest", $"request {id} for {record.ApplicationUri} (key made here)", null);
        return [new Variant(BuiltInType.NodeId, id)];
    }

    private async Task<KeyedCertificate> Sign(ApplicationRecord record, byte[] csr, RSA? key) =>
        new(await _backend.SignAsync(record, csr, CancellationToken.None).ConfigureAwait(false), key);

    private NodeId Enqueue(NodeId applicationId, Func<Task<KeyedCertificate>> work, string? keyFormat, string? keyPassword)
    {
        var id = new NodeId(Guid.NewGuid(), _ns);
        lock (_sync)
        {
            if (_requests.Count >= _gds.MaxPendingRequests)
                throw new UaException(StatusCodes.BadRequestNotAllowed, $"{_gds.MaxPendingRequests} signing requests are waiting already.");
            // Off the server's thread: key generation and the backend may take their time.
            _requests[id] = new PendingRequest(applicationId, Task.Run(work), keyFormat, keyPassword);
        }
        return id;
    }

    /// <summary>
    /// §7.9.11 FinishRequest: BadNothingToDo while the request is pending; then the certificate, the private key made by the GDS
    /// (once — the request and the key are gone afterwards) and the issuer certificates; a refused request answers its refusal.
    /// The certificate is recorded as the application's current one before the call answers.
    /// </summary>
    private async ValueTask<Variant[]> FinishRequestAsync(MethodContext context, Variant[] inputs)
    {
        RequireChannel(context, encrypted: true);
        var app = Application(inputs[0]);
        RequireRoleOrSelf(context, GdsRoles.CertificateAuthorityAdmin, app.Record.ApplicationUri);
        var requestId = inputs[1].Value as NodeId ?? throw new UaException(StatusCodes.BadInvalidArgument, "RequestId must be a NodeId.");
        PendingRequest? request;
        lock (_sync)
        {
            if (!_requests.TryGetValue(requestId, out request) || request.ApplicationId != app.Record.ApplicationId)
                throw new UaException(StatusCodes.BadInvalidArgument, $"No request {requestId} is open for application {app.Record.ApplicationId}.");
            if (!request.Work.IsCompleted) throw new UaException(StatusCodes.BadNothingToDo, $"Request {requestId} is still being processed.");
            _requests.Remove(requestId);
        }
        if (!request.Work.IsCompletedSuccessfully)
        {
            var fault = request.Work.Exception?.InnerException;
            var status = fault is UaException ua ? ua.StatusCode.Code : StatusCodes.BadRequestNotAllowed;
            Audit(GdsDirectoryIds.CertificateDeliveredAuditEventType, status, "FinishRequest", $"request {requestId} refused: {fault?.Message}", null);
            throw new UaException(status, $"Request {requestId} was refused: {fault?.Message}");
        }
        var (issued, key) = request.Work.Result;
        byte[] privateKey;
        try
        {
            privateKey = key is null ? [] : ExportKey(issued.Certificate, key, request.KeyFormat!, request.KeyPassword);
            await RecordAsync(new GdsCertificateDelivered(app.Record.ApplicationId, issued.Certificate)).ConfigureAwait(false);
            lock (_sync) app.Certificate = issued.Certificate;
        }
        finally { key?.Dispose(); }
        Audit(GdsDirectoryIds.CertificateDeliveredAuditEventType, StatusCodes.Good, "FinishRequest", $"request {requestId} delivered to {app.Record.ApplicationUri}", issued.Certificate);
        return [new Variant(BuiltInType.ByteString, issued.Certificate), new Variant(BuiltInType.ByteString, privateKey),
            new Variant(BuiltInType.ByteString, issued.IssuerCertificates.ToArray())];
    }

    private static byte[] ExportKey(byte[] certificate, RSA key, string format, string? password)
    {
        var pbe = new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000);
        if (format == "PEM")
            return System.Text.Encoding.ASCII.GetBytes(string.IsNullOrEmpty(password) ? key.ExportPkcs8PrivateKeyPem() : key.ExportEncryptedPkcs8PrivateKeyPem(password, pbe));
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate);
        using var withKey = publicOnly.CopyWithPrivateKey(key);
        return withKey.Export(X509ContentType.Pkcs12, password);
    }

    private static void Destroy(PendingRequest request) =>
        request.Work.ContinueWith(static t => { if (t.IsCompletedSuccessfully) t.Result.Key?.Dispose(); }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>§7.9.12 GetCertificates: the application's current certificate in the group, if the GDS issued one.</summary>
    private Variant[] GetCertificates(MethodContext context, Variant[] inputs)
    {
        RequireChannel(context, encrypted: false);
        var app = Application(inputs[0]);
        RequireRoleOrSelf(context, GdsRoles.CertificateAuthorityAdmin, app.Record.ApplicationUri);
        CheckGroup(inputs[1]);
        byte[]? current;
        lock (_sync) current = app.Certificate;
        return current is null
            ? [new Variant(BuiltInType.NodeId, Array.Empty<NodeId>()), new Variant(BuiltInType.ByteString, Array.Empty<byte[]>())]
            : [new Variant(BuiltInType.NodeId, new[] { GdsIds.RsaSha256ApplicationCertificateType }), new Variant(BuiltInType.ByteString, new[] { current })];
    }

    /// <summary>
    /// §7.9.14 GetCertificateStatus: UpdateRequired when the GDS issued the application nothing (or revoked it), when the
    /// certificate is past <see cref="GdsOptions.RenewalFraction"/> of its lifetime at the server's clock, when the CA
    /// that signs now did not sign it (its issuer changed), or when a CRL of the trust list the GDS hands out lists it (revoked
    /// by whatever way: the CA's records speak, not only this directory's calls).
    /// </summary>
    private Variant[] GetCertificateStatus(MethodContext context, Variant[] inputs)
    {
        RequireChannel(context, encrypted: false);
        var app = Application(inputs[0]);
        RequireRoleOrSelf(context, GdsRoles.CertificateAuthorityAdmin, app.Record.ApplicationUri);
        CheckGroup(inputs[1], inputs[2]);
        byte[]? current;
        lock (_sync) current = app.Certificate;
        return [UpdateRequired(current)];
    }

    private bool UpdateRequired(byte[]? der)
    {
        if (der is null) return true;
        var certificate = Certificate.FromDer(der);
        var lifetime = certificate.NotAfter - certificate.NotBefore;
        if (Options.Time.GetUtcNow() >= certificate.NotBefore + lifetime * _gds.RenewalFraction) return true;
        var issuer = Certificate.FromDer(_backend.IssuerCertificate());
        return !certificate.IsSignedBy(issuer.PublicKey) || ListedAsRevoked(certificate);
    }

    private bool ListedAsRevoked(Certificate certificate)
    {
        var list = _backend.TrustList();
        foreach (var der in list.TrustedCrls.Concat(list.IssuerCrls))
        {
            var crl = Twin.Pki.Revocation.CertificateRevocationList.FromDer(der);
            if (crl.Issuer == certificate.Issuer && crl.Find(certificate.SerialNumber) is not null) return true;
        }
        return false;
    }

    /// <summary>
    /// §7.9.15 RevokeCertificate: a certificate for this application (its subjectAltName names the ApplicationUri) goes to the backend,
    /// which revokes it if its CA issued it and still keeps its record — any of the application's certificates, however many came
    /// after it — and refuses anything else with BadInvalidArgument, as does the directory for a certificate naming another
    /// application. The call answers once the CA has revoked it (its CRL is out then) and the directory has recorded that the
    /// application's current certificate, if it was this one, is gone.
    /// </summary>
    private async ValueTask<Variant[]> RevokeCertificateAsync(MethodContext context, Variant[] inputs)
    {
        RequireChannel(context, encrypted: false);
        var app = Application(inputs[0]);
        RequireRoleOrSelf(context, GdsRoles.CertificateAuthorityAdmin, app.Record.ApplicationUri);
        var der = inputs[1].Value as byte[] ?? throw new UaException(StatusCodes.BadInvalidArgument, "Certificate is empty.");
        var record = app.Record;
        Certificate certificate;
        try { certificate = Certificate.FromDer(der); }
        catch (Exception e) when (e is Twin.Pki.PkiException or ArgumentException or IOException or InvalidCastException)
        {
            throw new UaException(StatusCodes.BadInvalidArgument, "Certificate is not an X.509 certificate: " + e.Message);
        }
        if (!Twin.Pki.Certificates.CertificateNames.UrisOf(certificate).Contains(record.ApplicationUri, StringComparer.Ordinal))
            throw new UaException(StatusCodes.BadInvalidArgument, $"The certificate (serial {certificate.SerialNumber.Hex}) is not one of {record.ApplicationUri}'s: its subjectAltName names [{string.Join(", ", Twin.Pki.Certificates.CertificateNames.UrisOf(certificate))}].");
        try
        {
            await _backend.RevokeAsync(record, der, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not UaException)
        {
            Audit(GdsDirectoryIds.CertificateRevokedAuditEventType, StatusCodes.BadInternalError, "RevokeCertificate", $"revocation for {record.ApplicationUri} failed: {e.Message}", der);
            throw new UaException(StatusCodes.BadInternalError, $"The revocation of serial {certificate.SerialNumber.Hex} failed: {e.Message}");
        }
        catch (UaException e)
        {
            Audit(GdsDirectoryIds.CertificateRevokedAuditEventType, e.StatusCode.Code, "RevokeCertificate", $"revocation for {record.ApplicationUri} refused: {e.Message}", der);
            throw;
        }
        bool IsCurrent()
        {
            lock (_sync) return app.Certificate is { } c && c.AsSpan().SequenceEqual(der);
        }
        if (IsCurrent())
        {
            await RecordAsync(new GdsCertificateRevoked(record.ApplicationId, der)).ConfigureAwait(false);
            lock (_sync) if (app.Certificate is { } c && c.AsSpan().SequenceEqual(der)) app.Certificate = null;
        }
        Audit(GdsDirectoryIds.CertificateRevokedAuditEventType, StatusCodes.Good, "RevokeCertificate", $"serial {certificate.SerialNumber.Hex} revoked for {record.ApplicationUri}", der);
        return [];
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Gds;

/// <summary>
/// Push certificate management on a server (OPC 10000-12 §7.10): the ServerConfiguration object (i=12637) with
/// CreateSigningRequest, UpdateCertificate, ApplyChanges, CancelChanges and GetRejectedList, and the DefaultApplicationGroup
/// with its TrustList file. Every method demands an encrypted channel (BadSecurityModeInsufficient) and the SecurityAdmin
/// role (BadUserAccessDenied). Changes stay staged until ApplyChanges; then the new certificate is what every endpoint
/// advertises and every secure channel is closed, so clients reconnect under it.
/// </summary>
public sealed partial class ServerConfiguration
{
    private readonly AddressSpace _space;
    private readonly Func<ServerOptions> _options;
    private readonly Action<X509Certificate2> _useCertificate;
    private readonly Action _closeChannels;
    private readonly Lock _sync = new();
    private RSA? _pendingKey;
    private X509Certificate2? _stagedCertificate;
    private byte[][] _stagedIssuers = [];
    private TrustListData? _stagedTrustList;

    internal ServerConfiguration(AddressSpace space, Func<ServerOptions> options, Action<X509Certificate2> useCertificate, Action closeChannels)
    {
        _space = space;
        _options = options;
        _useCertificate = useCertificate;
        _closeChannels = closeChannels;
        Install();
    }

    /// <summary>True while a certificate or trust list waits for ApplyChanges.</summary>
    public bool HasStagedChanges
    {
        get { lock (_sync) return _stagedCertificate is not null || _stagedTrustList is not null; }
    }

    private static readonly string[] PrivateKeyFormats = ["PEM", "PFX"];

    private static Argument Arg(string name, BuiltInType type, int rank = -1) => new() { Name = name, DataType = WellKnownIds.DataTypeOf(type), ValueRank = rank };

    private void Install()
    {
        var config = _space.StandardObject(WellKnownIds.Server, GdsIds.ServerConfiguration, "ServerConfiguration", GdsIds.ServerConfigurationType);
        _space.StandardVariable(config.NodeId, GdsIds.SupportedPrivateKeyFormats, "SupportedPrivateKeyFormats", new Variant(BuiltInType.String, PrivateKeyFormats), 12, property: true).ValueRank = 1;
        _space.StandardVariable(config.NodeId, GdsIds.MaxTrustListSize, "MaxTrustListSize", (uint)_options().Limits.MaxMessageSize, 7, property: true);
        _space.StandardMethod(config.NodeId, GdsIds.CreateSigningRequest, "CreateSigningRequest", CreateSigningRequest,
            [Arg("CertificateGroupId", BuiltInType.NodeId), Arg("CertificateTypeId", BuiltInType.NodeId), Arg("SubjectName", BuiltInType.String),
             Arg("RegeneratePrivateKey", BuiltInType.Boolean), Arg("Nonce", BuiltInType.ByteString)],
            [Arg("CertificateRequest", BuiltInType.ByteString)]);
        _space.StandardMethod(config.NodeId, GdsIds.UpdateCertificate, "UpdateCertificate", UpdateCertificate,
            [Arg("CertificateGroupId", BuiltInType.NodeId), Arg("CertificateTypeId", BuiltInType.NodeId), Arg("Certificate", BuiltInType.ByteString),
             Arg("IssuerCertificates", BuiltInType.ByteString, 1), Arg("PrivateKeyFormat", BuiltInType.String), Arg("PrivateKey", BuiltInType.ByteString)],
            [Arg("ApplyChangesRequired", BuiltInType.Boolean)]);
        _space.StandardMethod(config.NodeId, GdsIds.ApplyChanges, "ApplyChanges", ApplyChanges);
        _space.StandardMethod(config.NodeId, GdsIds.CancelChanges, "CancelChanges", CancelChanges);
        _space.StandardMethod(config.NodeId, GdsIds.GetRejectedList, "GetRejectedList", GetRejectedList, outputs: [Arg("Certificates", BuiltInType.ByteString, 1)]);
        var groups = _space.StandardObject(config.NodeId, GdsIds.CertificateGroups, "CertificateGroups", GdsIds.CertificateGroupFolderType);
        var group = _space.StandardObject(groups.NodeId, GdsIds.DefaultApplicationGroup, "DefaultApplicationGroup", GdsIds.CertificateGroupType, WellKnownIds.Organizes);
        _space.StandardVariable(group.NodeId, GdsIds.CertificateTypes, "CertificateTypes", new Variant(BuiltInType.NodeId, new[] { GdsIds.RsaSha256ApplicationCertificateType }), 17, property: true).ValueRank = 1;
        InstallTrustList(group.NodeId);
    }

    /// <summary>Part 12 §7.10.3 / §7.10.4: the caller must be a SecurityAdmin on an encrypted channel.</summary>
    private static void Authorize(MethodContext context)
    {
        if (context.SecurityMode != MessageSecurityMode.SignAndEncrypt)
            throw new UaException(StatusCodes.BadSecurityModeInsufficient, "Certificate management needs a SignAndEncrypt channel.");
        if (!context.Roles.Contains(Roles.SecurityAdmin))
            throw new UaException(StatusCodes.BadUserAccessDenied, "Certificate management is reserved to the SecurityAdmin role.");
    }

    private static void CheckGroupAndType(Variant group, Variant type)
    {
        if (group.Value is NodeId g && !g.IsNull && g != GdsIds.DefaultApplicationGroup)
            throw new UaException(StatusCodes.BadInvalidArgument, $"Certificate group {g} is not managed here (only DefaultApplicationGroup).");
        if (type.Value is NodeId t && !t.IsNull && t != GdsIds.RsaSha256ApplicationCertificateType && t != GdsIds.ApplicationCertificateType && t != GdsIds.RsaMinApplicationCertificateType)
            throw new UaException(StatusCodes.BadInvalidArgument, $"Certificate type {t} is not supported (RSA application certificates only).");
    }

    /// <summary>Part 12 §7.10.7: a PKCS#10 request for the server's application URI, with the current key or a new one.</summary>
    private Variant[] CreateSigningRequest(MethodContext context, Variant[] inputs)
    {
        Authorize(context);
        CheckGroupAndType(inputs[0], inputs[1]);
        var options = _options();
        var current = options.Certificate ?? throw new UaException(StatusCodes.BadInvalidState, "The server has no application certificate.");
        var subject = inputs[2].Value as string is { Length: > 0 } s ? s : current.SubjectName.Name;
        var regenerate = inputs[3].Value is true;
        if (regenerate && inputs[4].Value is byte[] { Length: > 0 and < 32 })
            throw new UaException(StatusCodes.BadInvalidArgument, "The nonce must be at least 32 bytes.");
        RSA key;
        if (regenerate)
        {
            var size = current.GetRSAPublicKey()?.KeySize ?? 2048;
            key = options.CertificateManagement?.NewKey?.Invoke(size) ?? RSA.Create(size);
            RSA? previous;
            lock (_sync)
            {
                previous = _pendingKey;
                _pendingKey = key;
            }
            Discard(previous, key, "a later CreateSigningRequest made a new key");
        }
        else key = Security.CertificateKeys.PrivateKeyOf(current) ?? throw new UaException(StatusCodes.BadInvalidState, "The current certificate has no private key.");
        X500DistinguishedName name;
        try { name = new X500DistinguishedName(subject); }
        catch (CryptographicException) { throw new UaException(StatusCodes.BadInvalidArgument, $"Subject name '{subject}' is not a distinguished name."); }
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(options.ApplicationUri));
        foreach (var dns in current.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(x => x.EnumerateDnsNames())) san.AddDnsName(dns);
        foreach (var ip in current.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(x => x.EnumerateIPAddresses())) san.AddIpAddress(ip);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation
            | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        return [new Variant(BuiltInType.ByteString, request.CreateSigningRequest())];
    }

    /// <summary>Part 12 §7.10.4: stages a new application certificate for the key of the last request, the current key, or the key given.</summary>
    private Variant[] UpdateCertificate(MethodContext context, Variant[] inputs)
    {
        var der = inputs[2].Value as byte[];
        try
        {
            Authorize(context);
            CheckGroupAndType(inputs[0], inputs[1]);
            var options = _options();
            if (der is not { Length: > 0 }) throw new UaException(StatusCodes.BadInvalidArgument, "No certificate given.");
            X509Certificate2 certificate;
            try { certificate = X509CertificateLoader.LoadCertificate(der); }
            catch (CryptographicException e) { throw new UaException(StatusCodes.BadCertificateInvalid, "The certificate does not parse: " + e.Message); }
            if (!Security.CertificateNames.UrisOf(certificate).Contains(options.ApplicationUri))
                throw new UaException(StatusCodes.BadCertificateUriInvalid, $"The certificate does not name {options.ApplicationUri} in its subjectAltName.");
            var now = options.Time.GetUtcNow().UtcDateTime;
            if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
                throw new UaException(StatusCodes.BadCertificateTimeInvalid, $"The certificate is valid {certificate.NotBefore:u} .. {certificate.NotAfter:u}, not now.");
            var issuers = CaCertificates(inputs[3].Value as byte[]?[]);
            var key = KeyFor(certificate, options, inputs[4].Value as string, inputs[5].Value as byte[]);
            // A key held in a TPM/HSM cannot be copied into the certificate object: it is attached beside it (CertificateKeys).
            var withKey = key is Twin.Pki.Keys.KeyStoreRsa inStore ? Security.CertificateKeys.WithKeyInStore(certificate, inStore.Reopen) : certificate.CopyWithPrivateKey(key);
            lock (_sync) (_stagedCertificate, _stagedIssuers) = (withKey, issuers);
            Audit(GdsIds.CertificateUpdatedAuditEventType, StatusCodes.Good, "UpdateCertificate", "application certificate staged", der);
            return [true];
        }
        catch (UaException e)
        {
            Audit(GdsIds.CertificateUpdatedAuditEventType, e.StatusCode.Code, "UpdateCertificate", e.Message, der);
            throw;
        }
    }

    private RSA KeyFor(X509Certificate2 certificate, ServerOptions options, string? format, byte[]? privateKey)
    {
        using var offered = certificate.GetRSAPublicKey() ?? throw new UaException(StatusCodes.BadCertificateInvalid, "The certificate has no RSA key.");
        var wanted = offered.ExportSubjectPublicKeyInfo();
        bool Matches(RSA? k) => k is not null && k.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(wanted);
        if (privateKey is { Length: > 0 })
        {
            var given = RSA.Create();
            try
            {
                switch (format)
                {
                    case "PEM": given.ImportFromPem(System.Text.Encoding.ASCII.GetString(privateKey)); break;
                    case "PFX":
                        using (var pfx = X509CertificateLoader.LoadPkcs12(privateKey, null)) given.ImportParameters(pfx.GetRSAPrivateKey()!.ExportParameters(true));
                        break;
                    default: throw new UaException(StatusCodes.BadNotSupported, $"Private key format '{format}' is not supported (PEM, PFX).");
                }
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException or NullReferenceException)
            {
                given.Dispose();
                throw new UaException(StatusCodes.BadSecurityChecksFailed, "The private key does not load.");
            }
            if (Matches(given)) return given;
            given.Dispose();
            throw new UaException(StatusCodes.BadSecurityChecksFailed, "The private key does not belong to the certificate.");
        }
        lock (_sync)
            if (Matches(_pendingKey)) return _pendingKey!;
        var current = options.Certificate is null ? null : Security.CertificateKeys.PrivateKeyOf(options.Certificate);
        if (Matches(current)) return current!;
        current?.Dispose();
        throw new UaException(StatusCodes.BadSecurityChecksFailed, "The certificate is not for the key of the last signing request nor the current key.");
    }

    /// <summary>Part 12 §7.10.6: installs what is staged; the response goes out first, then every secure channel is closed.</summary>
    private Variant[] ApplyChanges(MethodContext context, Variant[] inputs)
    {
        Authorize(context);
        X509Certificate2? certificate;
        TrustListData? trustList;
        byte[][] issuers;
        lock (_sync)
        {
            (certificate, trustList, issuers) = (_stagedCertificate, _stagedTrustList, _stagedIssuers);
            (_stagedCertificate, _stagedTrustList, _stagedIssuers) = (null, null, []);
            // The new key pair is active now: no later request may discard it.
            if (certificate is not null && _pendingKey is not null && certificate.GetRSAPublicKey() is { } active)
            {
                using (active)
                    if (active.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(_pendingKey.ExportSubjectPublicKeyInfo())) _pendingKey = null;
            }
        }
        if (trustList is not null) ApplyTrustList(trustList);
        if (certificate is not null) KeepIssuers(issuers);
        if (certificate is not null)
        {
            _useCertificate(certificate);
            context.AfterResponse(_closeChannels);
        }
        if (certificate is not null || trustList is not null) _options().CertificateManagement?.Applied?.Invoke(new AppliedChanges(certificate, issuers, trustList));
        return [];
    }

    /// <summary>
    /// Installs what the server fetched for itself from a GDS (pull, Part 12 §7.9): the trust list replaces the current one, and a
    /// new certificate (with its private key) is applied as ApplyChanges would — every endpoint advertises it at once and the
    /// secure channels are closed so clients reconnect under it. Nothing already staged by a push client is touched.
    /// </summary>
    public void InstallPulled(X509Certificate2? certificate, TrustListData? trustList)
    {
        if (certificate is not null && !Security.CertificateKeys.HasPrivateKey(certificate)) throw new ArgumentException("A pulled certificate must carry its private key.", nameof(certificate));
        if (certificate is not null && !Security.CertificateNames.UrisOf(certificate).Contains(_options().ApplicationUri))
            throw new ArgumentException($"The certificate does not name {_options().ApplicationUri} in its subjectAltName.", nameof(certificate));
        if (trustList is not null)
        {
            CheckParses(trustList);
            ApplyTrustList(trustList);
        }
        if (certificate is null) return;
        _useCertificate(certificate);
        Audit(GdsIds.CertificateUpdatedAuditEventType, StatusCodes.Good, "Pull", "application certificate pulled from a GDS and applied", certificate.RawData);
        _closeChannels();
    }

    // Part 12 §7.10.4 IssuerCertificates: the CA certificates that verify the new certificate; each must parse and be a CA.
    private static byte[][] CaCertificates(byte[]?[]? issuers)
    {
        var kept = new List<byte[]>();
        foreach (var der in issuers ?? [])
        {
            if (der is not { Length: > 0 }) continue;
            try
            {
                using var issuer = X509CertificateLoader.LoadCertificate(der);
                if (issuer.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
                    throw new UaException(StatusCodes.BadCertificateInvalid, $"Issuer certificate '{issuer.Subject}' is not a CA certificate.");
            }
            catch (CryptographicException e) { throw new UaException(StatusCodes.BadCertificateInvalid, "An issuer certificate does not parse: " + e.Message); }
            kept.Add(der);
        }
        return [.. kept];
    }

    // The issuers that came with an applied certificate join the issuer list (unless already trusted or known), so the trust
    // list shows them and clients of the same CA can be judged; they never become trust anchors by this route.
    private void KeepIssuers(byte[][] issuers)
    {
        if (issuers.Length == 0 || _options().CertificateValidator is not Security.ITrustListStore validator) return;
        var (trusted, known, _) = validator.Snapshot();
        foreach (var der in issuers)
            if (!trusted.Concat(known).Any(k => k.AsSpan().SequenceEqual(der))) validator.AddIssuer(der);
    }

    /// <summary>Part 12 §7.10.10: drops what is staged.</summary>
    private Variant[] CancelChanges(MethodContext context, Variant[] inputs)
    {
        Authorize(context);
        RSA? pending;
        lock (_sync)
        {
            (_stagedCertificate, _stagedTrustList, _stagedIssuers) = (null, null, []);
            (pending, _pendingKey) = (_pendingKey, null);
        }
        Discard(pending, null, "CancelChanges");
        return [];
    }

    // Part 12 §7.10.10: a new key pair not made active is discarded — by a later request (unless that request made the very
    // same key again), or with the transaction it was made in. A certificate staged for it goes with it; the owner is told.
    private void Discard(RSA? dropped, RSA? successor, string why)
    {
        if (dropped is null || ReferenceEquals(dropped, successor)) return;
        var spki = dropped.ExportSubjectPublicKeyInfo();
        dropped.Dispose();
        if (successor is not null && successor.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(spki)) return;
        lock (_sync)
        {
            using var staged = _stagedCertificate?.GetRSAPublicKey();
            if (staged is not null && staged.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(spki)) (_stagedCertificate, _stagedIssuers) = (null, []);
        }
        _options().CertificateManagement?.KeyDiscarded?.Invoke(spki, why);
    }

    /// <summary>Part 12 §7.10.9: the certificates the server refused, as DER.</summary>
    private Variant[] GetRejectedList(MethodContext context, Variant[] inputs)
    {
        Authorize(context);
        var rejected = _options().CertificateValidator is Security.IRejectingValidator v ? v.RejectedStore.Rejected.Select(c => c.RawData).ToArray() : [];
        return [new Variant(BuiltInType.ByteString, rejected)];
    }

    private void Audit(NodeId type, uint status, string method, string message, byte[]? certificate)
    {
        var options = _options();
        if (!options.Audit.IsWatched) return;
        var trustList = type == GdsIds.TrustListUpdatedAuditEventType;
        options.Audit.Raise(new AuditEvent(type, options.Time.GetUtcNow(), status == StatusCodes.Good, status, "Method/" + method, message)
        {
            Certificate = certificate, MethodId = AuditedMethods.GetValueOrDefault(method), SourceNode = trustList ? GdsIds.TrustList : GdsIds.ServerConfiguration,
            CertificateGroup = trustList ? null : GdsIds.DefaultApplicationGroup, CertificateType = trustList ? null : GdsIds.RsaSha256ApplicationCertificateType,
            TrustListId = trustList ? GdsIds.TrustList : null,
        });
    }

    // The methods whose calls are audited (AuditUpdateMethodEventType.MethodId).
    private static readonly Dictionary<string, NodeId> AuditedMethods = new(StringComparer.Ordinal)
    {
        ["UpdateCertificate"] = GdsIds.UpdateCertificate, ["ApplyChanges"] = GdsIds.ApplyChanges, ["CloseAndUpdate"] = GdsIds.TrustListCloseAndUpdate,
        ["AddCertificate"] = GdsIds.TrustListAddCertificate, ["RemoveCertificate"] = GdsIds.TrustListRemoveCertificate,
    };
}

using System.Security.Cryptography;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;

namespace Twin.OpcUa.Server;

internal sealed partial class Services
{
    /// <summary>Part 4 §5.6.2.</summary>
    private CreateSessionResponse CreateSession(ChannelContext channel, CreateSessionRequest r)
    {
        if (channel.SecurityMode != MessageSecurityMode.None && (r.ClientNonce is null || r.ClientNonce.Length < 32))
            throw new UaException(StatusCodes.BadNonceInvalid, "The client nonce must be at least 32 bytes.");
        var security = channel.Security;
        if (security.Policy is not null)
        {
            // Part 4 §5.6.2: the client certificate must be the channel's and name the client's ApplicationUri.
            if (r.ClientCertificate is null || !r.ClientCertificate.AsSpan().SequenceEqual(security.RemoteCertificate))
            {
                AuditCertificate(channel, AuditEventTypes.AuditCertificateMismatchEventType, StatusCodes.BadCertificateInvalid, "The session certificate is not the channel's.", r.ClientCertificate);
                throw new UaException(StatusCodes.BadCertificateInvalid, "The session certificate is not the channel's.");
            }
            // On a mismatch the validator judges the certificate again with the ApplicationUri the client claims, so the refusal
            // lands in its rejected list like any other fault. Only the URI fault is told to the client; others stay BadSecurityChecksFailed.
            using var cert = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(r.ClientCertificate);
            var uriMatches = Security.CertificateNames.UrisOf(cert).Contains(r.ClientDescription.ApplicationUri ?? "");
            var verdict = uriMatches
                ? Security.CertificateVerdict.Good
                : _options.CertificateValidator.Validate(new Security.CertificateCheck(r.ClientCertificate, [], Security.CertificateUse.ApplicationInstance,
                    r.ClientDescription.ApplicationUri ?? "", _options.Time.GetUtcNow()));
            // A validator that does not look at URIs must not let a mismatch through.
            if (!uriMatches && verdict.IsGood) verdict = new Security.CertificateVerdict(StatusCodes.BadCertificateUriInvalid, $"the certificate does not name {r.ClientDescription.ApplicationUri}");
            if (!verdict.IsGood)
            {
                AuditCertificate(channel, AuditEventTypes.ForCertificateFault(verdict.Status.Code), verdict.Status.Code, verdict.Reason, r.ClientCertificate);
                throw new UaException(verdict.Status.Code == StatusCodes.BadCertificateUriInvalid ? StatusCodes.BadCertificateUriInvalid : StatusCodes.BadSecurityChecksFailed,
                    $"Client certificate refused: {verdict.Reason}");
            }
        }
        var session = _sessions.Create(r.SessionName ?? "", channel.ChannelId, r.RequestedSessionTimeout);
        session.ClientCertificate = security.RemoteCertificate;
        var signature = security.Policy is null ? new SignatureData() : new SignatureData
        {
            Algorithm = security.Policy.AsymmetricSignatureUri,
            Signature = security.SignWithCertificate([.. r.ClientCertificate!, .. r.ClientNonce!]),
        };
        return new CreateSessionResponse
        {
            ResponseHeader = ResponseHeader.For(r.RequestHeader),
            SessionId = session.SessionId,
            AuthenticationToken = session.AuthenticationToken,
            RevisedSessionTimeout = session.Timeout,
            ServerNonce = session.ServerNonce,
            ServerEndpoints = Endpoints(r.EndpointUrl),
            ServerCertificate = _options.Certificate?.RawData,
            ServerSoftwareCertificates = [],
            ServerSignature = signature,
            MaxRequestMessageSize = (uint)_options.Limits.MaxMessageSize,
        };
    }

    /// <summary>Part 4 §5.6.3: checks the user token against the endpoint's policies and binds the session to this channel.</summary>
    private ActivateSessionResponse ActivateSession(ChannelContext channel, ActivateSessionRequest r)
    {
        var session = _sessions.Find(r.RequestHeader.AuthenticationToken) ?? throw new UaException(StatusCodes.BadSessionIdInvalid, "No session has this authentication token.");
        // An activated session may move to a new channel (reconnect, Part 4 §5.6.3.1); a new one must activate where it was created.
        if (!session.Activated && session.ChannelId != channel.ChannelId)
            throw new UaException(StatusCodes.BadSecureChannelIdInvalid, "A session must first be activated on the channel that created it.");

        // Part 4 §5.6.3.1: a session moves only to a channel of the same client application.
        if (!(channel.Security.RemoteCertificate ?? []).AsSpan().SequenceEqual(session.ClientCertificate ?? []))
            throw new UaException(StatusCodes.BadSecurityChecksFailed, "The channel's client certificate is not the session's.");
        if (channel.Security.Policy is { } policy)
        {
            // Part 4 §5.6.3: the client proves possession of its key by signing the server certificate and the last server nonce.
            var signed = _options.Certificate!.RawData.Concat(session.ServerNonce).ToArray();
            if (r.ClientSignature.Signature is null || r.ClientSignature.Algorithm != policy.AsymmetricSignatureUri || !channel.Security.VerifyWithRemoteCertificate(signed, r.ClientSignature.Signature))
                throw new UaException(StatusCodes.BadApplicationSignatureInvalid, "The client signature does not verify.");
        }
        var (user, roles) = Authenticate(r.UserIdentityToken, r.UserTokenSignature, channel, session.ServerNonce);
        session.UserName = user;
        session.Roles = roles;
        session.ChannelId = channel.ChannelId;
        session.Activated = true;
        session.ServerNonce = RandomNumberGenerator.GetBytes(32);
        session.LastContact = _options.Time.GetUtcNow().UtcDateTime;
        return new ActivateSessionResponse { ResponseHeader = ResponseHeader.For(r.RequestHeader), ServerNonce = session.ServerNonce, Results = [], DiagnosticInfos = [] };
    }

    /// <summary>Maps a user identity token to a user name and roles, or fails with BadIdentityTokenInvalid / BadUserAccessDenied (Part 4 §7.41).</summary>
    private (string User, IReadOnlySet<string> Roles) Authenticate(ExtensionObject token, SignatureData tokenSignature, ChannelContext channel, byte[] serverNonce)
    {
        switch (token.Body)
        {
            case null when token.IsNull && _options.AllowAnonymous:
            case AnonymousIdentityToken when _options.AllowAnonymous:
                return ("", new HashSet<string> { Roles.Anonymous });
            case AnonymousIdentityToken:
                throw new UaException(StatusCodes.BadIdentityTokenRejected, "Anonymous access is not allowed.");
            case UserNameIdentityToken u when _options.Users.Count > 0:
                var tokenPolicy = channel.Security.Policy ?? SecurityPolicy.Find(NoneEndpointTokenPolicy);
                var given = tokenPolicy is null ? u.Password ?? [] : ChannelSecurity.DecryptPassword(tokenPolicy, _options.Certificate!, u, serverNonce);
                var account = _options.Users.FirstOrDefault(a => a.UserName == u.UserName);
                var expected = account is null ? [] : System.Text.Encoding.UTF8.GetBytes(account.Password);
                if (account is null || !CryptographicOperations.FixedTimeEquals(given, expected))
                    throw new UaException(StatusCodes.BadUserAccessDenied, "Unknown user or wrong password.");
                var roles = new HashSet<string>(account.Roles) { Roles.AuthenticatedUser };
                return (account.UserName, roles);
            case X509IdentityToken x when _options.UserCertificateValidator is { } validator && (channel.Security.Policy ?? SecurityPolicy.Find(NoneEndpointTokenPolicy)) is { } signaturePolicy:
                return AuthenticateCertificate(channel, x, tokenSignature, signaturePolicy, validator, serverNonce);
            default:
                throw new UaException(StatusCodes.BadIdentityTokenInvalid, $"User identity token {token.TypeId} is not accepted.");
        }
    }

    /// <summary>
    /// Part 4 §7.41.5: the user certificate must pass validation and the token signature, made with the user's key over the server
    /// certificate and the last server nonce, must verify (BadIdentityTokenRejected, BadUserSignatureInvalid).
    /// </summary>
    private (string User, IReadOnlySet<string> Roles) AuthenticateCertificate(ChannelContext channel, X509IdentityToken token, SignatureData signature, SecurityPolicy policy, Security.ICertificateValidator validator, byte[] serverNonce)
    {
        if (token.CertificateData is not { Length: > 0 } der) throw new UaException(StatusCodes.BadIdentityTokenInvalid, "The X509 token carries no certificate.");
        var verdict = validator.Validate(new Security.CertificateCheck(der, [], Security.CertificateUse.UserIdentity, null, _options.Time.GetUtcNow()));
        if (!verdict.IsGood)
        {
            AuditCertificate(channel, AuditEventTypes.ForCertificateFault(verdict.Status.Code), verdict.Status.Code, verdict.Reason, der);
            throw new UaException(StatusCodes.BadIdentityTokenRejected, $"User certificate refused: {verdict.Status} {verdict.Reason}");
        }
        using var cert = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(der);
        using var key = System.Security.Cryptography.X509Certificates.RSACertificateExtensions.GetRSAPublicKey(cert) ?? throw new UaException(StatusCodes.BadIdentityTokenInvalid, "The user certificate has no RSA key.");
        var signed = _options.Certificate!.RawData.Concat(serverNonce).ToArray();
        if (signature.Signature is null || signature.Algorithm != policy.AsymmetricSignatureUri || !policy.Verify(key, signed, signature.Signature))
            throw new UaException(StatusCodes.BadUserSignatureInvalid, "The user token signature does not verify.");
        var roles = new HashSet<string>(_options.UserCertificateRoles(cert)) { Roles.AuthenticatedUser };
        return (cert.Subject, roles);
    }

    /// <summary>Part 4 §5.6.4.</summary>
    private CloseSessionResponse CloseSession(ChannelContext channel, CloseSessionRequest r)
    {
        var session = _sessions.Find(r.RequestHeader.AuthenticationToken) ?? throw new UaException(StatusCodes.BadSessionIdInvalid, "No session has this authentication token.");
        if (session.ChannelId != channel.ChannelId) throw new UaException(StatusCodes.BadSecureChannelIdInvalid, "The session is bound to another secure channel.");
        _sessions.Close(session);
        return new CloseSessionResponse { ResponseHeader = ResponseHeader.For(r.RequestHeader) };
    }
}

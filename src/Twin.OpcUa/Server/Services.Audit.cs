using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;

namespace Twin.OpcUa.Server;

internal sealed partial class Services
{
    /// <summary>Runs CreateSession or ActivateSession and raises its audit event, success or failure (Part 5 §6.4.7, §6.4.10).</summary>
    private IServiceResponse Audited(ChannelContext channel, IServiceRequest request, Func<IServiceResponse> service)
    {
        if (!_options.Audit.IsWatched) return service();
        try
        {
            var response = service();
            AuditSession(channel, request, StatusCodes.Good, "succeeded", response as CreateSessionResponse);
            return response;
        }
        catch (UaException e)
        {
            AuditSession(channel, request, e.StatusCode.Code, e.Message, null);
            throw;
        }
    }

    private void AuditSession(ChannelContext channel, IServiceRequest request, uint status, string message, CreateSessionResponse? created)
    {
        var sessionId = created?.SessionId;
        var (type, source, user) = request switch
        {
            ActivateSessionRequest a => (AuditEventTypes.AuditActivateSessionEventType, "Session/ActivateSession", UserOf(a.UserIdentityToken)),
            _ => (AuditEventTypes.AuditCreateSessionEventType, "Session/CreateSession", null),
        };
        _options.Audit.Raise(new AuditEvent(type, _options.Time.GetUtcNow(), status == StatusCodes.Good, status, source, message)
        {
            SecureChannelId = channel.ChannelId, SessionId = sessionId ?? _sessions.Find(request.RequestHeader.AuthenticationToken)?.SessionId,
            ClientUserId = user, Certificate = channel.Security.RemoteCertificate, SecurityPolicyUri = channel.SecurityPolicyUri,
            ClientAuditEntryId = request.RequestHeader.AuditEntryId, RevisedSessionTimeout = created?.RevisedSessionTimeout,
            UserIdentityToken = request is ActivateSessionRequest activate ? WithoutSecret(activate.UserIdentityToken) : null,
        });
    }

    /// <summary>Part 5 §6.4.18 – §6.4.23: a certificate refused during session establishment (application or user certificate).</summary>
    private void AuditCertificate(ChannelContext channel, NodeId type, uint status, string message, byte[]? certificate)
    {
        if (!_options.Audit.IsWatched) return;
        _options.Audit.Raise(new AuditEvent(type, _options.Time.GetUtcNow(), false, status, "Security/Certificate", message)
        {
            SecureChannelId = channel.ChannelId, Certificate = certificate, SecurityPolicyUri = channel.SecurityPolicyUri,
        });
    }

    /// <summary>The identity token as an audit record may carry it: the user, never the password or the token's signature.</summary>
    private static IEncodeable? WithoutSecret(ExtensionObject token) => token.Body switch
    {
        UserNameIdentityToken u => new UserNameIdentityToken { PolicyId = u.PolicyId, UserName = u.UserName },
        X509IdentityToken x => new X509IdentityToken { PolicyId = x.PolicyId, CertificateData = x.CertificateData },
        AnonymousIdentityToken a => new AnonymousIdentityToken { PolicyId = a.PolicyId },
        _ => null,
    };

    private static string? UserOf(ExtensionObject token) => token.Body switch
    {
        UserNameIdentityToken u => u.UserName,
        X509IdentityToken x when x.CertificateData is { Length: > 0 } der => SubjectOf(der),
        _ => null,
    };

    private static string? SubjectOf(byte[] der)
    {
        try
        {
            using var cert = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(der);
            return cert.Subject;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}

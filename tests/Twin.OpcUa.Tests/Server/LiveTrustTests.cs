using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Security;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Tests.Server;

/// <summary>
/// Trust decisions on a live server: a change of the auto-accept switch or of the trust list applies to the next
/// OpenSecureChannel without a restart, and every refusal raises its audit events (Part 5 §6.4).
/// </summary>
public sealed class LiveTrustTests
{
    private static ClientOptions Client() => new()
    {
        ApplicationUri = TestPki.ClientUri, Certificate = TestPki.Shared.Client.Certificate, ServerCertificateValidator = TestPki.Shared.Validator(),
        AllowedPolicies = [SecurityPolicies.Basic256Sha256], SecurityMode = MessageSecurityMode.SignAndEncrypt, AutoReconnect = false,
    };

    private static async Task<uint> ConnectAsync(string url, ClientOptions options)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await using var session = await ClientSession.ConnectAsync(url, options, cts.Token);
            await session.ReadValueAsync(2259u, cts.Token);
            return StatusCodes.Good;
        }
        catch (UaException e)
        {
            return e.StatusCode.Code;
        }
    }

    // Part 4 §6.1.3 / CONVENTIONS: security switches default to safe and are re-read when changed.
    [Fact]
    public async Task Auto_accept_and_trust_list_changes_take_effect_at_once_on_a_live_server_and_refusals_are_audited()
    {
        var validator = new PkiCertificateValidator();
        validator.AddIssuer(TestPki.Shared.Ca.Certificate.GetDer());
        validator.AddRevocationList(TestPki.Shared.Crl);
        var audit = new List<AuditEvent>();
        var sink = new AuditEventSink();
        sink.Raised += e => { lock (audit) audit.Add(e); };
        var options = TestPlant.Options with
        {
            ApplicationUri = TestPki.ServerUri, Certificate = TestPki.Shared.Server.Certificate, CertificateValidator = validator, Audit = sink,
        };
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), options);

        var untrusted = await ConnectAsync(host.EndpointUrl, Client());
        validator.AutoAccept = true;
        var autoAccepted = await ConnectAsync(host.EndpointUrl, Client());
        validator.AutoAccept = false;
        var refusedAgain = await ConnectAsync(host.EndpointUrl, Client());
        validator.AddTrusted(TestPki.Shared.Ca.Certificate.GetDer());
        var trusted = await ConnectAsync(host.EndpointUrl, Client());
        validator.Replace([], [TestPki.Shared.Ca.Certificate.GetDer()], [TestPki.Shared.Crl]);
        var distrusted = await ConnectAsync(host.EndpointUrl, Client());
        validator.Replace([TestPki.Shared.Ca.Certificate.GetDer()], [], [TestPki.Shared.CrlRevoking(TestPki.Shared.Client.Certificate)]);
        var revoked = await ConnectAsync(host.EndpointUrl, Client());

        Assert.Equal(StatusCodes.BadSecurityChecksFailed, untrusted);
        Assert.Equal(StatusCodes.Good, autoAccepted);
        Assert.Equal(StatusCodes.BadSecurityChecksFailed, refusedAgain);
        Assert.Equal(StatusCodes.Good, trusted);
        Assert.Equal(StatusCodes.BadSecurityChecksFailed, distrusted);
        Assert.Equal(StatusCodes.BadSecurityChecksFailed, revoked);
        List<AuditEvent> events;
        lock (audit) events = [.. audit.Where(e => e.Certificate is { } c && c.AsSpan().SequenceEqual(TestPki.Shared.Client.Certificate.RawData))];
        var refusedChannels = events.Where(e => e.EventType == AuditEventTypes.AuditOpenSecureChannelEventType && !e.Status).Select(e => e.StatusCode.Code).ToList();
        var certificateEvents = events.Where(e => e.SourceName == "Security/Certificate").Select(e => e.EventType).ToList();
        Assert.Equal([StatusCodes.BadCertificateUntrusted, StatusCodes.BadCertificateUntrusted, StatusCodes.BadCertificateUntrusted, StatusCodes.BadCertificateRevoked], refusedChannels);
        Assert.Equal([AuditEventTypes.AuditCertificateUntrustedEventType, AuditEventTypes.AuditCertificateUntrustedEventType, AuditEventTypes.AuditCertificateUntrustedEventType,
            AuditEventTypes.AuditCertificateRevokedEventType], certificateEvents);
        Assert.Equal(2, events.Count(e => e.EventType == AuditEventTypes.AuditActivateSessionEventType && e.Status));
    }

    // Part 4 §7.41.5: a user certificate the server does not trust fails ActivateSession with BadIdentityTokenRejected; audited (Part 5 §6.4.10, §6.4.22).
    [Fact]
    public async Task Untrusted_user_certificate_is_refused_and_audited()
    {
        var audit = new List<AuditEvent>();
        var sink = new AuditEventSink();
        sink.Raised += e => { lock (audit) audit.Add(e); };
        var options = TestPlant.Options with
        {
            ApplicationUri = TestPki.ServerUri, Certificate = TestPki.Shared.Server.Certificate, CertificateValidator = TestPki.Shared.Validator(), Audit = sink,
            UserCertificateValidator = new PkiCertificateValidator(),
        };
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), options);

        var refused = await ConnectAsync(host.EndpointUrl, Client() with { UserCertificate = TestPki.Shared.User.Certificate });

        Assert.Equal(StatusCodes.BadIdentityTokenRejected, refused);
        lock (audit)
        {
            // Nothing vouches for the user's issuer: BadCertificateChainIncomplete, an "untrusted" certificate event.
            Assert.Contains(audit, e => e.EventType == AuditEventTypes.AuditCertificateUntrustedEventType && e.StatusCode.Code == StatusCodes.BadCertificateChainIncomplete
                && e.Certificate is { } c && c.AsSpan().SequenceEqual(TestPki.Shared.User.Certificate.RawData));
            Assert.Contains(audit, e => e.EventType == AuditEventTypes.AuditActivateSessionEventType && !e.Status && e.StatusCode.Code == StatusCodes.BadIdentityTokenRejected
                && e.ClientUserId == TestPki.Shared.User.Certificate.Subject);
        }
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Gds;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Server;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;

namespace Twin.OpcUa.Tests.Gds;

/// <summary>Our push management client against our server: staging, ApplyChanges, the trust-list-first order, audit events, many servers.</summary>
public sealed class PushClientTests
{
    private static (ServerOptions Options, ConcurrentQueue<AuditEvent> Audit) Server()
    {
        var audit = new ConcurrentQueue<AuditEvent>();
        var sink = new AuditEventSink();
        sink.Raised += audit.Enqueue;
        return (TestPlant.Options with
        {
            ApplicationUri = TestPki.ServerUri, Certificate = TestPki.Shared.Server.Certificate, CertificateValidator = TestPki.Shared.Validator(), Audit = sink,
            Users = [new UserAccount("admin", "admin-secret", new HashSet<string> { Roles.SecurityAdmin })],
        }, audit);
    }

    private static ClientOptions Admin => new()
    {
        ApplicationUri = TestPki.ClientUri, Certificate = TestPki.Shared.Client.Certificate, ServerCertificateValidator = TestPki.Shared.Validator(),
        SecurityMode = MessageSecurityMode.SignAndEncrypt, AllowedPolicies = [SecurityPolicies.Basic256Sha256], User = ("admin", "admin-secret"), AutoReconnect = false,
    };

    private static Task<byte[]> SignAsync(byte[] csr, CancellationToken _)
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        return Task.FromResult(TestPki.Shared.Ca.Issue(CertificationRequest.FromDer(csr), CertificateProfile.OpcUaApplication, start, start.AddDays(90),
            r => r with { IpAddresses = [IPAddress.Loopback] }).GetDer());
    }

    private static string[] Trusted(ServerOptions options) => [.. ((Twin.OpcUa.Security.PkiCertificateValidator)options.CertificateValidator).Snapshot().Trusted.Select(Convert.ToBase64String)];

    // Part 12 §7.8.2.3 CloseAndUpdate, §7.8.2.4 AddCertificate, §7.10.6 ApplyChanges, §7.10.10 CancelChanges; audit §7.8.2.10.
    [Fact]
    public async Task Trust_list_changes_wait_for_ApplyChanges_and_CancelChanges_drops_them()
    {
        var (options, audit) = Server();
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), options);
        var extra = TestPki.Shared.NodeServer.Certificate.RawData;
        var before = Trusted(options);

        await using (var session = await ClientSession.ConnectAsync(host.EndpointUrl, Admin))
        {
            var push = new PushManagementClient(session);
            var read = await push.ReadTrustListAsync();
            Assert.Equal(before, read.TrustedCertificates.Select(Convert.ToBase64String));
            Assert.True(await push.WriteTrustListAsync(read with { TrustedCertificates = [.. read.TrustedCertificates, extra] }));
            Assert.True(host.ServerConfiguration.HasStagedChanges);
            Assert.Equal(before, Trusted(options));
            await push.CancelChangesAsync();
            Assert.False(host.ServerConfiguration.HasStagedChanges);

            await push.AddCertificateAsync(extra, trusted: true);
            Assert.Equal(before, Trusted(options));
            Assert.Equal(DateTime.MinValue, host.ServerConfiguration.TrustListLastUpdateTime);
            await push.ApplyChangesAsync();
            // A trust list change alone keeps the channels: the certificate did not change.
            Assert.Equal(21.5, (double)(await session.ReadValueAsync(new NodeId("Plant.Temperature", 2))).Value.Value!);
        }

        Assert.Equal([.. before, Convert.ToBase64String(extra)], Trusted(options));
        Assert.NotEqual(DateTime.MinValue, host.ServerConfiguration.TrustListLastUpdateTime);
        Assert.Contains(audit, e => e.EventType == GdsIds.TrustListUpdatedAuditEventType && e.SourceName == "Method/AddCertificate");
        Assert.Contains(audit, e => e.EventType == GdsIds.TrustListUpdatedAuditEventType && e.SourceName == "Method/ApplyChanges");

        await using var again = await ClientSession.ConnectAsync(host.EndpointUrl, Admin);
#pragma warning disable CA5350 // Part 12 names trust list entries by SHA-1 thumbprint.
        var thumbprint = Convert.ToHexString(SHA1.HashData(extra));
#pragma warning restore CA5350
        await new PushManagementClient(again).RemoveCertificateAsync(thumbprint, trusted: true);
        await new PushManagementClient(again).ApplyChangesAsync();
        Assert.Equal(before, Trusted(options));
    }

    // Part 12 §7.10.4: the trust list first, then the certificate, then one ApplyChanges; every endpoint shows the new certificate.
    [Fact]
    public async Task Push_installs_trust_list_and_certificate_and_a_new_session_meets_the_new_certificate()
    {
        var (options, audit) = Server();
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), options);
        byte[] installed;
        await using (var session = await ClientSession.ConnectAsync(host.EndpointUrl, Admin))
        {
            var push = new PushManagementClient(session);
            var trust = await push.ReadTrustListAsync();
            installed = await push.PushAsync(trust with { TrustedCertificates = [.. trust.TrustedCertificates, TestPki.Shared.NodeServer.Certificate.RawData] }, SignAsync);
        }

        Assert.Equal(installed, host.Certificate!.RawData);
        Assert.True(host.Certificate.HasPrivateKey);
        Assert.Contains(Convert.ToBase64String(TestPki.Shared.NodeServer.Certificate.RawData), Trusted(options));
        var endpoints = await ClientSession.GetEndpointsAsync(host.EndpointUrl, Admin);
        Assert.All(endpoints.Where(e => e.SecurityMode != MessageSecurityMode.None), e => Assert.Equal(installed, e.ServerCertificate));
        await using var fresh = await ClientSession.ConnectAsync(host.EndpointUrl, Admin);
        Assert.Equal(installed, fresh.Endpoint.ServerCertificate);
        Assert.Equal(21.5, (double)(await fresh.ReadValueAsync(new NodeId("Plant.Temperature", 2))).Value.Value!);
        var updates = audit.Where(e => e.EventType == GdsIds.CertificateUpdatedAuditEventType).ToArray();
        Assert.Single(updates);
        Assert.Equal(installed, updates[0].Certificate);
    }

    // Part 12 §7.10.4: a certificate that is not for the server's key, or names another application, is refused.
    [Fact]
    public async Task UpdateCertificate_refuses_a_certificate_for_another_key_or_application()
    {
        var (options, audit) = Server();
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), options);
        await using var session = await ClientSession.ConnectAsync(host.EndpointUrl, Admin);
        var push = new PushManagementClient(session);

        using var imposter = RSA.Create(2048);
        var foreignRequest = new CertificateRequest("CN=imposter", imposter, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(TestPki.ServerUri));
        foreignRequest.CertificateExtensions.Add(san.Build());
        var foreign = await SignAsync(foreignRequest.CreateSigningRequest(), default);
        var otherKey = await Assert.ThrowsAsync<UaException>(() => push.UpdateCertificateAsync(foreign));
        Assert.Equal(StatusCodes.BadSecurityChecksFailed, otherKey.StatusCode.Code);
        var csr = await push.CreateSigningRequestAsync(regeneratePrivateKey: false);
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        var wrongUri = TestPki.Shared.Ca.Issue(CertificationRequest.FromDer(csr), CertificateProfile.OpcUaApplication, start, start.AddDays(1), r => r with { UriNames = ["urn:someone:else"] });
        var refused = await Assert.ThrowsAsync<UaException>(() => push.UpdateCertificateAsync(wrongUri.GetDer()));
        Assert.Equal(StatusCodes.BadCertificateUriInvalid, refused.StatusCode.Code);
        Assert.False(host.ServerConfiguration.HasStagedChanges);
        Assert.Contains(audit, e => e.EventType == GdsIds.CertificateUpdatedAuditEventType && !e.Status && e.StatusCode.Code == StatusCodes.BadCertificateUriInvalid);

        // The current key is accepted when no new key was asked for.
        Assert.True(await push.UpdateCertificateAsync(await SignAsync(csr, default)));
        Assert.True(host.ServerConfiguration.HasStagedChanges);
    }

    // Part 12 §7.10.4 IssuerCertificates: the CA that signed the new certificate joins the issuer list once applied; a non-CA is refused.
    [Fact]
    public async Task Issuer_certificates_passed_with_UpdateCertificate_are_kept_in_the_issuer_list()
    {
        var (options, _) = Server();
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), options);
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        var other = CertificateAuthority.CreateRoot("CN=Second plant CA", Twin.Pki.Keys.KeyGenerator.Generate(Twin.Pki.Keys.KeyAlgorithm.Rsa2048), start, start.AddYears(1));
        var validator = (Twin.OpcUa.Security.PkiCertificateValidator)options.CertificateValidator;
        await using (var session = await ClientSession.ConnectAsync(host.EndpointUrl, Admin))
        {
            var push = new PushManagementClient(session);
            var csr = CertificationRequest.FromDer(await push.CreateSigningRequestAsync(regeneratePrivateKey: false));
            var issued = other.Issue(csr, CertificateProfile.OpcUaApplication, start, start.AddDays(30)).GetDer();
            var notCa = await Assert.ThrowsAsync<UaException>(() => push.UpdateCertificateAsync(issued, [TestPki.Shared.NodeServer.Certificate.RawData]));
            Assert.Equal(StatusCodes.BadCertificateInvalid, notCa.StatusCode.Code);
            Assert.False(host.ServerConfiguration.HasStagedChanges);

            Assert.True(await push.UpdateCertificateAsync(issued, [other.Certificate.GetDer(), TestPki.Shared.Ca.Certificate.GetDer()]));
            Assert.DoesNotContain(validator.Snapshot().Issuers, d => d.AsSpan().SequenceEqual(other.Certificate.GetDer()));
            try { await push.ApplyChangesAsync(); }
            catch (UaException) { /* the server closes the channel as it applies */ }
        }

        var issuers = validator.Snapshot().Issuers;
        Assert.Contains(issuers, d => d.AsSpan().SequenceEqual(other.Certificate.GetDer()));
        // The CA already trusted stays a trust anchor and is not listed twice.
        Assert.DoesNotContain(issuers, d => d.AsSpan().SequenceEqual(TestPki.Shared.Ca.Certificate.GetDer()));
        Assert.Contains(validator.Snapshot().Trusted, d => d.AsSpan().SequenceEqual(TestPki.Shared.Ca.Certificate.GetDer()));
    }

    // Issue #9: pushes to many servers are spread out; each one gets its own certificate.
    [Fact]
    public async Task PushAll_renews_several_servers_two_at_a_time()
    {
        var hosts = new List<UaServerHost>();
        var validators = new List<ServerOptions>();
        var extra = TestPki.Shared.NodeClient.Certificate.RawData;
        try
        {
            for (var i = 0; i < 3; i++)
            {
                validators.Add(Server().Options);
                hosts.Add(UaServerHost.StartTcp(TestPlant.Create(), validators[^1]));
            }
            var results = await PushManagementClient.PushAllAsync(hosts, async (host, ct) =>
            {
                await using var session = await ClientSession.ConnectAsync(host.EndpointUrl, Admin, ct);
                var push = new PushManagementClient(session);
                var trust = await push.ReadTrustListAsync(ct: ct);
                // The AddCertificate route this time (what servers that ignore a written file need).
                await push.PushAsync(trust with { TrustedCertificates = [.. trust.TrustedCertificates, extra] }, SignAsync, transfer: TrustListTransfer.AddRemove, ct: ct);
            }, parallel: 2, stagger: TimeSpan.Zero);

            Assert.All(results.Values, Assert.Null);
            Assert.All(validators, o => Assert.Contains(Convert.ToBase64String(extra), Trusted(o)));
            Assert.All(hosts, h => Assert.NotEqual(TestPki.Shared.Server.Certificate.RawData, h.Certificate!.RawData));
            Assert.Equal(3, hosts.Select(h => Convert.ToBase64String(h.Certificate!.RawData)).Distinct().Count());
        }
        finally
        {
            foreach (var h in hosts) await h.DisposeAsync();
        }
    }
}

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

/// <summary>
/// Part 12 §7.10.10: a new key pair made by CreateSigningRequest and not made active is discarded when a later request makes
/// another one, or when CancelChanges cancels the transaction; the owner hears which key (so it can destroy it in its store), and a
/// certificate for a discarded key is refused. A key made active by ApplyChanges is never reported.
/// </summary>
public sealed class PushKeyDiscardTests
{
    private sealed record Discarded(string PublicKeyInfo, string Why);

    private static ClientOptions Admin => new()
    {
        ApplicationUri = TestPki.ClientUri, Certificate = TestPki.Shared.Client.Certificate, ServerCertificateValidator = TestPki.Shared.Validator(),
        SecurityMode = MessageSecurityMode.SignAndEncrypt, AllowedPolicies = [SecurityPolicies.Basic256Sha256], User = ("admin", "admin-secret"), AutoReconnect = false,
    };

    private static byte[] Sign(byte[] csr)
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        return TestPki.Shared.Ca.Issue(CertificationRequest.FromDer(csr), CertificateProfile.OpcUaApplication, start, start.AddDays(90),
            r => r with { IpAddresses = [IPAddress.Loopback] }).GetDer();
    }

    private static string KeyOf(byte[] csr) => Convert.ToBase64String(CertificationRequest.FromDer(csr).PublicKey.SubjectPublicKeyInfo);

    [Fact]
    public async Task A_later_request_and_CancelChanges_discard_the_key_not_made_active_and_its_certificate_is_refused()
    {
        var discarded = new ConcurrentQueue<Discarded>();
        var made = 0;
        var options = TestPlant.Options with
        {
            ApplicationUri = TestPki.ServerUri, Certificate = TestPki.Shared.Server.Certificate, CertificateValidator = TestPki.Shared.Validator(),
            Users = [new UserAccount("admin", "admin-secret", new HashSet<string> { Roles.SecurityAdmin })],
            CertificateManagement = new CertificateManagementHooks
            {
                NewKey = size =>
                {
                    Interlocked.Increment(ref made);
                    return RSA.Create(size);
                },
                KeyDiscarded = (spki, why) => discarded.Enqueue(new Discarded(Convert.ToBase64String(spki), why)),
            },
        };
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), options);
        byte[] third;
        await using (var session = await ClientSession.ConnectAsync(host.EndpointUrl, Admin))
        {
            var push = new PushManagementClient(session);

            // A second request discards the first request's key: its certificate no longer finds a key.
            var first = await push.CreateSigningRequestAsync(regeneratePrivateKey: true);
            Assert.Empty(discarded);
            var second = await push.CreateSigningRequestAsync(regeneratePrivateKey: true);
            var superseded = Assert.Single(discarded);
            Assert.Equal(KeyOf(first), superseded.PublicKeyInfo);
            Assert.Contains("CreateSigningRequest", superseded.Why, StringComparison.Ordinal);
            var orphan = await Assert.ThrowsAsync<UaException>(() => push.UpdateCertificateAsync(Sign(first)));
            Assert.Equal(StatusCodes.BadSecurityChecksFailed, orphan.StatusCode.Code);

            // CancelChanges drops the staged certificate and the key it was for.
            Assert.True(await push.UpdateCertificateAsync(Sign(second)));
            await push.CancelChangesAsync();
            Assert.False(host.ServerConfiguration.HasStagedChanges);
            Assert.Equal(2, discarded.Count);
            Assert.Equal((KeyOf(second), "CancelChanges"), (discarded.Last().PublicKeyInfo, discarded.Last().Why));
            var cancelled = await Assert.ThrowsAsync<UaException>(() => push.UpdateCertificateAsync(Sign(second)));
            Assert.Equal(StatusCodes.BadSecurityChecksFailed, cancelled.StatusCode.Code);

            // A key made active is the server's key now: the next request does not discard it.
            third = await push.CreateSigningRequestAsync(regeneratePrivateKey: true);
            Assert.True(await push.UpdateCertificateAsync(Sign(third)));
            try { await push.ApplyChangesAsync(); }
            catch (UaException) { /* the server closes the channel as it applies */ }
        }

        using (var active = host.Certificate!.GetRSAPublicKey()!)
            Assert.Equal(KeyOf(third), Convert.ToBase64String(active.ExportSubjectPublicKeyInfo())); // the server presents the third key
        await using (var session = await ClientSession.ConnectAsync(host.EndpointUrl, Admin))
        {
            var push = new PushManagementClient(session);
            _ = await push.CreateSigningRequestAsync(regeneratePrivateKey: true);
            await push.CancelChangesAsync();
        }
        Assert.Equal(4, made);
        // Four keys made: the first two discarded, the third active (never reported), the fourth discarded by CancelChanges.
        Assert.Equal(3, discarded.Count);
        Assert.DoesNotContain(discarded, d => d.PublicKeyInfo == KeyOf(third));
    }
}

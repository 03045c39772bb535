using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Gds;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Server;
using Twin.Tests.Support;

namespace Twin.OpcUa.Tests.Gds;

/// <summary>
/// What a GDS (OPC 10000-12 §7.9) answers must not be lost by it: a registration, a delivered certificate and a revocation are
/// recorded (<see cref="GdsOptions.Changed"/>) before the call answers, and one that cannot be recorded is refused. RevokeCertificate
/// takes any certificate the CA behind the GDS issued to the application, not only the latest, and refuses everything else with
/// the code §7.9.15 names (BadInvalidArgument).
/// </summary>
public sealed class GdsRecordTests
{
    private const string AppUri = "urn:planttrust:test:recorded-pea";

    private sealed class Recorder
    {
        public ConcurrentQueue<GdsDirectoryChange> Recorded { get; } = new();

        /// <summary>How the next change is recorded: null records at once.</summary>
        public Func<GdsDirectoryChange, Task>? Next { get; set; }

        public async Task RecordAsync(GdsDirectoryChange change, CancellationToken ct)
        {
            if (Next is { } next) await next(change);
            Recorded.Enqueue(change);
        }
    }

    private static UaServerHost Gds(TestGdsBackend backend, Recorder recorder, out GdsDirectory directory)
    {
        var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options with
        {
            ApplicationUri = TestPki.ServerUri, Certificate = TestPki.Shared.Server.Certificate, CertificateValidator = TestPki.Shared.Validator(),
        });
        directory = new GdsDirectory(host, backend, new GdsOptions { Changed = recorder.RecordAsync });
        return host;
    }

    private static ApplicationRecord Record() =>
        new(NodeId.Null, AppUri, ApplicationType.Server, [new LocalizedText("en", "recorded PEA")], "urn:planttrust:test:pea", ["opc.tcp://127.0.0.1:4840"], ["NA"]);

    // The application itself (ApplicationSelfAdmin): a channel opened with a certificate naming its URI.
    private static Task<ClientSession> AsApplicationAsync(string url) => ClientSession.ConnectAsync(url, new ClientOptions
    {
        ServerCertificateValidator = TestPki.Shared.Validator(), AllowedPolicies = [SecurityPolicies.Basic256Sha256], AutoReconnect = false,
        Certificate = TestPki.Shared.IssueApplication("CN=recorded PEA", AppUri).Certificate, ApplicationUri = AppUri, SecurityMode = MessageSecurityMode.SignAndEncrypt,
    });

    private static byte[] Csr(RSA key, string uri)
    {
        var request = new CertificateRequest("CN=recorded PEA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(uri));
        san.AddDnsName("localhost"); // OPC 10000-6 §6.2.2: the host's name beside the ApplicationUri
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSigningRequest();
    }

    private static async Task<uint> RefusedAsync(Func<Task> call) => (await Assert.ThrowsAsync<UaException>(call)).StatusCode.Code;

    [Fact]
    public async Task A_registration_and_a_delivery_are_answered_only_once_recorded_and_refused_when_they_cannot_be()
    {
        var recorder = new Recorder();
        var backend = new TestGdsBackend(TestPki.Shared.Ca, TestPki.Shared.Crl, holdUntilTrustListRead: false);
        await using var gds = Gds(backend, recorder, out var directory);
        await using var session = await AsApplicationAsync(gds.EndpointUrl);
        var client = GdsPullClient.For(session);

        // A recorder that fails: no id is handed out, and none is kept.
        recorder.Next = _ => Task.FromException(new IOException("journal unavailable"));
        Assert.Equal(StatusCodes.BadInternalError, await RefusedAsync(() => client.RegisterApplicationAsync(Record())));
        Assert.Empty(directory.Applications);
        Assert.Empty(await client.FindApplicationsAsync(AppUri));

        // A recorder that takes its time: the call waits for it.
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reached = new TaskCompletionSource<GdsDirectoryChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        recorder.Next = change =>
        {
            reached.TrySetResult(change);
            return held.Task;
        };
        var registering = client.RegisterApplicationAsync(Record());
        var registered = Assert.IsType<GdsApplicationRegistered>(await reached.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.False(registering.IsCompleted, "RegisterApplication answered before its registration was recorded.");
        recorder.Next = null;
        held.SetResult();
        var id = await registering;
        Assert.Equal(registered.ApplicationId, id);
        Assert.Equal(AppUri, Assert.Single(recorder.Recorded.OfType<GdsApplicationRegistered>()).Record.ApplicationUri);

        // FinishRequest hands out a certificate only once its delivery is recorded; unrecorded, the client gets none and it is not current.
        var group = Assert.Single(await client.GetCertificateGroupsAsync(id));
        using var key = RSA.Create(2048);
        recorder.Next = change => change is GdsCertificateDelivered ? Task.FromException(new IOException("journal unavailable")) : Task.CompletedTask;
        var refusedRequest = await client.StartSigningRequestAsync(id, group, Csr(key, AppUri));
        Assert.Equal(StatusCodes.BadInternalError, await RefusedAsync(() => client.FinishWhenDoneAsync(id, refusedRequest)));
        Assert.Empty(await client.GetCertificatesAsync(id, group));
        Assert.True(await client.GetCertificateStatusAsync(id, group));

        recorder.Next = null;
        var done = await client.FinishWhenDoneAsync(id, await client.StartSigningRequestAsync(id, group, Csr(key, AppUri)));
        var delivered = Assert.Single(recorder.Recorded.OfType<GdsCertificateDelivered>());
        Assert.Equal(done.Certificate, delivered.Certificate);
        Assert.Equal(done.Certificate, Assert.Single(await client.GetCertificatesAsync(id, group)));
    }

    [Fact]
    public async Task Any_certificate_issued_to_the_application_can_be_revoked_and_anything_else_is_BadInvalidArgument()
    {
        var recorder = new Recorder();
        var backend = new TestGdsBackend(TestPki.Shared.Ca, TestPki.Shared.Crl, holdUntilTrustListRead: false);
        await using var gds = Gds(backend, recorder, out _);
        await using var session = await AsApplicationAsync(gds.EndpointUrl);
        var client = GdsPullClient.For(session);
        var id = await client.RegisterApplicationAsync(Record());
        var group = Assert.Single(await client.GetCertificateGroupsAsync(id));
        using var key = RSA.Create(2048);
        var issued = new List<byte[]>();
        for (var i = 0; i < 10; i++) issued.Add((await client.FinishWhenDoneAsync(id, await client.StartSigningRequestAsync(id, group, Csr(key, AppUri)))).Certificate);

        // The 10th-last: long superseded, still the application's, still revocable; the current one stays current.
        await client.RevokeCertificateAsync(id, issued[0]);
        Assert.Equal(issued[0], Assert.Single(backend.Revoked));
        Assert.False(await client.GetCertificateStatusAsync(id, group));
        Assert.Empty(recorder.Recorded.OfType<GdsCertificateRevoked>()); // the current certificate did not change
        await client.RevokeCertificateAsync(id, issued[0]); // again: nothing more to do
        Assert.Single(backend.Revoked);

        // §7.9.15: "not a Certificate for the specified Application that was issued by the CertificateManager" → Bad_InvalidArgument.
        var sameNameOtherIssuer = TestPki.Shared.IssueApplication("CN=recorded PEA", AppUri).Certificate.RawData; // the CA, but not through this GDS
        Assert.Equal(StatusCodes.BadInvalidArgument, await RefusedAsync(() => client.RevokeCertificateAsync(id, sameNameOtherIssuer)));
        var otherApplication = TestPki.Shared.Server.Certificate.RawData;
        Assert.Equal(StatusCodes.BadInvalidArgument, await RefusedAsync(() => client.RevokeCertificateAsync(id, otherApplication)));
        Assert.Equal(StatusCodes.BadInvalidArgument, await RefusedAsync(() => client.RevokeCertificateAsync(id, [0x30, 0x03, 0x02, 0x01, 0x00])));
        Assert.Equal(StatusCodes.BadNotFound, await RefusedAsync(() => client.RevokeCertificateAsync(new NodeId(Guid.NewGuid(), id.NamespaceIndex), issued[1])));
        Assert.Single(backend.Revoked);

        // The current certificate revoked: the application needs a new one, and that is recorded before the answer.
        await client.RevokeCertificateAsync(id, issued[^1]);
        Assert.Equal(issued[^1], Assert.Single(recorder.Recorded.OfType<GdsCertificateRevoked>()).Certificate);
        Assert.True(await client.GetCertificateStatusAsync(id, group));
        Assert.Empty(await client.GetCertificatesAsync(id, group));
    }
}

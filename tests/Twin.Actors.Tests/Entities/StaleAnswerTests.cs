using System.Security.Cryptography;
using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Device;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Queries;
using Twin.Actors.Tests.Support;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Tests.Entities;

/// <summary>
/// A device that asked again (its CA answered later than RetryAfter) installs only the answer to the request it still
/// waits for: an answer to the earlier request, arriving late, certifies the same key but is dropped.
/// </summary>
public sealed class StaleAnswerTests : PersistentTestKit
{
    private static readonly RunId Run = new("stale");
    private static readonly EntityId CaId = new("ca");
    private static readonly EntityId DeviceId = new("device-001");
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");

    private readonly SimulationClock _clock = new(T0, ClockMode.Max);
    private readonly SimulationWork _work = new();
    private readonly FileKeyVault _vault;
    private readonly IActorRef _clockActor;
    private readonly CertificateAuthority _authority = CertificateAuthority.CreateRoot("CN=Stale Root", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), T0.Utc, T0.Utc.AddYears(5));

    public StaleAnswerTests() : base("stale-answer")
    {
        _vault = new FileKeyVault(Path.Combine(Folder, "keys"));
        _clockActor = Sys.ActorOf(ClockActor.Props(Run, _clock, _work, startRunning: true));
        _clockActor.Tell(new RunUntil(T0));
    }

    [Fact]
    public async Task An_answer_to_an_earlier_request_arriving_after_a_newer_request_is_not_installed()
    {
        var ca = CreateTestProbe();
        var device = StartDevice(ca.Ref);
        var first = ExpectRequest(ca); // the initial enrollment, at T0
        device.Tell(new DeviceActor.RenewalDue()); // RetryAfter passed with no answer: it asks again (same key, new request)
        var second = ExpectRequest(ca);
        Assert.NotEqual(first.CsrDer, second.CsrDer);

        var stale = Answer(first);
        var fresh = Answer(second);
        Assert.Equal(stale.PublicKey.SubjectPublicKeyInfo, fresh.PublicKey.SubjectPublicKeyInfo); // both certify the key it holds
        device.Tell(new CertificateGranted(stale.GetDer(), _authority.Certificate.GetDer()) { Request = Digest(first) });
        device.Tell(new CertificateGranted(fresh.GetDer(), _authority.Certificate.GetDer()) { Request = Digest(second) });

        await AwaitAssertAsync(async () =>
        {
            var status = await device.Ask<DeviceStatus>(new GetDeviceStatus(), RemainingOrDefault);
            Assert.False(status.EnrollmentPending);
            Assert.Equal(1, status.CertificatesInstalled);
            Assert.Equal(fresh.SerialNumber.Hex, Certificate.FromDer(status.Certificate!).SerialNumber.Hex);
        }, TimeSpan.FromSeconds(30));

        // The late answer again, now that nothing is pending: still not installed.
        device.Tell(new CertificateGranted(stale.GetDer(), _authority.Certificate.GetDer()) { Request = Digest(first) });
        var after = await device.Ask<DeviceStatus>(new GetDeviceStatus(), RemainingOrDefault);
        Assert.Equal(1, after.CertificatesInstalled);
        Assert.Equal(fresh.SerialNumber.Hex, Certificate.FromDer(after.Certificate!).SerialNumber.Hex);
    }

    [Fact]
    public async Task The_answer_to_the_pending_request_is_installed_and_survives_a_restart()
    {
        var ca = CreateTestProbe();
        var device = StartDevice(ca.Ref);
        var request = ExpectRequest(ca);
        var issued = Answer(request);
        device.Tell(new CertificateGranted(issued.GetDer(), _authority.Certificate.GetDer()) { Request = Digest(request) });
        await AwaitAssertAsync(async () =>
            Assert.Equal(1, (await device.Ask<DeviceStatus>(new GetDeviceStatus(), RemainingOrDefault)).CertificatesInstalled), TimeSpan.FromSeconds(30));

        Kill(device);
        var revived = StartDevice(ca.Ref);
        var status = await revived.Ask<DeviceStatus>(new GetDeviceStatus(), RemainingOrDefault);
        Assert.Equal(1, status.CertificatesInstalled);
        Assert.Equal(issued.GetDer(), status.Certificate);
    }

    private IActorRef StartDevice(IActorRef ca)
    {
        _work.BeginStart(DeviceId.Value);
        var settings = new DeviceSettings(CaId, "CN=device-001,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(30));
        return Sys.ActorOf(DeviceActor.Props(Run, DeviceId, settings, _clock, _clockActor, ca, _vault, _work, Entropy.System(Run)));
    }

    private static IssueFromCsr ExpectRequest(Akka.TestKit.TestProbe ca)
    {
        var tracked = ca.ExpectMsg<Tracked>(TimeSpan.FromSeconds(30));
        return Assert.IsType<IssueFromCsr>(tracked.Message);
    }

    private Certificate Answer(IssueFromCsr request) =>
        _authority.Issue(CertificationRequest.FromDer(request.CsrDer), CertificateProfile.LDevId, T0.Utc, T0.Utc.AddDays(30));

    private static string Digest(IssueFromCsr request) => Convert.ToHexStringLower(SHA256.HashData(request.CsrDer));
}

using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Device;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Events;

namespace Twin.Actors.Tests.Entities;

/// <summary>The pure half of resuming an enrollment: the device remembers what it sent, the CA what it answered.</summary>
public sealed class RepeatedRequestTests
{
    private static readonly RunId Run = new("r");
    private static readonly SimInstant T0 = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private static readonly byte[] Csr = [0x30, 0x03, 0x02, 0x01, 0x07];
    private static readonly byte[] Cert = IssuedDer();

    private static byte[] IssuedDer()
    {
        var ca = Twin.Pki.Authority.CertificateAuthority.CreateRoot("CN=Root", Twin.Pki.Keys.KeyGenerator.Generate(Twin.Pki.Keys.KeyAlgorithm.EcdsaP256), T0.Utc, T0.Utc.AddYears(5));
        return ca.Issue(new Twin.Pki.Authority.IssuanceRequest("CN=d", Twin.Pki.Keys.KeyGenerator.Generate(Twin.Pki.Keys.KeyAlgorithm.EcdsaP256).PublicKey, Twin.Pki.Authority.CertificateProfile.LDevId, T0.Utc, T0.Utc.AddDays(90))).GetDer();
    }

    [Fact]
    public void A_device_keeps_its_unanswered_request_until_a_certificate_is_installed()
    {
        var requested = DeviceState.Empty.Apply(new DeviceEnrollmentRequested(Run, T0, new EntityId("d"), new EntityId("ca"), "initial enrollment", Csr));
        Assert.Equal(Csr, requested.Pending!.CsrDer);
        Assert.Equal(T0, requested.Pending.SentAt);
        Assert.True(requested.EnrollmentPending);

        Assert.Null(requested.Apply(new DeviceCertificateInstalled(Run, T0, new EntityId("d"), Cert, Cert)).Pending);
    }

    [Fact]
    public void The_same_request_sent_again_from_the_same_instant_gets_the_certificate_already_issued()
    {
        var state = CaState.Empty.Apply(new CertificateIssued(Run, T0, new EntityId("ca"), new EntityId("d"), "LDevId", Cert) { Request = "abc" });

        Assert.Equal(Cert, state.RepeatOf("d", "abc", T0)?.CertificateDer);
    }

    [Theory]
    [InlineData("d", "abc", null)]        // not marked as sent again: a new request (RSA signs the same bytes twice)
    [InlineData("d", "abc", 3600)]        // first sent at another instant: a later renewal, not a repeat
    [InlineData("d", "other", 0)]         // another request
    [InlineData("e", "abc", 0)]           // another requester
    public void Anything_else_is_a_new_request(string requester, string request, int? sentSecondsAfter)
    {
        var state = CaState.Empty.Apply(new CertificateIssued(Run, T0, new EntityId("ca"), new EntityId("d"), "LDevId", Cert) { Request = "abc" });

        Assert.Null(state.RepeatOf(requester, request, sentSecondsAfter is { } s ? T0.Add(TimeSpan.FromSeconds(s)) : null));
    }
}

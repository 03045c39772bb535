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
    // A gateway whose two domains share this CA asks for a certificate in each at one instant: either may come again.
    [Fact]
    public void Both_requests_of_one_requester_at_one_instant_get_their_own_certificate_again()
    {
        var second = IssuedDer();
        var state = CaState.Empty
            .Apply(new CertificateIssued(Run, T0, new EntityId("ca"), new EntityId("gw"), "LDevId", Cert) { Request = "first" })
            .Apply(new CertificateIssued(Run, T0, new EntityId("ca"), new EntityId("gw"), "LDevId", second) { Request = "second" });

        Assert.Equal(Cert, state.RepeatOf("gw", "first", T0)?.CertificateDer);
        Assert.Equal(second, state.RepeatOf("gw", "second", T0)?.CertificateDer);
    }

    [Fact]
    public void Answers_of_an_earlier_instant_are_forgotten_once_the_requester_is_answered_later()
    {
        var later = T0.Add(TimeSpan.FromHours(36));
        var state = CaState.Empty
            .Apply(new CertificateIssued(Run, T0, new EntityId("ca"), new EntityId("gw"), "LDevId", Cert) { Request = "first" })
            .Apply(new CertificateIssued(Run, T0, new EntityId("ca"), new EntityId("gw"), "LDevId", Cert) { Request = "second" })
            .Apply(new CertificateIssued(Run, later, new EntityId("ca"), new EntityId("gw"), "LDevId", Cert) { Request = "third" });

        Assert.Null(state.RepeatOf("gw", "first", T0));
        Assert.Null(state.RepeatOf("gw", "second", T0));
        Assert.Equal(Cert, state.RepeatOf("gw", "third", later)?.CertificateDer);
        Assert.False(state.SameInstantAnswers.ContainsKey("gw"));
    }

    [Fact]
    public void A_snapshot_keeps_both_answers_and_one_written_before_them_still_reads()
    {
        var serializer = new Twin.Actors.Serialization.TwinSerializer(null!);
        var state = CaState.Empty
            .Apply(new CertificateIssued(Run, T0, new EntityId("ca"), new EntityId("gw"), "LDevId", Cert) { Request = "first" })
            .Apply(new CertificateIssued(Run, T0, new EntityId("ca"), new EntityId("gw"), "LDevId", Cert) { Request = "second" });

        var back = (CaState)serializer.FromBinary(serializer.ToBinary(state), "ca.state.v2");
        Assert.Equal(Cert, back.RepeatOf("gw", "first", T0)?.CertificateDer);
        Assert.Equal(Cert, back.RepeatOf("gw", "second", T0)?.CertificateDer);

        // ca.state.v2 as written before same-instant answers were kept: one answer per requester, still a repeat.
        var old = System.Text.Json.Nodes.JsonNode.Parse(serializer.ToBinary(state))!.AsObject();
        old.Remove("sameInstantAnswers");
        var read = (CaState)serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(old.ToJsonString()), "ca.state.v2");
        Assert.Equal(Cert, read.RepeatOf("gw", "second", T0)?.CertificateDer);
        Assert.Null(read.RepeatOf("gw", "first", T0));
    }
}

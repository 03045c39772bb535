using Twin.Actors.Clock;
using Twin.Actors.Entities.Device;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Tests.Entities;

public sealed class DeviceStateTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly CertificateAuthority Ca = CertificateAuthority.CreateRoot("CN=Root", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), T0, T0.AddYears(5));

    private static Certificate Issued(TimeSpan lifetime) =>
        Ca.Issue(new IssuanceRequest("CN=d", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256).PublicKey, CertificateProfile.LDevId, T0, T0 + lifetime));

    [Fact]
    public void Renewal_is_due_at_three_quarters_of_a_ninety_day_lifetime()
    {
        var due = DeviceState.RenewalDue(Issued(TimeSpan.FromDays(90)), 0.75, TimeSpan.FromDays(1));
        Assert.Equal(T0.AddDays(67.5), due.Utc);
    }

    [Fact]
    public void Renewal_is_due_at_least_one_day_before_expiry_when_three_quarters_is_later()
    {
        var due = DeviceState.RenewalDue(Issued(TimeSpan.FromDays(2)), 0.75, TimeSpan.FromDays(1));
        Assert.Equal(T0.AddDays(1), due.Utc);
    }

    [Fact]
    public void Short_lived_certificates_renew_at_the_fraction_when_a_day_ahead_is_impossible()
    {
        var due = DeviceState.RenewalDue(Issued(TimeSpan.FromHours(12)), 0.75, TimeSpan.FromDays(1));
        Assert.Equal(T0.AddHours(9), due.Utc);
    }

    [Fact] // a restarted member asks again at the retry its refused request set, not at once (the uninterrupted one waits RetryAfter)
    public void A_refused_CMP_request_leaves_its_send_instant_until_the_next_request_or_install()
    {
        var (run, device) = (new RunId("r"), new EntityId("d"));
        var sent = new SimInstant(T0);
        var refused = DeviceState.Empty
            .Apply(new DeviceCmpRequested(run, sent, device, "plant", "ir", [0x30, 0x00]))
            .Apply(new DeviceCmpRefused(run, sent.Add(TimeSpan.FromMinutes(1)), device, "plant", "badCertTemplate"));
        Assert.Null(refused.CmpPending);
        Assert.Equal(sent, refused.RefusedRequestSentAt);
        Assert.Null(refused.Apply(new DeviceCmpRequested(run, sent.Add(TimeSpan.FromHours(1)), device, "plant", "ir", [0x30, 0x00])).RefusedRequestSentAt);
        Assert.Null(refused.Apply(new DeviceCertificateInstalled(run, sent.Add(TimeSpan.FromHours(1)), device, Issued(TimeSpan.FromDays(2)).GetDer(), Ca.Certificate.GetDer())).RefusedRequestSentAt);
    }
}

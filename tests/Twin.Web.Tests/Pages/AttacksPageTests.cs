using Bunit;
using Twin.Web.Components.Pages;
using Twin.Web.Live;
using Twin.Web.Tests.Support;

namespace Twin.Web.Tests.Pages;

public sealed class AttacksPageTests : DashboardTestContext
{
    [Fact]
    public void Compromising_a_PEA_key_asks_its_CA_to_revoke_the_current_certificate_for_key_compromise()
    {
        var plant = new PlantEvents();
        var serial = plant.Issue("pea-001", PlantEvents.T0, TimeSpan.FromDays(1));
        UsePlant(plant, canControl: true);
        var page = Render<AttacksPage>();

        page.Find("[data-testid=attack-target]").Change("pea-001");
        page.Find("[data-testid=inject] ").Click();

        page.WaitForAssertion(() => Assert.Contains("revoked", page.Find("[data-testid=attack-message]").TextContent, StringComparison.Ordinal));
        var call = Assert.Single(Control.Calls);
        Assert.Equal($"ca-root: RevokeCertificate {{ Serial = {serial}, Reason = KeyCompromise, Requester = dashboard }}", call);
    }

    [Fact]
    public void Taking_a_CA_offline_is_offered_for_reachable_CAs_and_sent_to_the_CA()
    {
        var plant = new PlantEvents();
        UsePlant(plant, canControl: true);
        var page = Render<AttacksPage>();

        page.Find("[data-testid=attack-kind]").Change(nameof(AttackKind.CaOffline));
        Assert.Equal(["", "ca-root"], page.FindAll("[data-testid=attack-target] option").Select(o => o.GetAttribute("value")));
        page.Find("[data-testid=attack-target]").Change("ca-root");
        page.Find("[data-testid=inject]").Click();

        page.WaitForAssertion(() => Assert.Contains("cut off", page.Find("[data-testid=attack-message]").TextContent, StringComparison.Ordinal));
        Assert.Equal("ca-root: SetCaReachable { Reachable = False, Requester = dashboard }", Assert.Single(Control.Calls));
    }

    [Fact]
    public void Refusals_journaled_after_the_attack_appear_in_the_feed_as_they_arrive()
    {
        var plant = new PlantEvents();
        plant.Issue("pea-001", PlantEvents.T0, TimeSpan.FromDays(1));
        plant.Attempt("pea-001", PlantEvents.At(1), 0, "Good");
        UsePlant(plant, canControl: true);
        var page = Render<AttacksPage>();
        page.Find("[data-testid=attack-target]").Change("pea-001");
        page.Find("[data-testid=inject]").Click();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=attack-message]")));
        Assert.Empty(page.FindAll("[data-testid=feed-event][data-kind='pol.attempt']"));

        plant.Attempt("pea-001", PlantEvents.At(2), 0x801D0000, "BadCertificateRevoked");
        Model.Set(plant.Snapshot());

        page.WaitForAssertion(() => Assert.Contains("BadCertificateRevoked", page.Find("[data-testid=feed-event][data-kind='pol.attempt']").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Equal("1", page.Find("[data-testid=links-refused] b").TextContent);
    }

    [Fact]
    public void A_downgrade_is_played_against_the_chosen_PEA_and_through_a_man_in_the_middle_before_the_POL()
    {
        var plant = new PlantEvents();
        plant.Issue("pea-001", PlantEvents.T0, TimeSpan.FromDays(1));
        plant.Attempt("pea-001", PlantEvents.At(1), 0, "Good");
        UsePlant(plant, canControl: true);
        var page = Render<AttacksPage>();

        page.Find("[data-testid=attack-kind]").Change(nameof(AttackKind.DowngradeNone));
        Assert.Equal(["", "pea-001"], page.FindAll("[data-testid=attack-target] option").Select(o => o.GetAttribute("value")));
        page.Find("[data-testid=attack-target]").Change("pea-001");
        page.Find("[data-testid=inject]").Click();

        page.WaitForAssertion(() => Assert.Contains("2 of 2 steps refused", page.Find("[data-testid=attack-message]").TextContent, StringComparison.Ordinal));
        Assert.Equal(["pea-001: LaunchAttack { Attack = DowngradeNone, Requester = dashboard, FirstSentAt =  }", "pol: InterceptDiscovery { Pea = pea-001, Requester = dashboard, FirstSentAt =  }"], Control.Calls);
    }
}

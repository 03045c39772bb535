using Bunit;
using Twin.Pki.Revocation;
using Twin.Web.Components.Pages;
using Twin.Web.Tests.Support;

namespace Twin.Web.Tests.Pages;

public sealed class TimelinePageTests : DashboardTestContext
{
    private static PlantEvents Plant()
    {
        var plant = new PlantEvents();
        plant.Issue("pea-001", PlantEvents.At(0), TimeSpan.FromDays(1));
        var serial = plant.Issue("pea-002", PlantEvents.At(0), TimeSpan.FromDays(1));
        plant.Attempt("pea-002", PlantEvents.At(1), 0, "Good");
        plant.Revoke(serial, PlantEvents.At(2), RevocationReason.KeyCompromise);
        plant.Attempt("pea-002", PlantEvents.At(3), 0x801D0000, "BadCertificateRevoked");
        return plant;
    }

    [Fact]
    public void Filters_by_entity_kind_and_severity_narrow_the_journaled_events()
    {
        var plant = Plant();
        UsePlant(plant, canControl: true);
        var page = Render<TimelinePage>();
        var total = plant.Events.Count;
        page.WaitForAssertion(() => Assert.Equal($"{total} of {total} events", page.Find("[data-testid=event-count]").TextContent));

        page.Find("[data-testid=filter-entity]").Change("pol");
        Assert.Equal($"2 of {total} events", page.Find("[data-testid=event-count]").TextContent);

        page.Find("[data-testid=filter-severity]").Change("Error");
        Assert.Equal($"1 of {total} events", page.Find("[data-testid=event-count]").TextContent);

        page.Find("[data-testid=filter-entity]").Change("");
        page.Find("[data-testid=filter-severity]").Change("");
        page.Find("[data-testid=filter-kind]").Change("ca.revoked");
        Assert.Equal($"1 of {total} events", page.Find("[data-testid=event-count]").TextContent);
    }

    [Fact]
    public void Events_journaled_later_are_appended_live()
    {
        var plant = Plant();
        UsePlant(plant, canControl: true);
        var page = Render<TimelinePage>();
        var before = plant.Events.Count;

        plant.Attempt("pea-001", PlantEvents.At(4), 0, "Good");
        Model.Set(plant.Snapshot());

        page.WaitForAssertion(() => Assert.Equal($"{before + 1} of {before + 1} events", page.Find("[data-testid=event-count]").TextContent), TimeSpan.FromSeconds(10));
    }
}

using Microsoft.Extensions.DependencyInjection;
using Bunit;
using MudBlazor.Services;
using Twin.Web.Components.Plant;
using Twin.Web.Tests.Support;

namespace Twin.Web.Tests.Plant;

public sealed class EntityTablePagingTests : BunitContext
{
    [Fact]
    public void A_plant_of_a_thousand_renders_one_page_of_rows_and_pages_on()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        var plant = new PlantEvents();
        for (var i = 0; i < 1000; i++) plant.Issue($"device-{i:0000}", PlantEvents.T0, TimeSpan.FromDays(1));

        var table = Render<EntityTable>(p => p.Add(x => x.Snapshot, plant.Snapshot()).Add(x => x.Now, PlantEvents.At(1)));

        var rows = table.FindAll("[data-testid=entity-row]");
        Assert.Equal(100, rows.Count);
        Assert.Equal("ca-root", rows[0].GetAttribute("data-entity"));
        Assert.Contains("1001 entities", table.Find("[data-testid=entity-pages]").TextContent, StringComparison.Ordinal);

        table.Find("[data-testid=entity-pages] button[aria-label='Next page'], [data-testid=entity-pages] .mud-pagination-item:last-child button").Click();

        Assert.Equal("device-0099", table.FindAll("[data-testid=entity-row]")[0].GetAttribute("data-entity"));
    }
}

using Bunit;
using Twin.Actors.Clock;
using Twin.Actors.Projections;
using Twin.Web.Components.Inspector;
using Twin.Web.Tests.Support;

namespace Twin.Web.Tests.Inspector;

/// <summary>The inspector's MTP services table: every service with its 2658-4 state, since when and by which command.</summary>
public sealed class ServiceStatesViewTests : DashboardTestContext
{
    [Fact]
    public void Each_service_shows_its_state_since_when_and_what_brought_it_there()
    {
        var at = SimInstant.Parse("2030-01-01T01:11:00Z");
        var services = new Dictionary<string, ServiceStateView>
        {
            ["Dose"] = new("Completed", at, null),
            ["Mix"] = new("Execute", at, "Start"),
        };

        var view = Render<ServiceStatesView>(p => p.Add(x => x.Services, services));

        var rows = view.FindAll("[data-testid=service-row]");
        Assert.Equal(["Dose:Completed", "Mix:Execute"], rows.Select(r => $"{r.GetAttribute("data-service")}:{r.GetAttribute("data-state")}"));
        Assert.Contains("its step ended", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("Start", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("2030-01-01T01:11:00Z", rows[1].TextContent, StringComparison.Ordinal);
    }
}

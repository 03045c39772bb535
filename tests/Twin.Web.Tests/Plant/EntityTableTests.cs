using System.Collections.Immutable;
using Bunit;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Web.Components.Plant;

namespace Twin.Web.Tests.Plant;

public sealed class EntityTableTests : BunitContext
{
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");

    private static CertificateView Cert(string serial, int fromDay, int toDay, int? supersededDay = null) =>
        new(serial, "CN=device-001", "CN=Root", T0.Utc.AddDays(fromDay), T0.Utc.AddDays(toDay), "EcdsaP256", T0.Add(TimeSpan.FromDays(fromDay)),
            supersededDay is int s ? T0.Add(TimeSpan.FromDays(s)) : null, []);

    private static PlantSnapshot Snapshot(params EntityView[] entities) =>
        PlantSnapshot.Empty with { Entities = entities.ToImmutableSortedDictionary(e => e.Id.Value, e => e, StringComparer.Ordinal) };

    [Fact]
    public void Shows_each_entity_with_its_current_serial_and_status_at_simulated_now()
    {
        var device = new EntityView(new EntityId("device-001"), "device", "EcdsaP256", [Cert("aa01", 0, 30, supersededDay: 20), Cert("bb02", 20, 50)], T0);

        var table = Render<EntityTable>(p => p.Add(x => x.Snapshot, Snapshot(device)).Add(x => x.Now, T0.Add(TimeSpan.FromDays(25))));

        var row = table.Find("[data-entity=device-001]");
        Assert.Equal("bb02", row.QuerySelector("[data-testid=serial]")!.TextContent);
        Assert.Contains("Valid", row.TextContent, StringComparison.Ordinal);
        Assert.Equal("2", row.QuerySelector("[data-testid=cert-count]")!.TextContent);
    }

    [Fact]
    public void An_expired_certificate_is_shown_as_expired_when_simulated_time_passes_its_not_after()
    {
        var device = new EntityView(new EntityId("device-001"), "device", "EcdsaP256", [Cert("aa01", 0, 30)], T0);

        var table = Render<EntityTable>(p => p.Add(x => x.Snapshot, Snapshot(device)).Add(x => x.Now, T0.Add(TimeSpan.FromDays(31))));

        Assert.Equal("Expired", table.Find("[data-entity=device-001] .status").TextContent);
        Assert.Contains("status-expired", table.Find("[data-entity=device-001] .status").ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public void A_CA_cut_off_with_a_lapsed_CRL_says_so()
    {
        var crl = new CrlView(7, T0.Utc, T0.Utc.AddDays(2), 0, []);
        var ca = new EntityView(new EntityId("ca-issuing"), "ca", "EcdsaP256", [Cert("cc03", 0, 365)], T0) { Reachable = false, Crl = crl };

        var table = Render<EntityTable>(p => p.Add(x => x.Snapshot, Snapshot(ca)).Add(x => x.Now, T0.Add(TimeSpan.FromDays(3))));

        var state = table.Find("[data-entity=ca-issuing] [data-testid=ca-state]").TextContent;
        Assert.Contains("unreachable", state, StringComparison.Ordinal);
        Assert.Contains("CRL lapsed", state, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_plant_says_the_twin_is_starting()
    {
        var table = Render<EntityTable>(p => p.Add(x => x.Snapshot, PlantSnapshot.Empty).Add(x => x.Now, T0));
        Assert.Contains("starting", table.Find("[data-testid=no-entities]").TextContent, StringComparison.Ordinal);
    }
}

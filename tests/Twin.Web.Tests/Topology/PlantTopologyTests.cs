using Microsoft.Extensions.DependencyInjection;
using Bunit;
using MudBlazor.Services;
using Twin.Pki.Revocation;
using Twin.Web.Components.Plant;
using Twin.Web.Tests.Support;
using Twin.Web.Topology;

namespace Twin.Web.Tests.Topology;

public sealed class PlantTopologyTests : BunitContext
{
    public PlantTopologyTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    private static PlantEvents MixedPlant()
    {
        var plant = new PlantEvents();
        var t = PlantEvents.At(1);
        plant.Issue("pea-001", t, TimeSpan.FromDays(30));
        var stolen = plant.Issue("pea-002", t, TimeSpan.FromDays(30));
        plant.Issue("pea-003", t, TimeSpan.FromDays(30));
        plant.Issue("pea-004", t, TimeSpan.FromDays(30));
        plant.Issue("device-expiring", PlantEvents.T0, TimeSpan.FromHours(10));
        plant.Issue("device-expired", PlantEvents.T0, TimeSpan.FromHours(2));
        var superseded = plant.Issue("device-withdrawn", t, TimeSpan.FromDays(30));
        plant.Issue("device-valid", t, TimeSpan.FromDays(30));
        plant.Revoke(stolen, PlantEvents.At(5), RevocationReason.KeyCompromise);
        plant.Revoke(superseded, PlantEvents.At(5), RevocationReason.PrivilegeWithdrawn);
        plant.Attempt("pea-001", PlantEvents.At(9), 0, "Good");
        plant.Attempt("pea-002", PlantEvents.At(9), 0x801D0000, "BadCertificateRevoked");
        plant.Attempt("pea-003", PlantEvents.At(9), 0x80AE0000, "BadNotConnected");
        plant.Attempt("pea-004", PlantEvents.At(9), 0x801A0000, "BadCertificateUntrusted");
        return plant;
    }

    [Fact]
    public void A_manufacturer_is_a_root_of_its_own_with_its_products_under_it_until_they_onboard()
    {
        var run = new Twin.Actors.Model.RunId("test");
        var maker = Twin.Pki.Authority.CertificateAuthority.CreateRoot("CN=Pump Maker CA", Twin.Pki.Keys.KeyGenerator.Generate(Twin.Pki.Keys.KeyAlgorithm.EcdsaP256), PlantEvents.T0.Utc, PlantEvents.T0.Utc.AddYears(20));
        var idevid = maker.Issue(new Twin.Pki.Authority.IssuanceRequest("CN=sensor-009,SERIALNUMBER=SN-9", Twin.Pki.Keys.KeyGenerator.Generate(Twin.Pki.Keys.KeyAlgorithm.EcdsaP256).PublicKey,
            Twin.Pki.Authority.CertificateProfile.IDevId, PlantEvents.T0.Utc, PlantEvents.T0.Utc.AddYears(20)));
        var caDer = maker.Certificate.GetDer();
        var plant = MixedPlant();
        var snapshot = plant.Snapshot();
        var version = snapshot.Version;
        snapshot = Twin.Actors.Projections.PlantReadModel.Fold(snapshot, new Twin.Actors.Protocol.Events.ManufacturerEstablished(run, PlantEvents.T0, new("pump-maker"), "k1", caDer, "k2", caDer, "k3", caDer), ++version);
        snapshot = Twin.Actors.Projections.PlantReadModel.Fold(snapshot, new Twin.Actors.Protocol.Events.DeviceCertificateInstalled(run, PlantEvents.At(1), new("sensor-009"), idevid.GetDer(), caDer), ++version);

        var topology = PlantTopology.Build(snapshot, PlantEvents.At(9.5));

        Assert.Contains(topology.TrustCentres, t => t.Root.Id == "pump-maker");
        var products = Assert.Single(topology.Domains, d => d.Ca.Id == "pump-maker");
        Assert.Equal(["sensor-009"], products.Devices.Select(n => n.Id));
        Assert.DoesNotContain(topology.Unassigned, n => n.Id is "pump-maker" or "sensor-009");
    }

    [Fact]
    public void Every_entity_is_coloured_by_its_state_at_simulated_now()
    {
        var topology = PlantTopology.Build(MixedPlant().Snapshot(), PlantEvents.At(9.5));
        var state = topology.Nodes.ToDictionary(n => n.Id, n => n.State);

        Assert.Equal(NodeState.Secure, state["pea-001"]);
        Assert.Equal(NodeState.Compromised, state["pea-002"]);
        Assert.Equal(NodeState.Offline, state["pea-003"]);
        Assert.Equal(NodeState.Refused, state["pea-004"]);
        Assert.Equal(NodeState.ExpiringSoon, state["device-expiring"]);
        Assert.Equal(NodeState.Expired, state["device-expired"]);
        Assert.Equal(NodeState.Revoked, state["device-withdrawn"]);
        Assert.Equal(NodeState.Valid, state["device-valid"]);
        Assert.Contains("BadCertificateUntrusted", topology.Nodes.Single(n => n.Id == "pea-004").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void PEAs_and_devices_sit_in_the_domain_of_their_issuing_CA_and_the_POL_links_every_PEA_server()
    {
        var topology = PlantTopology.Build(MixedPlant().Snapshot(), PlantEvents.At(9.5));

        var centre = Assert.Single(topology.TrustCentres);
        Assert.Equal("ca-root", centre.Root.Id);
        Assert.Equal(NodeRole.TrustCentre, centre.Root.Role);
        var domain = Assert.Single(topology.Domains);
        Assert.Equal(["pea-001", "pea-002", "pea-003", "pea-004"], domain.Peas.Select(p => p.Id).Order());
        Assert.All(domain.Devices, d => Assert.Equal(NodeRole.Device, d.Role));
        Assert.Equal(4, domain.Devices.Count);
        Assert.Equal("pol", Assert.Single(topology.Pols).Id);
        Assert.Equal(4, topology.Links.Count);
    }

    [Fact]
    public void A_CA_cut_off_from_the_plant_is_offline()
    {
        var plant = new PlantEvents();
        plant.Reachable(false, PlantEvents.At(1));
        var topology = PlantTopology.Build(plant.Snapshot(), PlantEvents.At(2));
        Assert.Equal(NodeState.Offline, topology.TrustCentres[0].Root.State);
    }

    [Fact]
    public void The_view_draws_each_tile_with_its_state_and_a_link_to_the_inspector()
    {
        var topology = PlantTopology.Build(MixedPlant().Snapshot(), PlantEvents.At(9.5));

        var view = Render<TopologyView>(p => p.Add(x => x.Topology, topology));

        var tile = view.Find("[data-testid=domain] [data-entity=pea-004]");
        Assert.Equal("refused", tile.GetAttribute("data-state"));
        Assert.Equal("entities/pea-004", tile.GetAttribute("href"));
        Assert.Contains("BadCertificateUntrusted", tile.TextContent, StringComparison.Ordinal);
        // The PEA is compromised; the POL's link to it is refused with the status code its server answered.
        Assert.Equal("compromised", view.Find("[data-testid=domain] [data-entity=pea-002]").GetAttribute("data-state"));
        var link = view.Find("[data-testid=pol] [data-entity=pea-002]");
        Assert.Equal("refused", link.GetAttribute("data-state"));
        Assert.Contains("BadCertificateRevoked", link.TextContent, StringComparison.Ordinal);
        Assert.Equal("1", view.Find("[data-testid=legend-compromised] b").TextContent);
    }

    [Fact]
    public void A_domain_of_a_thousand_collapses_to_counts_by_state_and_opens_one_state_a_page_at_a_time()
    {
        var plant = new PlantEvents();
        for (var i = 0; i < 1000; i++) plant.Issue($"device-{i:0000}", PlantEvents.T0, i < 30 ? TimeSpan.FromHours(10) : TimeSpan.FromDays(30));
        var topology = PlantTopology.Build(plant.Snapshot(), PlantEvents.At(9.5));

        var view = Render<TopologyView>(p => p.Add(x => x.Topology, topology));

        Assert.Empty(view.FindAll("[data-testid=domain] [data-testid=node][data-role=device]"));
        var counts = view.FindAll("[data-testid=domain] [data-testid=state-count]").ToDictionary(b => b.GetAttribute("data-state")!, b => b.QuerySelector("b")!.TextContent);
        Assert.Equal("970", counts["valid"]);
        Assert.Equal("30", counts["expiringsoon"]);

        view.Find("[data-testid=domain] [data-testid=state-count][data-state=valid]").Click();

        var tiles = view.FindAll("[data-testid=domain] [data-testid=node][data-role=device]");
        Assert.Equal(100, tiles.Count);
        Assert.All(tiles, t => Assert.Equal("valid", t.GetAttribute("data-state")));
    }
}

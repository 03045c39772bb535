using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Twin.Web.Components.Plant;
using Twin.Web.Topology;

namespace Twin.Web.Tests.Topology;

/// <summary>Long lists of trust centres, CAs and domains stay readable from 10 to 1,000 entities: they collapse to counts by state.</summary>
public sealed class TopologyListTests : BunitContext
{
    public TopologyListTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    private static TopologyNode Node(string id, NodeRole role, NodeState state = NodeState.Valid) => new(id, role, state, "test");

    // One trust centre certifying `domains` issuing CAs, each the domain of `devices` devices; `expired` names the domains
    // holding one expired device.
    private static PlantTopology Plant(int domains, int devices, params int[] expired)
    {
        var cas = Enumerable.Range(0, domains).Select(d => (Node($"ca-{d:00}", NodeRole.Ca), "ca-root")).ToList();
        var groups = Enumerable.Range(0, domains).Select(d => new DomainGroup(
            Node($"ca-{d:00}", NodeRole.Ca),
            [],
            Enumerable.Range(0, devices).Select(i => Node($"device-{d:00}-{i:00}", NodeRole.Device, i == 0 && expired.Contains(d) ? NodeState.Expired : NodeState.Valid)).ToList())).ToList();
        return new PlantTopology([new TrustCentreGroup(Node("ca-root", NodeRole.TrustCentre), cas)], groups, [], [], []);
    }

    private static Dictionary<string, string> Counts(IRenderedComponent<TopologyView> view, string list) =>
        view.FindAll($"[data-testid=list-collapsed][data-list={list}] [data-testid=list-state-count]")
            .ToDictionary(b => b.GetAttribute("data-state")!, b => b.QuerySelector("b")!.TextContent);

    private static string[] DomainsShown(IRenderedComponent<TopologyView> view) =>
        view.FindAll("[data-testid=domain]").Select(d => d.GetAttribute("data-ca")!).ToArray();

    [Fact]
    public void A_plant_of_ten_shows_its_trust_centre_CAs_and_domains_open()
    {
        var view = Render<TopologyView>(p => p.Add(x => x.Topology, Plant(domains: 3, devices: 2)));

        Assert.Empty(view.FindAll("[data-testid=list-collapsed]"));
        Assert.Equal(["ca-00", "ca-01", "ca-02"], DomainsShown(view));
        Assert.Equal(4, view.FindAll("[data-testid=trust-centre] [data-testid=node]").Count);
        Assert.Equal(6, view.FindAll("[data-testid=domain] [data-role=device]").Count);
    }

    [Fact]
    public void Forty_domains_collapse_to_counts_and_a_state_opens_only_the_domains_holding_it()
    {
        var view = Render<TopologyView>(p => p.Add(x => x.Topology, Plant(domains: 40, devices: 24, expired: [3, 17, 29])));

        Assert.Empty(DomainsShown(view));
        Assert.Contains("40 domains, 1000 entities", view.Find("[data-testid=list-collapsed][data-list=domains] [data-testid=list-summary]").TextContent, StringComparison.Ordinal);
        var counts = Counts(view, "domains");
        Assert.Equal("997", counts["valid"]);
        Assert.Equal("3", counts["expired"]);

        view.Find("[data-testid=list-collapsed][data-list=domains] [data-testid=list-state-count][data-state=expired]").Click();

        Assert.Equal(["ca-03", "ca-17", "ca-29"], DomainsShown(view));
        Assert.Contains("3 of 40 domains with expired", view.Find("[data-testid=list-open][data-list=domains]").TextContent, StringComparison.Ordinal);

        view.Find("[data-testid=list-open][data-list=domains] [data-testid=list-collapse]").Click();
        Assert.Empty(DomainsShown(view));
        Assert.NotNull(view.Find("[data-testid=list-collapsed][data-list=domains]"));
    }

    [Fact]
    public void Show_all_opens_the_domains_twelve_to_a_page()
    {
        var view = Render<TopologyView>(p => p.Add(x => x.Topology, Plant(domains: 40, devices: 2)));

        view.Find("[data-testid=list-collapsed][data-list=domains] [data-testid=list-expand]").Click();

        Assert.Equal(Enumerable.Range(0, 12).Select(d => $"ca-{d:00}"), DomainsShown(view));
        var head = view.Find("[data-testid=list-open][data-list=domains]");
        Assert.Equal("4", head.GetAttribute("data-pages"));
        view.Find("[data-testid=list-open][data-list=domains] [aria-label='Page 4']").Click();
        Assert.Equal(["ca-36", "ca-37", "ca-38", "ca-39"], DomainsShown(view));
    }

    [Fact]
    public void An_opened_list_stays_open_through_live_updates_and_its_filter_follows_the_plant()
    {
        var view = Render<TopologyView>(p => p.Add(x => x.Topology, Plant(domains: 20, devices: 3, expired: [5])));
        view.Find("[data-testid=list-collapsed][data-list=domains] [data-testid=list-state-count][data-state=expired]").Click();
        Assert.Equal(["ca-05"], DomainsShown(view));

        // The next snapshot: another domain has an expired device.
        view.Render(p => p.Add(x => x.Topology, Plant(domains: 20, devices: 3, expired: [5, 11])));

        Assert.Equal(["ca-05", "ca-11"], DomainsShown(view));
        Assert.Contains("2 of 20 domains with expired", view.Find("[data-testid=list-open][data-list=domains]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trust_centre_with_forty_CAs_below_it_shows_them_as_counts_until_a_state_is_opened()
    {
        var view = Render<TopologyView>(p => p.Add(x => x.Topology, Plant(domains: 40, devices: 1)));

        var centre = view.Find("[data-testid=trust-centre][data-root=ca-root]");
        Assert.Contains("40 CAs below it", centre.TextContent, StringComparison.Ordinal);
        Assert.Single(centre.QuerySelectorAll("[data-testid=node]")); // the root only
        Assert.Equal("40", centre.QuerySelector("[data-testid=state-count][data-state=valid] b")!.TextContent);

        view.Find("[data-testid=trust-centre] [data-testid=state-count][data-state=valid]").Click();

        Assert.Equal(41, view.FindAll("[data-testid=trust-centre] [data-testid=node]").Count);
    }

    [Fact]
    public void Twenty_trust_centres_collapse_to_counts_over_their_roots_and_CAs()
    {
        var centres = Enumerable.Range(0, 20).Select(m => new TrustCentreGroup(
            Node($"maker-{m:00}", NodeRole.TrustCentre, m == 7 ? NodeState.Offline : NodeState.Valid),
            [(Node($"maker-{m:00}-ca", NodeRole.Ca), $"maker-{m:00}")])).ToList();
        var topology = new PlantTopology(centres, [], [], [], []);

        var view = Render<TopologyView>(p => p.Add(x => x.Topology, topology));

        Assert.Empty(view.FindAll("[data-testid=trust-centre]"));
        var counts = Counts(view, "trust-centres");
        Assert.Equal("39", counts["valid"]);
        Assert.Equal("1", counts["offline"]);
        view.Find("[data-testid=list-collapsed][data-list=trust-centres] [data-testid=list-state-count][data-state=offline]").Click();
        Assert.Equal("maker-07", view.Find("[data-testid=trust-centre]").GetAttribute("data-root"));
    }
}

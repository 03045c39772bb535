using Bunit;
using Twin.Actors.Clock;
using Twin.Actors.Projections;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;
using Twin.Web.Components.Inspector;
using Twin.Web.Components.Pages;
using Twin.Web.Inspector;
using Twin.Web.Tests.Support;

namespace Twin.Web.Tests.Inspector;

/// <summary>The inspector's certificate extensions, key store, trust list with CRL freshness, and that no private key is shown.</summary>
public sealed class InspectorTests : DashboardTestContext
{
    [Fact]
    public void A_certificate_shows_every_extension_it_carries_and_where_its_key_lives()
    {
        var plant = new PlantEvents();
        plant.Issue("device-001", PlantEvents.T0, TimeSpan.FromDays(30));
        var certificate = plant.Snapshot().Entities["device-001"].Current!;
        var carried = CertificateExtensions.Describe(Certificate.FromDer(certificate.Der.AsSpan()));

        var details = Render<CertificateDetails>(p => p.Add(x => x.Certificate, certificate).Add(x => x.KeyStore, KeyStores.Software));

        var rows = details.FindAll("[data-testid=extension]");
        Assert.Equal(carried.Select(e => e.Name), rows.Select(r => r.GetAttribute("data-name")));
        Assert.Contains("CA:FALSE", details.Find("[data-name='Basic Constraints']").TextContent, StringComparison.Ordinal);
        Assert.Contains("(critical)", details.Find("[data-name='Key Usage']").TextContent, StringComparison.Ordinal);
        Assert.Contains("Authority Key Identifier", details.Markup, StringComparison.Ordinal);
        Assert.Contains("EcdsaP256 · software", details.Find("[data-testid=ext-key]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificates_details_use_the_bytes_the_page_read_for_it()
    {
        // In a replay a view holds no bytes: the page reads all its certificates back at once and hands each its DER.
        var plant = new PlantEvents();
        plant.Issue("device-001", PlantEvents.T0, TimeSpan.FromDays(30));
        var certificate = plant.Snapshot().Entities["device-001"].Current!;
        var withoutBytes = certificate with { Der = default };

        var details = Render<CertificateDetails>(p => p.Add(x => x.Certificate, withoutBytes).Add(x => x.Der, certificate.Der));

        var carried = CertificateExtensions.Describe(Certificate.FromDer(certificate.Der.AsSpan()));
        Assert.Equal(carried.Select(e => e.Name), details.FindAll("[data-testid=extension]").Select(r => r.GetAttribute("data-name")));
    }

    [Theory]
    [InlineData(12, "current", "current, 12 h left")]   // thisUpdate T0, nextUpdate T0+1d
    [InlineData(36, "expired", "expired 12 h ago")]
    public void The_trust_list_judges_each_CRL_against_simulated_now(double hours, string freshness, string text)
    {
        var plant = new PlantEvents();
        var serial = plant.Issue("device-001", PlantEvents.T0, TimeSpan.FromDays(30));
        plant.Revoke(serial, PlantEvents.T0, RevocationReason.KeyCompromise); // publishes CRL 1, valid one day

        var list = Render<TrustListView>(p => p.Add(x => x.Snapshot, plant.Snapshot()).Add(x => x.Now, PlantEvents.At(hours)));

        var root = list.Find("[data-testid=trust-entry][data-ca=ca-root]");
        Assert.Equal(freshness, root.GetAttribute("data-freshness"));
        Assert.Equal(text, root.QuerySelector("[data-testid=crl-freshness]")!.TextContent);
        Assert.Contains("trust anchor", root.TextContent, StringComparison.Ordinal);
        Assert.Contains("1 entry", root.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_CRL_before_its_this_update_is_not_yet_valid_and_a_CA_without_one_says_so() =>
        Assert.Equal(
            [CrlFreshness.NotYetValid, CrlFreshness.None],
            [TrustList.FreshnessOf(new CrlView(1, PlantEvents.T0.Utc.AddHours(1), null, 0, []), PlantEvents.T0), TrustList.FreshnessOf(null, PlantEvents.T0)]);

    [Fact]
    public void The_inspector_page_shows_extensions_key_store_and_trust_list_and_never_a_private_key()
    {
        var plant = new PlantEvents();
        var serial = plant.Issue("device-001", PlantEvents.T0, TimeSpan.FromDays(30));
        plant.Revoke(serial, PlantEvents.At(1), RevocationReason.Superseded);
        UsePlant(plant, canControl: true);
        Control.Clock = new ClockReading(PlantEvents.At(2), ClockMode.Realtime, 60, false);

        var page = Render<InspectorPage>(p => p.Add(x => x.Id, "device-001"));

        Assert.NotEmpty(page.FindAll("[data-testid=certificate-details] [data-testid=extension]"));
        Assert.NotNull(page.Find("[data-testid=trust-list] [data-ca=ca-root][data-freshness=current]"));
        Assert.DoesNotContain("PRIVATE KEY", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_device_with_a_TPM_key_and_a_CA_with_an_HSM_key_show_their_key_store_kind()
    {
        var plant = new PlantEvents(rootKeyRef: "hsm:test/ca-root/0123456789abcdef");
        plant.GenerateKey("device-001", PlantEvents.T0, "tpm");
        plant.Issue("device-001", PlantEvents.T0, TimeSpan.FromDays(30));
        UsePlant(plant, canControl: false);
        Control.Clock = new ClockReading(PlantEvents.At(2), ClockMode.Realtime, 60, false);

        var device = Render<InspectorPage>(p => p.Add(x => x.Id, "device-001"));
        var ca = Render<InspectorPage>(p => p.Add(x => x.Id, "ca-root"));

        Assert.Contains("key store: tpm", device.Find("[data-testid=key-store]").TextContent, StringComparison.Ordinal);
        Assert.Contains("non-exportable", device.Find("[data-testid=key-store]").TextContent, StringComparison.Ordinal);
        Assert.Contains("EcdsaP256 · tpm", device.Find("[data-testid=ext-key]").TextContent, StringComparison.Ordinal);
        Assert.Contains("key store: hsm", ca.Find("[data-testid=key-store]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", device.Markup + ca.Markup, StringComparison.Ordinal);
    }
}

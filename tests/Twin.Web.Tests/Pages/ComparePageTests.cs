using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Twin.Web.Compare;
using Twin.Web.Components.Pages;
using Twin.Web.Live;
using Twin.Web.Tests.Support;

namespace Twin.Web.Tests.Pages;

public sealed class ComparePageTests : DashboardTestContext
{
    // Exactly the shape the `compare` verb writes.
    private const string Json = """
        {"scenario":"pea-key-compromise","seed":7,"until":"P10Y",
         "metrics":[{"key":"availability","label":"Availability","unit":"%"},{"key":"outageMinutes","label":"Outage","unit":"min"}],
         "variants":[
           {"name":"crlInterval=PT6H","knobs":{"crlInterval":"PT6H"},"metrics":{"availability":99.95,"outageMinutes":262.8},"expectations":{"passed":3,"failed":0},"digest":"9f2c0e1d4b5a69788796a5b4c3d2e1f0"},
           {"name":"crlInterval=P1D","knobs":{"crlInterval":"P1D"},"metrics":{"availability":99.5,"outageMinutes":2628},"expectations":{"passed":2,"failed":1},"digest":"00112233445566778899aabbccddeeff"}]}
        """;

    private readonly string _results = Directory.CreateTempSubdirectory("pt-results-").FullName;

    [Fact]
    public void The_compare_shape_parses_with_every_variant_and_metric()
    {
        var result = CompareResult.Parse(Json, "compare.json");
        Assert.Equal("pea-key-compromise", result.Scenario);
        Assert.Equal(7, result.Seed);
        Assert.Equal(["availability", "outageMinutes"], result.Metrics.Select(m => m.Key));
        Assert.Equal(99.95, CompareResult.ValueOf(result.Variants[0], "availability"));
        Assert.Equal(1, result.Variants[1].Expectations!.Failed);
    }

    [Theory]
    [InlineData("{\"scenario\":\"x\",\n\"metrics\": [ }", "compare.json:2:")]
    [InlineData("{\"scenario\":\"x\",\"metrics\":[],\"variants\":[]}", "'metrics' lists no metric")]
    [InlineData("{\"scenario\":\"x\",\"metrics\":[{\"key\":\"a\",\"label\":\"A\"}],\"variants\":[{\"knobs\":{},\"metrics\":{}}]}", "variants[0] has no 'name'")]
    public void A_file_that_is_not_a_compare_result_is_refused_naming_where(string json, string expected)
    {
        var e = Assert.Throws<FormatException>(() => CompareResult.Parse(json, "compare.json"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_results_under_the_results_folder_can_be_opened()
    {
        var e = Assert.Throws<FormatException>(() => CompareResults.Load(_results, "../../etc"));
        Assert.Contains("only results under", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_result_in_the_results_folder_is_listed_and_opens_as_a_table_and_a_chart_per_metric()
    {
        Directory.CreateDirectory(Path.Combine(_results, "crl-study"));
        File.WriteAllText(Path.Combine(_results, "crl-study", "compare.json"), Json);
        UsePlant(new PlantEvents(), canControl: false, new DashboardOptions { ResultsFolder = _results });
        var page = Render<ComparePage>();

        page.Find("[data-testid=compare-pick]").Change("crl-study");

        Assert.Contains("pea-key-compromise", page.Find("[data-testid=compare-title]").TextContent, StringComparison.Ordinal);
        var row = page.Find("[data-testid=compare-row][data-variant='crlInterval=P1D']");
        Assert.Equal("99.5", row.QuerySelector("[data-metric=availability]")!.TextContent);
        Assert.Contains("1 failed", row.TextContent, StringComparison.Ordinal);
        Assert.Equal(2, page.FindAll("[data-testid=compare-chart]").Count);
    }

    [Fact]
    public void An_uploaded_compare_json_is_shown_and_a_broken_one_explains_itself()
    {
        UsePlant(new PlantEvents(), canControl: false, new DashboardOptions { ResultsFolder = _results });
        var page = Render<ComparePage>();

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("{ nope", "compare.json"));
        page.WaitForAssertion(() => Assert.Contains("compare.json:1:", page.Find("[data-testid=compare-error]").TextContent, StringComparison.Ordinal));

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(Json, "compare.json"));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=compare-row]").Count));
        Assert.Empty(page.FindAll("[data-testid=compare-error]"));
    }
}

using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using Twin.Web.Compare;
using Twin.Web.Live;

namespace Twin.Web.Components.Pages;

/// <summary>Shows a compare result: a table of variants by metric and one bar chart per metric.</summary>
public sealed partial class ComparePage
{
    private IReadOnlyList<string> _available = [];
    private CompareResult? _result;
    private string? _error;

    /// <summary>Where results are.</summary>
    [Inject] public required DashboardOptions Options { get; init; }

    /// <summary>A result to open at once (a folder under the results folder), from the URL.</summary>
    [SupplyParameterFromQuery(Name = "result")] public string? Result { get; set; }

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        _available = CompareResults.List(Options.ResultsFolder);
        if (!string.IsNullOrEmpty(Result)) Open(() => CompareResults.Load(Options.ResultsFolder, Result));
    }

    private async Task UploadAsync(IBrowserFile? file)
    {
        if (file is null) return;
        try
        {
            await using var stream = file.OpenReadStream(CompareResult.MaxBytes);
            using var reader = new StreamReader(stream);
            var text = await reader.ReadToEndAsync();
            Open(() => CompareResult.Parse(text, file.Name));
        }
        catch (IOException e)
        {
            _error = $"{file.Name}: cannot be read ({e.Message}).";
        }
    }

    private Task PickAsync(ChangeEventArgs e)
    {
        var relative = e.Value?.ToString();
        if (!string.IsNullOrEmpty(relative)) Open(() => CompareResults.Load(Options.ResultsFolder, relative));
        return Task.CompletedTask;
    }

    private void Open(Func<CompareResult> load)
    {
        try
        {
            _result = load();
            _error = null;
        }
        catch (FormatException e)
        {
            _result = null;
            _error = e.Message;
        }
    }

    private static List<ChartSeries<double>> ChartOf(CompareResult result, CompareMetric metric) =>
    [
        new() { Name = metric.Label, Data = new ChartData<double>(result.Variants.Select(v => CompareResult.ValueOf(v, metric.Key)).ToList()) },
    ];
}

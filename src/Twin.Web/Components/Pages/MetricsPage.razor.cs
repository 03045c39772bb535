using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Twin.Actors.Clock;
using Twin.Actors.Projections;
using Twin.Web.Live;

namespace Twin.Web.Components.Pages;

/// <summary>Charts of the run over simulated time: certificates by status, issuance, availability, outage by cause, CRL size.</summary>
public sealed partial class MetricsPage : IDisposable
{
    private const int Intervals = 24;
    private RunSeriesResult? _series;
    private SimInstant _from;
    private SimInstant _to;
    private string[] _labels = [];
    private List<ChartSeries<double>> _certificates = [];
    private List<ChartSeries<double>> _issuance = [];
    private List<ChartSeries<double>> _availability = [];
    private List<ChartSeries<double>> _outage = [];
    private List<ChartSeries<double>> _crl = [];
    private Throttle? _throttle;

    // The topology's colours: valid, expiring soon, expired, revoked.
    private static readonly StackedBarChartOptions StatusColours = new() { ChartPalette = ["#6f9fcf", "#d29a2c", "#6d4c41", "#b3261e"] };

    /// <summary>The run's journal.</summary>
    [Inject] public required IRunJournal Journal { get; init; }

    /// <summary>Live or replay, for this circuit (the series ends at its instant).</summary>
    [Inject] public required PlantViewState View { get; init; }

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        await RefreshAsync();
        // Folding the journal costs more than a render: at most one refresh a second.
        _throttle = new Throttle(TimeSpan.FromSeconds(1), () => InvokeAsync(async () => { await RefreshAsync(); StateHasChanged(); }));
        View.Changed += OnViewChanged;
    }

    private void OnViewChanged() => _throttle?.Signal();

    private async Task RefreshAsync()
    {
        var events = await Journal.ReadAsync();
        if (events.Count == 0) return;
        _from = events.Min(e => e.Event.At);
        _to = View.Now > _from ? View.Now : events.Max(e => e.Event.At);
        var series = RunSeries.Fold(events.Select(e => e.Event).Where(e => e.At <= _to), _from, _to, Intervals);
        _series = series;
        var span = _to - _from;
        var format = span > TimeSpan.FromDays(60) ? "yyyy-MM-dd" : span > TimeSpan.FromDays(2) ? "MM-dd HH:mm" : "HH:mm";
        _labels = series.Points.Select((p, i) => i % 4 == 3 ? p.At.Utc.ToString(format, CultureInfo.InvariantCulture) : "").ToArray();
        _certificates =
        [
            Series("valid", series.Points.Select(p => (double)p.Valid)),
            Series("expiring", series.Points.Select(p => (double)p.Expiring)),
            Series("expired", series.Points.Select(p => (double)p.Expired)),
            Series("revoked", series.Points.Select(p => (double)p.Revoked)),
        ];
        _issuance = [Series("issued", series.Points.Select(p => (double)p.Issued))];
        _availability = [Series("availability %", series.Points.Select(p => p.Availability ?? double.NaN))];
        _outage = series.Causes.Select(c => Series(c, series.Points.Select(p => p.OutageMinutesByCause.GetValueOrDefault(c)))).ToList();
        _crl = [Series("entries", series.Points.Select(p => (double)p.CrlEntries))];
    }

    private static ChartSeries<double> Series(string name, IEnumerable<double> values) =>
        new() { Name = name, Data = new ChartData<double>(values.Select(v => double.IsNaN(v) ? (double?)null : v).ToList()) };

    /// <inheritdoc />
    public void Dispose()
    {
        View.Changed -= OnViewChanged;
        _throttle?.Dispose();
    }
}

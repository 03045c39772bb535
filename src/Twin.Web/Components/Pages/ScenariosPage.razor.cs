using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Twin.Web.Access;
using Twin.Web.Live;
using Twin.Web.Scenarios;

namespace Twin.Web.Components.Pages;

/// <summary>Bundled scenarios, upload with line-numbered problems, and start / stop of the live run.</summary>
public sealed partial class ScenariosPage : IDisposable
{
    private IReadOnlyList<ScenarioEntry> _bundled = [];
    private ScenarioEntry? _uploaded;
    private string? _message;

    /// <summary>Folders.</summary>
    [Inject] public required DashboardOptions Options { get; init; }

    /// <summary>The guarded actions: starting and stopping need control.</summary>
    [Inject] public required DashboardActions Actions { get; init; }

    /// <summary>This circuit's access.</summary>
    [Inject] public required DashboardAccess Access { get; init; }

    /// <summary>Looks the runner up: hosts that cannot switch runs register none.</summary>
    [Inject] public required IServiceProvider Services { get; init; }

    private IScenarioRunner? Runner => Services.GetService(typeof(IScenarioRunner)) as IScenarioRunner;

    private bool CanStart => Runner is not null && Actions.CanControl;

    /// <summary>Tells this page when another run serves.</summary>
    [Inject] public required PlantViewState View { get; init; }

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        _bundled = ScenarioCatalog.List(Options.ScenarioFolder);
        View.RunReplaced += OnRunReplaced;
    }

    // The page stays connected through the switch: it says which run serves now.
    private void OnRunReplaced() => _ = InvokeAsync(() =>
    {
        _message = Runner?.Current is { } current ? $"{Path.GetFileName(current)} runs now." : null;
        StateHasChanged();
    });

    /// <inheritdoc />
    public void Dispose() => View.RunReplaced -= OnRunReplaced;

    private async Task UploadAsync(IBrowserFile file)
    {
        try
        {
            await using var stream = file.OpenReadStream(ScenarioCatalog.MaxUploadBytes);
            using var reader = new StreamReader(stream);
            _uploaded = ScenarioCatalog.CheckUpload(await reader.ReadToEndAsync(), file.Name, Options.UploadFolder);
            _message = null;
        }
        catch (IOException e)
        {
            _message = $"{file.Name}: cannot be read ({e.Message}); at most {ScenarioCatalog.MaxUploadBytes / 1024} KB.";
        }
    }

    private async Task StartAsync(ScenarioEntry entry)
    {
        try
        {
            Access.Demand("Starting a scenario");
            _message = $"Starting {entry.FileName}: every open page shows the new run once it is up.";
            StateHasChanged();
            await Runner!.StartAsync(entry.Path);
        }
        catch (ControlRefusedException e)
        {
            _message = e.Message;
        }
    }

    private async Task StopAsync()
    {
        try
        {
            Access.Demand("Stopping the run");
            await Runner!.StopAsync();
            _message = "The run has ended: its entities are stopped and the end is journaled. Start a scenario for a fresh run.";
        }
        catch (ControlRefusedException e)
        {
            _message = e.Message;
        }
    }
}

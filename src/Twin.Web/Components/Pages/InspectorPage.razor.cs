using Microsoft.AspNetCore.Components;
using Twin.Actors.Clock;
using Twin.Actors.Control;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Commands;
using Twin.Pki.Revocation;
using Twin.Web.Live;

namespace Twin.Web.Components.Pages;

/// <summary>One entity: its certificates with their validity against simulated now, downloads, and its history.</summary>
public sealed partial class InspectorPage : IDisposable
{
    private EntityView? _entity;
    private SimInstant _now;
    private Throttle? _throttle;
    private string? _message;
    private bool _busy;

    /// <summary>The entity id from the URL.</summary>
    [Parameter] public required string Id { get; set; }

    /// <summary>The projection this page reads.</summary>
    [Inject] public required IPlantReadModel Model { get; init; }

    /// <summary>The clock, for judging certificate status at simulated now.</summary>
    [Inject] public required ITwinControl Control { get; init; }

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        _throttle = new Throttle(TimeSpan.FromMilliseconds(200), () => InvokeAsync(() => { Refresh(); StateHasChanged(); }));
        Model.Changed += OnModelChanged;
    }

    /// <inheritdoc />
    protected override void OnParametersSet() => Refresh();

    private void Refresh()
    {
        _entity = Model.Current.Entities.GetValueOrDefault(Id);
        _now = Control.Clock.Now;
    }

    private void OnModelChanged(PlantSnapshot _) => _throttle?.Signal();

    private async Task SetReachableAsync(bool reachable)
    {
        _busy = true;
        try
        {
            var answer = await Control.AskEntityAsync<CaReachability>(_entity!.Id, new SetCaReachable(reachable, "dashboard"), TimeSpan.FromSeconds(20));
            _message = answer.Reachable ? $"{Id} is reachable again and publishes a CRL at once." : $"{Id} is cut off: its last CRL lapses at its nextUpdate.";
        }
        catch (Exception e) when (e is TimeoutException or Akka.Actor.AskTimeoutException or ArgumentException)
        {
            _message = "The change did not complete: " + e.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task RevokeAsync(string serial)
    {
        _busy = true;
        try
        {
            var outcome = await Revocations.RevokeAsync(Model, Control, Id, serial, RevocationReason.KeyCompromise, "dashboard");
            _message = outcome.Message;
        }
        catch (Exception e) when (e is TimeoutException or Akka.Actor.AskTimeoutException or ArgumentException)
        {
            _message = "The revocation did not complete: " + e.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Model.Changed -= OnModelChanged;
        _throttle?.Dispose();
    }
}

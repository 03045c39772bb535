using System.Collections.Immutable;
using Microsoft.AspNetCore.Components;
using Twin.Actors.Clock;
using Twin.Actors.Projections;
using Twin.Pki.Revocation;
using Twin.Web.Access;
using Twin.Web.Live;

namespace Twin.Web.Components.Pages;

/// <summary>One entity: its certificates with their validity against simulated now (or the replayed instant), downloads, and its history.</summary>
public sealed partial class InspectorPage : IDisposable
{
    private EntityView? _entity;
    private EntityView? _dersFor;
    private Dictionary<CertificateView, ImmutableArray<byte>> _ders = new(ReferenceEqualityComparer.Instance);
    private PlantSnapshot _snapshot = PlantSnapshot.Empty;
    private SimInstant _now;
    private Throttle? _throttle;
    private string? _message;
    private bool _busy;

    /// <summary>The entity id from the URL.</summary>
    [Parameter] public required string Id { get; set; }

    /// <summary>Live or replayed plant, for this circuit.</summary>
    [Inject] public required PlantViewState View { get; init; }

    /// <summary>The guarded control actions.</summary>
    [Inject] public required DashboardActions Actions { get; init; }

    // Acting on a replayed past would be confusing: controls show only live, only for circuits that may act, and only while
    // the run goes on (an ended run is read-only).
    private bool CanAct => Actions.CanActOnRun && View.IsLive;

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        _throttle = new Throttle(TimeSpan.FromMilliseconds(200), () => InvokeAsync(() => { Refresh(); StateHasChanged(); }));
        View.Changed += OnViewChanged;
    }

    /// <inheritdoc />
    protected override void OnParametersSet() => Refresh();

    private void Refresh()
    {
        _snapshot = View.Snapshot;
        _entity = _snapshot.Entities.GetValueOrDefault(Id);
        _now = View.Now;
        if (!ReferenceEquals(_entity, _dersFor)) ReadDers();
    }

    // The bytes of every certificate the page lists, read together: in a replay they are not held but read back from the
    // journal, one query for the page (CertificateView.DersOf) rather than one per certificate's details.
    private void ReadDers()
    {
        _dersFor = _entity;
        _ders = new(ReferenceEqualityComparer.Instance);
        if (_entity is null) return;
        List<CertificateView> views = [.. _entity.Certificates, .. _entity.LinkCertificates.Select(l => l.Certificate)];
        var ders = CertificateView.DersOf(views);
        for (var i = 0; i < views.Count; i++) _ders[views[i]] = ders[i];
    }

    private ImmutableArray<byte> DerOf(CertificateView certificate) => _ders.GetValueOrDefault(certificate);

    private void OnViewChanged() => _throttle?.Signal();

    private async Task SetReachableAsync(bool reachable)
    {
        _busy = true;
        try
        {
            var answer = await Actions.SetCaReachableAsync(_entity!.Id, reachable);
            _message = answer ? $"{Id} is reachable again and publishes a CRL at once." : $"{Id} is cut off: its last CRL lapses at its nextUpdate.";
        }
        catch (Exception e) when (e is TimeoutException or Akka.Actor.AskTimeoutException or ArgumentException or ControlRefusedException)
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
            var outcome = await Actions.RevokeAsync(Id, serial, RevocationReason.KeyCompromise);
            _message = outcome.Message;
        }
        catch (Exception e) when (e is TimeoutException or Akka.Actor.AskTimeoutException or ArgumentException or ControlRefusedException)
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
        View.Changed -= OnViewChanged;
        _throttle?.Dispose();
    }
}

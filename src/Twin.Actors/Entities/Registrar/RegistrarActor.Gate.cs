using Akka.Actor;

namespace Twin.Actors.Entities.Registrar;

public sealed partial class RegistrarActor
{
    // What this start of the registrar published for its domain's CMP endpoint (CmpGate); withdrawn when it stops.
    private CmpGate? _gate;

    // A new snapshot of the settings and the trust for the endpoint, whenever either changes (the trust is rebuilt in Trust()).
    private void PublishGate()
    {
        if (!_state.IsReady || _trust is not { } built) return;
        // The back-off supervisor the plant made for this registrar keeps a request for the next start while it is down; a registrar
        // started on its own (a test's bare actor) is addressed directly.
        var target = _runtime.Registrars.TryGetValue(_settings.Domain, out var supervisor) && supervisor.Equals(Context.Parent) ? supervisor : Self;
        var gate = new CmpGate(_settings, built.Trust, built.Version, _clock, _runtime.Distribution, target);
        _gate = gate;
        _runtime.CmpGates[_settings.Domain] = gate;
        PublishEstGate(new EstGate(_settings, built.Trust, built.Version, target)); // RegistrarActor.EstGate.cs
    }

    private void WithdrawGate()
    {
        if (_gate is { } gate) _runtime.CmpGates.TryRemove(new KeyValuePair<string, CmpGate>(_settings.Domain, gate));
        _gate = null;
        WithdrawEstGate();
    }
}

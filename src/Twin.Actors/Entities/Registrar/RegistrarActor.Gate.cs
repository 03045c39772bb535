using Akka.Actor;

namespace Twin.Actors.Entities.Registrar;

public sealed partial class RegistrarActor
{
    // What this start of the registrar published for its domain's CMP endpoint (CmpGate); withdrawn when it stops.
    private CmpGate? _gate;

    // The one-time references open now, for the endpoint to check a MAC ahead with; the registrar's key their secrets were derived from.
    private readonly OpenReferences _references = new();
    private byte[]? _referencesKey;

    // A new snapshot of the settings and the trust for the endpoint, whenever either changes (the trust is rebuilt in Trust()).
    private void PublishGate()
    {
        if (!_state.IsReady || _trust is not { } built) return;
        // The back-off supervisor the plant made for this registrar keeps a request for the next start while it is down; a registrar
        // started on its own (a test's bare actor) is addressed directly.
        var target = _runtime.Registrars.TryGetValue(_settings.Domain, out var supervisor) && supervisor.Equals(Context.Parent) ? supervisor : Self;
        if (_secretKey is not null && !ReferenceEquals(_referencesKey, _secretKey))
        {
            // Every secret is derived from the registrar's key: a new key (a first start, a migration) makes every reference another object.
            _references.Replace(_state.OpenSecrets.Select(o => new OpenReference(o.Key, SecretOf(o.Key), o.Value)));
            _referencesKey = _secretKey;
        }
        var gate = new CmpGate(_settings, built.Trust, built.Version, _clock, _runtime.Distribution, target, _references);
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

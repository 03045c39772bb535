using Akka.Event;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Registrar;

/// <summary>
/// Algorithm migration of the domain: from the step on, the registrar certifies keys of the new signature suite only
/// (the members were told at the same instant to generate such keys). Its own CMP protection key keeps its algorithm.
/// </summary>
public sealed partial class RegistrarActor
{
    private void MigrateSuite(MigrateSignatureSuite command)
    {
        if (_settings.Suite == command.Algorithm) return;
        Persist(new RegistrarSuiteMigrated(_run, _clock.Now, Id, _settings.Domain, command.Algorithm.ToString(), command.Requester), e =>
        {
            _state = _state.Apply(e);
            ApplyMigratedSuite();
            PublishGate(); // the endpoint checks ahead with the new suite's settings
            _log.Info("Registrar {0}: domain {1} certifies {2} keys from now on.", Id, _settings.Domain, _settings.Suite);
        });
    }

    private void ApplyMigratedSuite()
    {
        if (_state.Suite is { } suite && Enum.TryParse<KeyAlgorithm>(suite, out var algorithm)) _settings = _settings with { Suite = algorithm };
    }
}

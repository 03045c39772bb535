using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Pea;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;

namespace Twin.Actors.Entities.Device;

// A PEA's MTP services (VDI/VDE/NAMUR 2658-4). Its server exposes each service its MTP package names as an OPC UA object with a state
// variable and command methods. A command is decided on the server's thread (BadInvalidState when the state does not allow it) and counted
// as work before the call answers; the PEA then journals the change and, for a transient state, wakes itself after the step time to move
// on — so in max mode the clock never passes a state change, and a resumed PEA continues from its journaled states.
public sealed partial class DeviceActor
{
    private const string ServiceLabel = "service";
    private readonly Dictionary<string, (ServiceState State, SimInstant Since, ServiceCommand? Command)> _serviceLog = new(StringComparer.Ordinal);
    private PeaServiceSet? _services;

    private void ServicesBehaviour()
    {
        Recover<PeaServiceStateChanged>(e => _serviceLog[e.Service] = (Enum.Parse<ServiceState>(e.To), e.At, e.Command is null ? null : Enum.Parse<ServiceCommand>(e.Command)));
        Command<ServiceChanged>(OnServiceChanged);
        Command<ServiceStepDue>(d => _services?.Advance(d.Service, d.Expected));
        OrchestrationBehaviour();
    }

    /// <summary>The PEA's services, made once from its MTP package (or the default services without one) and its journaled states.</summary>
    private PeaServiceSet? ServicesForServer()
    {
        if (!_settings.ServesOpcUa || !_settings.ExposesServices) return null;
        if (_services is not null) return _services;
        var services = _onboarding.MtpPackage is { } package ? MtpServices.Parse(package.Manifest) : MtpServices.Default;
        _services = new PeaServiceSet(services, () => _clock.Now.Utc.UtcDateTime);
        var self = Self;
        var work = Work;
        var pea = Id.Value;
        if (_runtime is { } runtime)
        {
            // What the POL must see before the clock moves on (see ServiceObservations): every state the services hold. (The end of
            // every subscription when the server stops is told in Serve.)
            _services.Published = (service, state) => runtime.Observations.Changed(work, pea, service, state.ToString());
        }
        foreach (var (name, (state, since, command)) in _serviceLog)
        {
            _services.Restore(name, state, since.Utc.UtcDateTime, command);
            // A transient state the PEA was in when it stopped still ends one step time after it began (at once if that has passed).
            if (ServiceStateMachine.IsTransient(state)) ScheduleStep(name, state, since);
        }
        _services.Transitioned += t =>
        {
            work.Begin(ServiceLabel);
            self.Tell(new Tracked(new ServiceChanged(t), ServiceLabel), self);
        };
        return _services;
    }

    private void OnServiceChanged(ServiceChanged changed)
    {
        var t = changed.Transition;
        var now = _clock.Now;
        Persist(new PeaServiceStateChanged(_run, now, Id, t.Service, t.From.ToString(), t.To.ToString(), t.Command?.ToString()), e =>
        {
            _serviceLog[e.Service] = (t.To, now, t.Command);
            if (ServiceStateMachine.IsTransient(t.To)) ScheduleStep(t.Service, t.To, now);
        });
    }

    private void ScheduleStep(string service, ServiceState state, SimInstant since)
    {
        var due = since.Add(_settings.ServiceStepTime);
        WakeAt(due < _clock.Now ? _clock.Now : due, new ServiceStepDue(service, state), "service:" + service, priority: 3);
    }

    /// <summary>A service changed state on the server (a command, or a transient state that ended).</summary>
    private sealed record ServiceChanged(ServiceTransition Transition);

    /// <summary>The clock's wake-up: the transient <paramref name="Expected"/> state of <paramref name="Service"/> has lasted its step time.</summary>
    public sealed record ServiceStepDue(string Service, ServiceState Expected);
}

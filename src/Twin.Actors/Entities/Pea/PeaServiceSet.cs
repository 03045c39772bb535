using Twin.OpcUa;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Server;

namespace Twin.Actors.Entities.Pea;

/// <summary>A service changed state: by a command (<paramref name="Command"/>) or, for a transient state, by itself (null).</summary>
public sealed record ServiceTransition(string Service, ServiceState From, ServiceState To, ServiceCommand? Command);

/// <summary>
/// The live MTP services of a PEA: the state of each, guarded by the 2658-4 state machine, and their OPC UA nodes — an object per service
/// under <c>Services</c> with the state variables <c>CurrentState</c> (name) and <c>StateCur</c> (2658-4 code), <c>Procedures</c>, and one
/// method per command. A command the state does not allow fails with BadInvalidState. Outlives server restarts: a restarted server binds
/// its fresh address space to the same states. Thread-safe: methods run on the server's threads, advances on the PEA's.
/// </summary>
internal sealed class PeaServiceSet
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Func<DateTime> _now;

    /// <param name="services">The services the MTP package names.</param>
    /// <param name="now">Simulated now: the source timestamp of every state change.</param>
    public PeaServiceSet(IReadOnlyList<MtpService> services, Func<DateTime> now)
    {
        ArgumentNullException.ThrowIfNull(services);
        _now = now ?? throw new ArgumentNullException(nameof(now));
        Services = services;
        foreach (var s in services) _entries[s.Name] = new Entry(s) { Since = now() };
    }

    /// <summary>The services, in the package's order.</summary>
    public IReadOnlyList<MtpService> Services { get; }

    /// <summary>
    /// Told the state every service holds whenever its nodes are set (a change, a restore, a server binding), under the set's lock, so
    /// that the reports come in the order the values were set.
    /// </summary>
    public Action<string, ServiceState>? Published { get; set; }

    /// <summary>Raised on every change of state, on the thread that caused it, before a method call answers.</summary>
    public event Action<ServiceTransition>? Transitioned;

    /// <summary>The state of <paramref name="service"/> now.</summary>
    public ServiceState StateOf(string service)
    {
        lock (_sync) return Find(service).State;
    }

    /// <summary>
    /// Sets a state recovered from the journal, without raising <see cref="Transitioned"/>; <paramref name="command"/> is the command
    /// that led there (null: a transient state ended).
    /// </summary>
    public void Restore(string service, ServiceState state, DateTime since, ServiceCommand? command = null)
    {
        lock (_sync)
        {
            if (!_entries.TryGetValue(service, out var entry)) return;
            entry.State = state;
            entry.Since = since;
            entry.RecoveredCommand = command;
            Publish(entry);
        }
    }

    /// <summary>Applies <paramref name="command"/>; a command the state does not allow fails with BadInvalidState, naming both.</summary>
    public ServiceTransition Command(string service, ServiceCommand command)
    {
        ServiceTransition transition;
        lock (_sync)
        {
            var entry = Find(service);
            // The command that led to the recovered state, called again at the instant it was applied: a caller that recovered
            // without its answer. It gets the answer it would have had, and the state does not move twice.
            if (entry.RecoveredCommand == command && entry.Since == _now()) return new ServiceTransition(service, entry.State, entry.State, command);
            var to = ServiceStateMachine.Apply(entry.State, command)
                ?? throw new UaException(StatusCodes.BadInvalidState, $"Service {service} is {entry.State}: {command} is not allowed there (VDI/VDE/NAMUR 2658-4).");
            transition = Move(entry, to, command);
        }
        Transitioned?.Invoke(transition);
        return transition;
    }

    /// <summary>Ends a transient state: moves on if <paramref name="service"/> is still in <paramref name="expected"/>; null otherwise (a command came first).</summary>
    public ServiceTransition? Advance(string service, ServiceState expected)
    {
        ServiceTransition transition;
        lock (_sync)
        {
            if (!_entries.TryGetValue(service, out var entry) || entry.State != expected || ServiceStateMachine.Next(expected) is not { } next) return null;
            transition = Move(entry, next, null);
        }
        Transitioned?.Invoke(transition);
        return transition;
    }

    /// <summary>Adds the services under <paramref name="parent"/> (a folder <c>Services</c>) to a server's fresh address space.</summary>
    public void Bind(AddressSpace space, NodeId parent)
    {
        ArgumentNullException.ThrowIfNull(space);
        var folder = space.AddFolder(parent, "Services");
        lock (_sync)
        {
            foreach (var service in Services)
            {
                var entry = _entries[service.Name];
                var obj = space.AddObject(folder.NodeId, service.Name);
                entry.Name = space.AddVariable(obj.NodeId, "CurrentState", entry.State.ToString());
                entry.Code = space.AddVariable(obj.NodeId, "StateCur", (uint)entry.State);
                space.AddVariable(obj.NodeId, "Procedures", new Variant(BuiltInType.String, service.Procedures.ToArray()));
                foreach (var command in ServiceStateMachine.Commands)
                {
                    var name = service.Name;
                    var c = command;
                    space.AddMethod(obj.NodeId, command.ToString(), (_, _) =>
                    {
                        Command(name, c);
                        return [];
                    });
                }
                Publish(entry);
            }
        }
    }

    private ServiceTransition Move(Entry entry, ServiceState to, ServiceCommand? command)
    {
        var from = entry.State;
        entry.RecoveredCommand = null;
        entry.State = to;
        entry.Since = _now();
        Publish(entry);
        return new ServiceTransition(entry.Service.Name, from, to, command);
    }

    private void Publish(Entry entry)
    {
        entry.Name?.SetValue(entry.State.ToString(), sourceTimestamp: entry.Since);
        entry.Code?.SetValue((uint)entry.State, sourceTimestamp: entry.Since);
        Published?.Invoke(entry.Service.Name, entry.State);
    }

    private Entry Find(string service) =>
        _entries.TryGetValue(service, out var entry) ? entry : throw new UaException(StatusCodes.BadNodeIdUnknown, $"This PEA has no service {service}.");

    private sealed class Entry(MtpService service)
    {
        public MtpService Service { get; } = service;
        public ServiceState State { get; set; } = ServiceState.Idle;
        public DateTime Since { get; set; }
        public ServiceCommand? RecoveredCommand { get; set; }
        public VariableNode? Name { get; set; }
        public VariableNode? Code { get; set; }
    }
}

/// <summary>Where a PEA server puts its services: string NodeIds in namespace 2 the POL addresses without browsing.</summary>
public static class PeaServiceNodes
{
    /// <summary>The service object of <paramref name="service"/> on the server of <paramref name="pea"/>.</summary>
    public static NodeId ServiceObject(string pea, string service) => new($"{pea}.Services.{service}", AddressSpace.NamespaceIndex);

    /// <summary>The CurrentState variable (the state's name) of a service.</summary>
    public static NodeId State(string pea, string service) => new($"{pea}.Services.{service}.CurrentState", AddressSpace.NamespaceIndex);

    /// <summary>The method of <paramref name="command"/> on a service object.</summary>
    public static NodeId Method(string pea, string service, ServiceCommand command) => new($"{pea}.Services.{service}.{command}", AddressSpace.NamespaceIndex);
}

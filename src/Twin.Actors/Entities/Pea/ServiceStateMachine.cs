namespace Twin.Actors.Entities.Pea;

/// <summary>
/// The states of an MTP service (VDI/VDE/NAMUR 2658-4, the PackML-derived state machine), with the StateCur codes 2658-4 gives them.
/// The transient ("-ing") states end by themselves after the PEA's step time; the others wait for a command.
/// </summary>
public enum ServiceState : uint
{
    /// <summary>Stopped after a Stop command; Reset leads to Idle.</summary>
    Stopped = 4,
    /// <summary>Transient: starting after Start; then Execute.</summary>
    Starting = 8,
    /// <summary>Ready to start.</summary>
    Idle = 16,
    /// <summary>Paused by the operator; Resume leads back to Execute.</summary>
    Paused = 32,
    /// <summary>Running its procedure.</summary>
    Execute = 64,
    /// <summary>Transient: stopping; then Stopped.</summary>
    Stopping = 128,
    /// <summary>Transient: aborting; then Aborted.</summary>
    Aborting = 256,
    /// <summary>Aborted; Reset leads to Idle.</summary>
    Aborted = 512,
    /// <summary>Transient: holding after Hold; then Held.</summary>
    Holding = 1024,
    /// <summary>Held (by the process, e.g. a fault upstream); Unhold leads back to Execute.</summary>
    Held = 2048,
    /// <summary>Transient: unholding; then Execute.</summary>
    Unholding = 4096,
    /// <summary>Transient: pausing; then Paused.</summary>
    Pausing = 8192,
    /// <summary>Transient: resuming; then Execute.</summary>
    Resuming = 16384,
    /// <summary>Transient: resetting; then Idle.</summary>
    Resetting = 32768,
    /// <summary>Transient: completing after Complete; then Completed.</summary>
    Completing = 65536,
    /// <summary>Completed; Reset leads to Idle.</summary>
    Completed = 131072,
}

/// <summary>The commands of an MTP service (2658-4 CommandOp codes), each an OPC UA method on the service object.</summary>
public enum ServiceCommand : uint
{
    /// <summary>Completed, Stopped or Aborted → Resetting → Idle.</summary>
    Reset = 2,
    /// <summary>Idle → Starting → Execute.</summary>
    Start = 4,
    /// <summary>Any state but Stopping, Stopped, Aborting, Aborted → Stopping → Stopped.</summary>
    Stop = 8,
    /// <summary>Starting, Execute, Completing, Pausing, Paused, Resuming, Unholding → Holding → Held.</summary>
    Hold = 16,
    /// <summary>Held → Unholding → Execute.</summary>
    Unhold = 32,
    /// <summary>Execute → Pausing → Paused.</summary>
    Pause = 64,
    /// <summary>Paused → Resuming → Execute.</summary>
    Resume = 128,
    /// <summary>Any state but Aborting and Aborted → Aborting → Aborted.</summary>
    Abort = 256,
    /// <summary>Execute → Completing → Completed.</summary>
    Complete = 1024,
}

/// <summary>The 2658-4 service state machine, pure: which command is valid in which state, and where each transient state leads.</summary>
public static class ServiceStateMachine
{
    /// <summary>Every command, in the order the OPC UA methods are listed.</summary>
    public static IReadOnlyList<ServiceCommand> Commands { get; } =
        [ServiceCommand.Start, ServiceCommand.Complete, ServiceCommand.Pause, ServiceCommand.Resume, ServiceCommand.Hold, ServiceCommand.Unhold, ServiceCommand.Stop, ServiceCommand.Abort, ServiceCommand.Reset];

    /// <summary>The state <paramref name="command"/> leads to from <paramref name="from"/>, or null when 2658-4 does not allow it there.</summary>
    public static ServiceState? Apply(ServiceState from, ServiceCommand command) => command switch
    {
        ServiceCommand.Start when from == ServiceState.Idle => ServiceState.Starting,
        ServiceCommand.Complete when from == ServiceState.Execute => ServiceState.Completing,
        ServiceCommand.Pause when from == ServiceState.Execute => ServiceState.Pausing,
        ServiceCommand.Resume when from == ServiceState.Paused => ServiceState.Resuming,
        ServiceCommand.Hold when from is ServiceState.Starting or ServiceState.Execute or ServiceState.Completing or ServiceState.Pausing
            or ServiceState.Paused or ServiceState.Resuming or ServiceState.Unholding => ServiceState.Holding,
        ServiceCommand.Unhold when from == ServiceState.Held => ServiceState.Unholding,
        ServiceCommand.Stop when from is not (ServiceState.Stopping or ServiceState.Stopped or ServiceState.Aborting or ServiceState.Aborted) => ServiceState.Stopping,
        ServiceCommand.Abort when from is not (ServiceState.Aborting or ServiceState.Aborted) => ServiceState.Aborting,
        ServiceCommand.Reset when from is ServiceState.Completed or ServiceState.Stopped or ServiceState.Aborted => ServiceState.Resetting,
        _ => null,
    };

    /// <summary>Where a transient state leads when its step is done (the state complete, "SC"); null for a state that waits for a command.</summary>
    public static ServiceState? Next(ServiceState state) => state switch
    {
        ServiceState.Starting => ServiceState.Execute,
        ServiceState.Completing => ServiceState.Completed,
        ServiceState.Resetting => ServiceState.Idle,
        ServiceState.Holding => ServiceState.Held,
        ServiceState.Unholding => ServiceState.Execute,
        ServiceState.Pausing => ServiceState.Paused,
        ServiceState.Resuming => ServiceState.Execute,
        ServiceState.Stopping => ServiceState.Stopped,
        ServiceState.Aborting => ServiceState.Aborted,
        _ => null,
    };

    /// <summary>True for a state that ends by itself.</summary>
    public static bool IsTransient(ServiceState state) => Next(state) is not null;
}

using Akka.Actor;

namespace Twin.Actors.Entities.Registrar;

/// <summary>
/// What a registrar publishes for an enrollment endpoint of its domain in this process (<see cref="CmpGate"/>, <see cref="EstGate"/>):
/// an immutable snapshot of its settings and trust, replaced when either changes, and where to hand a request checked ahead.
/// </summary>
public abstract class RegistrarGate
{
    private protected RegistrarGate(RegistrarSettings settings, DomainTrust trust, long trustVersion, IActorRef registrar)
    {
        Settings = settings;
        Trust = trust;
        TrustVersion = trustVersion;
        Registrar = registrar;
    }

    /// <summary>The domain as its registrar serves it now.</summary>
    public RegistrarSettings Settings { get; }

    /// <summary>The domain's trust as the registrar built it from the distribution point's <see cref="TrustVersion"/>.</summary>
    public DomainTrust Trust { get; }

    /// <summary>The distribution point's version <see cref="Trust"/> was built from.</summary>
    public long TrustVersion { get; }

    /// <summary>Where the request goes: the registrar's back-off supervisor, which keeps a message for the next start while it is down.</summary>
    public IActorRef Registrar { get; }

    // The registrar completes the answer itself: no plant hop, no promise actor and no scheduled timeout per request, as an Ask would make.
    private protected Task<T> HandOver<T>(Func<TaskCompletionSource<T>, object> message, TimeSpan timeout)
    {
        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Registrar.Tell(message(answer), ActorRefs.NoSender);
        return answer.Task.WaitAsync(timeout);
    }
}

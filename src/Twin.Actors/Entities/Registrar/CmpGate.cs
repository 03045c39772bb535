using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Protocol.Commands;
using Twin.Pki.Cmp;

namespace Twin.Actors.Entities.Registrar;

/// <summary>
/// What a registrar publishes for the CMP endpoint of its domain in this process (<see cref="Plant.PlantRuntime.CmpGates"/>): an
/// immutable snapshot of its settings and trust, replaced when either changes, and a live view of its open one-time references
/// (<see cref="OpenReferences"/>). The endpoint decodes a request and makes the expensive checks ahead (protection signature, signer
/// path, POP; a MAC, only for a reference the view holds open) on the HTTP request's own thread, then hands the decoded
/// message to the registrar, which judges it on its own thread against its current state and finds those answers remembered by the
/// message. The signer's verdict travels with the message, tagged with the settings, trust and trust version it was judged with and
/// the simulated instant; the registrar takes it over only when all are still its own, and judges again otherwise. A MAC's verdict
/// travels with the reference object it was judged with, taken over only when the registrar still holds that very object open. A stale or
/// missing snapshot costs only the work done ahead, never a check.
/// </summary>
public sealed class CmpGate : RegistrarGate
{
    private readonly SimulationClock _clock;
    private readonly Trust.CrlDistributionPoint _distribution;

    private readonly OpenReferences _references;
    private long _macsCheckedAhead;

    internal CmpGate(RegistrarSettings settings, DomainTrust trust, long trustVersion, SimulationClock clock, Trust.CrlDistributionPoint distribution, IActorRef registrar,
        OpenReferences references)
        : base(settings, trust, trustVersion, registrar)
    {
        _clock = clock;
        _distribution = distribution;
        _references = references;
    }

    /// <summary>
    /// Decodes <paramref name="der"/> and, when the trust is still current, makes the checks ahead that the registrar will meet; a
    /// signed message's signer comes with its verdict, tagged with what it was judged against (<see cref="SignerVerdict"/>).
    /// Returns null when the message does not decode (the registrar decodes it again and refuses it with the reason).
    /// </summary>
    public Ahead? CheckAhead(byte[] der)
    {
        ArgumentNullException.ThrowIfNull(der);
        CmpMessage message;
        try
        {
            message = CmpMessage.Decode(der);
        }
        catch (CmpException)
        {
            return null;
        }
        MacVerdict? mac = null;
        if (message.Protection == CmpProtectionKind.Mac)
        {
            // A reference the registrar does not hold open is refused there before anything else: nothing is worth checking ahead.
            mac = CheckMacAhead(message);
            if (mac is null) return new Ahead(message, null);
        }
        // Trust built from an older publication would validate the signer against CRLs the registrar no longer uses: the work
        // would be wasted (the registrar re-judges with its own trust), so it is left to the registrar.
        if (_distribution.Version != TrustVersion) return new Ahead(message, null, mac);
        var now = _clock.Now;
        return RegistrarPolicy.CheckAhead(Settings, message, now, Trust) is { } judged
            ? new Ahead(message, new SignerVerdict(judged.Credential, judged.Refusal, Settings, Trust, TrustVersion, now, SignerVerdict.Horizon(message, Settings, Trust, now)), mac)
            : new Ahead(message, null, mac);
    }

    /// <summary>How many MACs this endpoint snapshot derived and checked ahead: only requests naming a reference the registrar held open.</summary>
    public long MacsCheckedAhead => Interlocked.Read(ref _macsCheckedAhead);

    // The MAC of a request naming a reference the registrar holds open, derived and checked here rather than on the registrar's one
    // thread. A reference not open (unknown, spent, expired) costs no hashing: the registrar refuses it without deriving either.
    private MacVerdict? CheckMacAhead(CmpMessage message)
    {
        // Only a request that opens a transaction is judged with the reference's secret; a certConf is checked with its transaction's key.
        if (message.BodyType is not (CmpBodyType.Ir or CmpBodyType.Cr or CmpBodyType.Kur or CmpBodyType.P10cr or CmpBodyType.Rr or CmpBodyType.Genm)) return null;
        if (message.Header.SenderKid is not { } kid) return null;
        if (_references.Find(System.Text.Encoding.UTF8.GetString(kid)) is not { } open) return null;
        if (_clock.Now.Utc > open.Issued.Utc + Settings.SecretValidity) return null;
        Interlocked.Increment(ref _macsCheckedAhead);
        try
        {
            return new MacVerdict(open, message.VerifyMacKeeping(open.Secret));
        }
        catch (CmpException)
        {
            return null; // unusable parameters: the registrar meets the same error and answers with it
        }
    }

    /// <summary>
    /// Hands <paramref name="request"/>, decoded and checked ahead as <paramref name="ahead"/> (null: it did not decode), to the
    /// registrar; completes with its answer, or fails with <see cref="TimeoutException"/> after <paramref name="timeout"/>.
    /// </summary>
    public Task<CmpReply> SendAsync(CmpRequest request, Ahead? ahead, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HandOver<CmpReply>(answer => new Checked(request, ahead, answer), timeout);
    }

    /// <summary>
    /// A request decoded at the endpoint, and its signer's verdict when it is signed and the trust was current, or its MAC's verdict
    /// when it names a reference the registrar held open (<see cref="MacVerdict"/>).
    /// </summary>
    public sealed record Ahead(CmpMessage Message, SignerVerdict? Verdict, MacVerdict? Mac = null);

    /// <summary>
    /// A request from outside the twin, decoded (and checked ahead) in this process: carried only in process, never over a wire
    /// or into the journal. The registrar sends its answer to <paramref name="Answer"/>.
    /// </summary>
    public sealed record Checked(CmpRequest Request, Ahead? Ahead, TaskCompletionSource<CmpReply> Answer);
}

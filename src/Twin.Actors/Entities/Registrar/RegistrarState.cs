using System.Collections.Immutable;
using Twin.Actors.Clock;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Registrar;

/// <summary>What a domain registrar knows, rebuilt from its events. Pure: no actors, no I/O.</summary>
[PersistedAs("reg.state.v1")]
public sealed partial record RegistrarState(string? KeyRef, byte[]? CertificateDer, ImmutableList<byte[]> ChainDer) : ITwinPersisted
{
    /// <summary>How many recent decisions the state keeps for status queries (the journal keeps all).</summary>
    public const int RecentCapacity = 100;

    /// <summary>A registrar without its protection certificate yet.</summary>
    public static RegistrarState Empty { get; } = new(null, null, []);

    /// <summary>One-time references handed out and not yet used, with the instant each was issued.</summary>
    public ImmutableDictionary<string, SimInstant> OpenSecrets { get; init; } = ImmutableDictionary<string, SimInstant>.Empty;

    /// <summary>How many one-time references were handed out (names the next one's randomness).</summary>
    public long SecretsIssued { get; init; }

    /// <summary>Every transactionID seen, as hex: a new request reusing one is refused (transactionIdInUse).</summary>
    public ImmutableHashSet<string> Transactions { get; init; } = ImmutableHashSet<string>.Empty;

    /// <summary>Who each one-time reference was handed out to (the secret itself is derived again, never stored): what a recall checks.</summary>
    public ImmutableDictionary<string, string> SecretHolders { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>
    /// The requests answered at the latest instant the registrar decided at, by transactionID: what a twin entity that recovered with
    /// its request in flight gets again when it retransmits the very same bytes. Only that instant: in max mode a request and its
    /// answer share one instant, so nothing older can still be in flight; the state stays small however long the run.
    /// </summary>
    public ImmutableDictionary<string, AnsweredRequest> Answers { get; init; } = ImmutableDictionary<string, AnsweredRequest>.Empty;

    /// <summary>Which entity holds each certificate enrolled here, by serial (hex).</summary>
    public ImmutableDictionary<string, string> Holders { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Certificates sent and not confirmed yet, by transactionID (bounded: the oldest wait is dropped beyond <see cref="MaxPending"/>).</summary>
    public ImmutableDictionary<string, ConfirmationAwaited> Pending { get; init; } = ImmutableDictionary<string, ConfirmationAwaited>.Empty;

    /// <summary>
    /// Waits that ran out (the certificate revoked at the deadline), by transactionID, bounded like <see cref="Pending"/>: a certConf that
    /// comes later — also after a restart — is answered certRevoked, protected as the request was (RFC 9483 §4.1.1, RFC 4210 §5.2.3).
    /// </summary>
    public ImmutableDictionary<string, ConfirmationAwaited> Lapsed { get; init; } = ImmutableDictionary<string, ConfirmationAwaited>.Empty;

    /// <summary>
    /// Waits for an upstream's certificate that the upstream's pkiConf closed, by transactionID, bounded like <see cref="Pending"/>: the
    /// requester's certConf again — it never heard the pkiConf — is forwarded upstream again and answered (RFC 9483 §3.5, §4.1.1).
    /// </summary>
    public ImmutableDictionary<string, ConfirmationAwaited> Settled { get; init; } = ImmutableDictionary<string, ConfirmationAwaited>.Empty;

    /// <summary>
    /// Waits for a certificate of the registrar's own CA that the requester's certConf closed (confirmed or rejected), by transactionID,
    /// bounded like <see cref="Pending"/>: the requester's certConf again — it never heard the pkiConf — is answered pkiConf again,
    /// nothing decided twice (RFC 9483 §3.5, §4.1.1).
    /// </summary>
    public ImmutableDictionary<string, ConcludedWait> Concluded { get; init; } = ImmutableDictionary<string, ConcludedWait>.Empty;

    /// <summary>How many unconfirmed certificates are remembered: a requester that never confirms cannot fill the journal's state.</summary>
    public const int MaxPending = 10_000;

    /// <summary>
    /// How many EST requests the registrar decided (granted, forwarded or refused): in RA mode, with those upstream at the time, the
    /// number of the next EST exchange, which names its randomness.
    /// </summary>
    public long EstDecided { get; init; }

    /// <summary>The latest decisions, oldest first.</summary>
    public ImmutableList<RegistrarDecided> Recent { get; init; } = [];

    /// <summary>True once the registrar holds its protection key and certificate.</summary>
    public bool IsReady => KeyRef is not null && CertificateDer is not null;

    /// <summary>The registrar's protection certificate.</summary>
    public Certificate? Certificate => CertificateDer is null ? null : Twin.Pki.Certificates.Certificate.FromDer(CertificateDer);

    /// <summary>The signature suite the domain migrated to (a <c>KeyAlgorithm</c> name); null: the one the scenario gave.</summary>
    public string? Suite { get; init; }

    /// <summary>The key of the domain's GDS (design.gds); null until its certificate was issued.</summary>
    public string? GdsKeyRef { get; init; }

    /// <summary>The GDS's OPC UA application certificate, issued by the domain's CA.</summary>
    public byte[]? GdsCertificateDer { get; init; }

    /// <summary>How many certificates the GDS has had (first plus renewals): names the next one's key and request.</summary>
    public int GdsCertificates { get; init; }

    /// <summary>The GDS directory's registrations by ApplicationId (design.gds): what a restarted GDS serves again.</summary>
    public ImmutableDictionary<string, GdsApplicationState> GdsApplications { get; init; } = ImmutableDictionary<string, GdsApplicationState>.Empty;

    /// <summary>How many records each ApplicationUri has had at the GDS (names the next ApplicationId).</summary>
    public ImmutableDictionary<string, int> GdsGenerations { get; init; } = ImmutableDictionary<string, int>.Empty;

    /// <summary>The last signing request the GDS forwarded to the CA for each ApplicationUri: a repeat of it is sent as first sent then.</summary>
    public ImmutableDictionary<string, GdsRequestSeen> GdsRequests { get; init; } = ImmutableDictionary<string, GdsRequestSeen>.Empty;

    /// <summary>Returns the state after <paramref name="e"/>.</summary>
    public RegistrarState Apply(ITwinEvent e) => e switch
    {
        RegistrarCertified c => this with { KeyRef = c.KeyRef, CertificateDer = c.CertificateDer, ChainDer = [.. c.ChainDer] },
        EnrollmentSecretIssued s => this with
        {
            OpenSecrets = OpenSecrets.SetItem(s.Reference, s.At),
            SecretsIssued = SecretsIssued + 1,
            SecretHolders = (SecretHolders ?? ImmutableDictionary<string, string>.Empty).SetItem(s.Reference, s.Requester),
        },
        RegistrarDecided d => this with
        {
            Answers = Answered(d),
            Transactions = d.Transaction.Length == 0 ? Transactions : Transactions.Add(d.Transaction),
            // A one-time reference is spent once a certificate was granted with it (here, or upstream in RA mode).
            OpenSecrets = d.Reference is { } r && d.Verdict is RegistrarDecided.Granted or RegistrarDecided.Forwarded ? OpenSecrets.Remove(r) : OpenSecrets,
            Recent = Recent.Count >= RecentCapacity ? Recent.RemoveAt(0).Add(d) : Recent.Add(d),
            EstDecided = d.What.StartsWith("est:", StringComparison.Ordinal) ? EstDecided + 1 : EstDecided,
            Pending = d.Closes ? Pending.Remove(d.Transaction) : Pending,
            Lapsed = LapsedAfter(d),
            Settled = SettledAfter(d),
            Concluded = ConcludedAfter(d),
        },
        ConfirmationAwaited w => this with
        {
            Pending = (Pending.Count >= MaxPending ? Pending.Remove(Pending.Values.MinBy(p => p.At)!.Transaction) : Pending).SetItem(w.Transaction, w),
        },
        RegistrarSuiteMigrated m => this with { Suite = m.Algorithm },
        RegistrarGdsCertified g => this with { GdsKeyRef = g.KeyRef, GdsCertificateDer = g.CertificateDer, GdsCertificates = GdsCertificates + 1 },
        RegistrarGdsApplicationRegistered or RegistrarGdsApplicationUnregistered or RegistrarGdsCertificateDelivered or RegistrarGdsCertificateRevoked
            or RegistrarGdsSigningRequested => ApplyGds(e),
        DomainCertificateEnrolled x => this with { Holders = Holders.SetItem(SerialNumber.OfCertificate(x.CertificateDer).Hex, x.Holder.Value) },
        _ => this,
    };

    // A decision that closes a wait with certRevoked (the deadline passed) keeps what the wait knew of the requester.
    private ImmutableDictionary<string, ConfirmationAwaited> LapsedAfter(RegistrarDecided d)
    {
        var lapsed = Lapsed ?? ImmutableDictionary<string, ConfirmationAwaited>.Empty; // absent from snapshots taken before it existed
        if (!d.Closes || d.Failure != "certRevoked" || !Pending.TryGetValue(d.Transaction, out var wait)) return lapsed;
        if (lapsed.Count >= MaxPending) lapsed = lapsed.Remove(lapsed.Values.MinBy(p => p.At)!.Transaction);
        return lapsed.SetItem(d.Transaction, wait);
    }

    // A certConf forwarded upstream and answered pkiConf (the decision that closes the wait is "forwarded") keeps what the wait knew.
    private ImmutableDictionary<string, ConfirmationAwaited> SettledAfter(RegistrarDecided d)
    {
        var settled = Settled ?? ImmutableDictionary<string, ConfirmationAwaited>.Empty; // absent from snapshots taken before it existed
        if (!d.Closes || d.Verdict != RegistrarDecided.Forwarded || !Pending.TryGetValue(d.Transaction, out var wait) || !wait.FromUpstream) return settled;
        if (settled.Count >= MaxPending) settled = settled.Remove(settled.Values.MinBy(p => p.At)!.Transaction);
        return settled.SetItem(d.Transaction, wait);
    }

    // A certConf the registrar decided itself (the decision that closes the wait is "confirmed" or "rejected") keeps what the wait knew.
    private ImmutableDictionary<string, ConcludedWait> ConcludedAfter(RegistrarDecided d)
    {
        var concluded = Concluded ?? ImmutableDictionary<string, ConcludedWait>.Empty; // absent from snapshots taken before it existed
        if (!d.Closes || d.Verdict is not (RegistrarDecided.Confirmed or RegistrarDecided.Rejected) || !Pending.TryGetValue(d.Transaction, out var wait) || wait.FromUpstream)
            return concluded;
        if (concluded.Count >= MaxPending) concluded = concluded.Remove(concluded.Values.MinBy(c => c.Wait.At)!.Wait.Transaction);
        return concluded.SetItem(d.Transaction, new ConcludedWait(wait, d.Verdict == RegistrarDecided.Confirmed));
    }

    // The first decision on a transaction is its answer; a later one (a refused reuse of the transactionID, a certConf) is not.
    private ImmutableDictionary<string, AnsweredRequest> Answered(RegistrarDecided d)
    {
        var answers = Answers ?? ImmutableDictionary<string, AnsweredRequest>.Empty;
        if (d.RequestDigest is null || d.Transaction.Length == 0) return answers;
        if (!answers.IsEmpty && answers.Values.First().At != d.At) answers = ImmutableDictionary<string, AnsweredRequest>.Empty;
        return answers.ContainsKey(d.Transaction) ? answers : answers.Add(d.Transaction,
            new AnsweredRequest(d.RequestDigest, d.At, d.Verdict, d.Failure, d.Reference) { Reason = d.Verdict == RegistrarDecided.Refused ? d.Reason : null });
    }
}

/// <summary>A wait for certConf the registrar closed itself: what it knew of the requester, and whether the certificate was accepted.</summary>
public sealed record ConcludedWait(ConfirmationAwaited Wait, bool Accepted);

/// <summary>How the registrar answered one request: its SHA-256 (hex), when, the verdict, the failure of a refusal, the one-time reference it used.</summary>
public sealed record AnsweredRequest(string Digest, SimInstant At, string Verdict, string? Failure, string? Reference)
{
    /// <summary>What a refused requester was told: told again, word for word.</summary>
    public string? Reason { get; init; }
}

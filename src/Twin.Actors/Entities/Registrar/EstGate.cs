using Akka.Actor;
using Twin.Actors.Protocol.Commands;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Registrar;

/// <summary>
/// What a registrar publishes for the EST endpoint of its domain in this process (<see cref="Plant.PlantRuntime.EstGates"/>), beside
/// its <see cref="CmpGate"/>: an immutable snapshot of its settings and trust, replaced when either changes. The endpoint makes the
/// expensive checks ahead on the HTTP request's own thread — the PKCS#10 signature (proof of possession) and the TLS client
/// certificate's signature — and hands the parsed request to the registrar, which judges it on its own thread against its
/// current state and finds those signatures verified already. The gate decides nothing: a stale or missing snapshot costs only the
/// work done ahead, never a check.
/// </summary>
public sealed class EstGate : RegistrarGate
{
    internal EstGate(RegistrarSettings settings, DomainTrust trust, long trustVersion, IActorRef registrar)
        : base(settings, trust, trustVersion, registrar)
    {
    }

    /// <summary>
    /// Makes the checks ahead that the registrar will meet for <paramref name="client"/> (null: none was presented) asking with
    /// <paramref name="csr"/>: the request's signature, and the client certificate's signature by each issuer the domain's trust or
    /// allow-list names as its issuer. Both are remembered (by the request; by the certificate's bytes), so the registrar's
    /// judgement — the whole path, at its own instant, with its own trust — verifies nothing again.
    /// </summary>
    public void CheckAhead(Certificate? client, CertificationRequest csr)
    {
        ArgumentNullException.ThrowIfNull(csr);
        _ = csr.IsSignatureValid;
        if (client is null) return;
        // Only the client's own signature: every other certificate of its path is one of the trust's or the allow-list's, checked
        // once and remembered. A full path validation here would be done again by the registrar all the same. Issuers are matched
        // by name as the path builder matches them (Certificate.NamesAsIssuer).
        foreach (var candidate in Trust.Anchors.Concat(Trust.Intermediates).Concat(Settings.AllowList.Select(a => a.Anchor)))
            if (client.NamesAsIssuer(candidate)) _ = client.IsSignedBy(candidate.PublicKey);
    }

    /// <summary>
    /// Hands the EST request <paramref name="operation"/> of <paramref name="client"/> with <paramref name="csr"/>, checked ahead, to
    /// the registrar; completes with its decision (after the registrar has journaled it), or fails with <see cref="TimeoutException"/>
    /// after <paramref name="timeout"/>.
    /// </summary>
    public Task<EstDecision> SendAsync(string operation, Certificate? client, CertificationRequest csr, string origin, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(operation);
        ArgumentNullException.ThrowIfNull(csr);
        ArgumentException.ThrowIfNullOrEmpty(origin);
        return HandOver<EstDecision>(answer => new Checked(operation, client, csr, origin, answer), timeout);
    }

    /// <summary>
    /// An EST request from outside the twin, parsed (and checked ahead) in this process: carried only in process, never over a wire
    /// or into the journal. The registrar sends its decision to <paramref name="Answer"/>.
    /// </summary>
    public sealed record Checked(string Operation, Certificate? Client, CertificationRequest Csr, string Origin, TaskCompletionSource<EstDecision> Answer);
}

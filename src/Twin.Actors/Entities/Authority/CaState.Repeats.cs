using System.Collections.Immutable;
using Twin.Actors.Clock;
using Twin.Actors.Protocol.Events;

namespace Twin.Actors.Entities.Authority;

/// <summary>The last certificate a CA issued to one requester, and the request (SHA-256, hex) it answered.</summary>
public sealed record IssuedAnswer(string Request, SimInstant At, byte[] CertificateDer);

public sealed partial record CaState
{
    /// <summary>Per requester, the last certificate issued with the request it answered: what a repeated request gets back.</summary>
    public ImmutableSortedDictionary<string, IssuedAnswer> LastAnswers { get; init; } = ImmutableSortedDictionary<string, IssuedAnswer>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>
    /// Per requester, the other answers issued at the instant of its <see cref="LastAnswers"/> entry, oldest first: a gateway whose
    /// domains share this CA asks for two certificates at one instant, and either request may come again. Only that instant's are
    /// kept (a repeat is matched at the instant it was first sent), so the state grows with requests per instant, not with a run.
    /// Absent from snapshots written before it existed: they read as empty.
    /// </summary>
    public ImmutableSortedDictionary<string, ImmutableList<IssuedAnswer>> SameInstantAnswers { get; init; } = ImmutableSortedDictionary<string, ImmutableList<IssuedAnswer>>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>
    /// The certificate already issued for a request that <paramref name="requester"/> first sent at
    /// <paramref name="firstSentAt"/> and sends again (same bytes, digest <paramref name="request"/>):
    /// a requester that recovered before hearing the answer must get the same certificate, not a second one.
    /// A request made anew — later, even with identical bytes (RSA signs deterministically) — is not a repeat.
    /// </summary>
    public IssuedAnswer? RepeatOf(string requester, string request, SimInstant? firstSentAt)
    {
        if (firstSentAt is not { } sent || !LastAnswers.TryGetValue(requester, out var last) || last.At != sent) return null;
        if (last.Request == request) return last;
        return SameInstantAnswers.TryGetValue(requester, out var earlier) ? earlier.Find(a => a.Request == request && a.At == sent) : null;
    }

    private CaState Remember(CertificateIssued i)
    {
        if (i.Request is null) return this;
        var key = i.Subject.Value;
        var answer = new IssuedAnswer(i.Request, i.At, i.CertificateDer);
        var others = LastAnswers.TryGetValue(key, out var last) && last.At == i.At
            ? SameInstantAnswers.SetItem(key, (SameInstantAnswers.TryGetValue(key, out var kept) ? kept : []).Add(last))
            : SameInstantAnswers.Remove(key);
        return this with { LastAnswers = LastAnswers.SetItem(key, answer), SameInstantAnswers = others };
    }
}

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
    /// The certificate already issued for a request that <paramref name="requester"/> first sent at
    /// <paramref name="firstSentAt"/> and sends again (same bytes, digest <paramref name="request"/>):
    /// a requester that recovered before hearing the answer must get the same certificate, not a second one.
    /// A request made anew — later, even with identical bytes (RSA signs deterministically) — is not a repeat.
    /// </summary>
    public IssuedAnswer? RepeatOf(string requester, string request, SimInstant? firstSentAt) =>
        firstSentAt is { } sent && LastAnswers.TryGetValue(requester, out var last) && last.Request == request && last.At == sent ? last : null;

    private CaState Remember(CertificateIssued i) =>
        i.Request is null ? this : this with { LastAnswers = LastAnswers.SetItem(i.Subject.Value, new IssuedAnswer(i.Request, i.At, i.CertificateDer)) };
}

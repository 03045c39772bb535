using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Trust;
using Twin.Pki.Revocation;
using Twin.Pki.Validation;

namespace Twin.Actors.Entities.Device;

/// <summary>
/// The relying party's OCSP client: a certificate that names a responder (design.revocation: ocsp) is checked with the
/// plant's responder at simulated now, live — not from a pulled copy — and the answer is kept until its nextUpdate. One
/// cache per relying party, so each probe and each handshake reuses what the last one learnt. Every answer cached is
/// journaled (<see cref="DeviceOcspAnswerCached"/>, as counted work, before the check that got it finishes) and a restarted
/// relying party reloads them: it goes on judging with the answers it held instead of asking again and learning news early.
/// Certificates without a responder (CA certificates, CRL designs) are left to the CRLs.
/// </summary>
public sealed partial class DeviceActor
{
    private const string OcspCacheLabel = "ocsp-cache";
    private readonly Dictionary<string, OcspCachedAnswer> _ocspJournaled = new(StringComparer.Ordinal);
    private OcspRevocationSource? _ocsp;

    private OcspRevocationSource OcspSource => _ocsp ??= CreateOcspSource();

    private void OcspCacheBehaviour()
    {
        Recover<DeviceOcspAnswerCached>(e => _ocspJournaled[e.IssuerKey + "/" + e.Serial] = FromJournal(e));
        Command<OcspAnswerCached>(c => Persist(new DeviceOcspAnswerCached(_run, c.At, Id, c.Answer.IssuerKey, c.Answer.Serial, c.Answer.Status.Status.ToString(),
            c.Answer.Status.Reason?.ToString(), c.Answer.Status.RevokedAt, c.Answer.Status.ThisUpdate, c.Answer.Status.NextUpdate), _ => { }));
    }

    private OcspRevocationSource CreateOcspSource()
    {
        var source = new OcspRevocationSource(new InProcessOcspTransport(_runtime!.Distribution, _clock));
        foreach (var answer in _ocspJournaled.Values) source.Restore(answer);
        _ocspJournaled.Clear();
        var (self, work, clock) = (Self, Work, _clock);
        // Raised on the thread of the check, inside the work that asked (a probe, a handshake): counted before that work ends,
        // so max mode never moves on before it is journaled; stamped with the instant of the check.
        source.Cached += answer =>
        {
            work.Begin(OcspCacheLabel);
            self.Tell(new Tracked(new OcspAnswerCached(answer, clock.Now), OcspCacheLabel), self);
        };
        return source;
    }

    private static OcspCachedAnswer FromJournal(DeviceOcspAnswerCached e) => new(e.IssuerKey, e.Serial, new OcspStatus(
        Enum.Parse<OcspCertificateStatus>(e.Status), e.Reason is null ? null : Enum.Parse<RevocationReason>(e.Reason), e.RevokedAt, e.ThisUpdate, e.NextUpdate));

    /// <summary>The OCSP client cached <paramref name="Answer"/> during a check at <paramref name="At"/>.</summary>
    private sealed record OcspAnswerCached(OcspCachedAnswer Answer, Clock.SimInstant At);
}

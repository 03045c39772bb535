using System.Collections.Concurrent;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;

namespace Twin.Pki.Validation;

/// <summary>Carries an OCSP request to the responder at a URL and brings back its answer (RFC 6960 Appendix A over HTTP, or in process).</summary>
public interface IOcspTransport
{
    /// <summary>The DER OCSPResponse for <paramref name="requestDer"/> from <paramref name="url"/>, or null when the responder cannot be reached.</summary>
    byte[]? Send(string url, byte[] requestDer);
}

/// <summary>
/// Revocation by OCSP (RFC 6960) for certificates that name a responder (authorityInfoAccess id-ad-ocsp); others are left
/// to the CRLs. Each answer is checked (signer, currency at the instant, nonce of RFC 8954) and cached until its nextUpdate,
/// so a relying party asks again only when the answer it holds is no longer current. A responder that cannot be reached or
/// answers with an error leaves the status unknown, unless a cached answer is still current — as a lapsed CRL does.
/// Thread-safe.
/// </summary>
public sealed class OcspRevocationSource : IRevocationSource
{
    /// <summary>At most this many cached answers; the cache starts over when full.</summary>
    public const int MaxCached = 8192;

    private readonly IOcspTransport _transport;
    private readonly PkiRandom _random;
    private readonly ConcurrentDictionary<string, OcspStatus> _cache = new(StringComparer.Ordinal);
    private long _requests;
    private long _hits;

    /// <summary>Asks through <paramref name="transport"/>; nonces come from <paramref name="random"/> (the system CSPRNG by default).</summary>
    public OcspRevocationSource(IOcspTransport transport, PkiRandom? random = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
        _random = random ?? PkiRandom.System;
    }

    /// <summary>How many requests were sent to responders.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>How many checks a cached answer settled.</summary>
    public long CacheHits => Interlocked.Read(ref _hits);

    /// <summary>
    /// Raised, on the checking thread, for every answer a responder gave that is now cached (not for answers served from the
    /// cache): what a relying party journals so that a restart can <see cref="Restore"/> the cache as it was.
    /// </summary>
    public event Action<OcspCachedAnswer>? Cached;

    /// <summary>Puts back an answer cached before a restart, as if it had just been received; later answers replace it.</summary>
    public void Restore(OcspCachedAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (_cache.Count >= MaxCached) _cache.Clear();
        _cache[answer.IssuerKey + "/" + answer.Serial] = answer.Status;
    }

    /// <inheritdoc />
    public RevocationAnswer? Check(Certificate certificate, Certificate issuer, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(issuer);
        var urls = certificate.OcspUrls;
        if (urls.Count == 0) return null;
        var issuerKey = issuer.PublicKey.Fingerprint;
        var key = issuerKey + "/" + certificate.SerialNumber.Hex;
        // RFC 6960 §4.2.2.1: an answer is current from thisUpdate to nextUpdate; a cached one is used only then.
        if (_cache.TryGetValue(key, out var cached) && cached.ThisUpdate <= at && (cached.NextUpdate is null ? cached.ThisUpdate == at : at <= cached.NextUpdate))
        {
            Interlocked.Increment(ref _hits);
            return Answer(cached);
        }
        var nonce = new byte[16];
        _random.NextBytes(nonce);
        var request = Ocsp.CreateRequest(certificate, issuer, nonce);
        Interlocked.Increment(ref _requests);
        byte[]? response;
        try
        {
            response = _transport.Send(urls[0], request);
        }
        catch (Exception e) when (e is IOException or TimeoutException or OperationCanceledException)
        {
            return new RevocationAnswer(RevocationState.Unknown, Problem: ValidationReason.OcspUnavailable, Detail: $"OCSP responder {urls[0]}: {e.Message}");
        }
        if (response is null)
            return new RevocationAnswer(RevocationState.Unknown, Problem: ValidationReason.OcspUnavailable, Detail: $"OCSP responder {urls[0]} cannot be reached.");
        OcspStatus status;
        try
        {
            status = Ocsp.ReadResponse(response, certificate, issuer, at, nonce);
        }
        catch (PkiException e)
        {
            return new RevocationAnswer(RevocationState.Unknown, Problem: ValidationReason.OcspResponseInvalid, Detail: $"OCSP responder {urls[0]}: {e.Message}");
        }
        if (status.Status != OcspCertificateStatus.Unknown)
        {
            if (_cache.Count >= MaxCached) _cache.Clear();
            _cache[key] = status;
            Cached?.Invoke(new OcspCachedAnswer(issuerKey, certificate.SerialNumber.Hex, status));
        }
        return Answer(status);
    }

    private static RevocationAnswer Answer(OcspStatus status) => status.Status switch
    {
        OcspCertificateStatus.Good => new RevocationAnswer(RevocationState.Good),
        OcspCertificateStatus.Revoked => new RevocationAnswer(RevocationState.Revoked, status.Reason),
        _ => new RevocationAnswer(RevocationState.Unknown, Problem: ValidationReason.OcspStatusUnknown, Detail: "the OCSP responder does not know the certificate"),
    };
}

/// <summary>One answer in a relying party's OCSP cache: the issuer's key (<c>PublicKey.Fingerprint</c>), the serial (hex) and what the responder said.</summary>
public sealed record OcspCachedAnswer(string IssuerKey, string Serial, OcspStatus Status);

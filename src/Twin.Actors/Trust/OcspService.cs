using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;
using Twin.Pki.Validation;

namespace Twin.Actors.Trust;

/// <summary>
/// A CA's OCSP responder as relying parties and the HTTP endpoint reach it: what the CA published last (its keys, its
/// records, whether it is up), answering at simulated now. Immutable: the CA publishes a new one whenever its records or
/// its reachability change, so answers from other threads never see a half-made change. The records are indexed on the
/// first question after a change, not at every issuance.
/// </summary>
public sealed class OcspService
{
    private readonly IReadOnlyList<OcspResponder> _responders;
    private readonly Lazy<Func<SerialNumber, OcspRecord>> _lookup;

    /// <summary>A responder over <paramref name="records"/>, signing with <paramref name="responders"/> (the current key first, then open previous keys).</summary>
    public OcspService(string ca, IReadOnlyList<OcspResponder> responders, CaState records, TimeSpan validity, bool up)
    {
        ArgumentException.ThrowIfNullOrEmpty(ca);
        ArgumentNullException.ThrowIfNull(responders);
        ArgumentNullException.ThrowIfNull(records);
        Ca = ca;
        _responders = responders;
        Validity = validity;
        IsUp = up;
        _lookup = new Lazy<Func<SerialNumber, OcspRecord>>(() => Index(records), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The CA entity this responder speaks for.</summary>
    public string Ca { get; }

    /// <summary>How long each answer is current (nextUpdate = thisUpdate + this).</summary>
    public TimeSpan Validity { get; }

    /// <summary>False while the responder is down (its CA is cut off and no delegated responder stands in).</summary>
    public bool IsUp { get; }

    /// <summary>The certificate that signs the answers (the CA's, or the delegated responder's).</summary>
    public Certificate Signer => _responders[0].Signer;

    /// <summary>The DER OCSPResponse to <paramref name="requestDer"/> at <paramref name="at"/>, or null while the responder is down.</summary>
    public byte[]? Answer(ReadOnlySpan<byte> requestDer, DateTimeOffset at)
    {
        if (!IsUp) return null;
        byte[]? unauthorized = null;
        // Certificates under a previous key name that key in their CertID; its responder answers for them.
        foreach (var responder in _responders)
        {
            var response = responder.Respond(requestDer, at, Validity, _lookup.Value);
            if (Ocsp.StatusOf(response) != OcspResponseStatus.Unauthorized) return response;
            unauthorized = response;
        }
        return unauthorized;
    }

    // Good: a certificate the CA keeps a record of, or one it made outside its issuance records (link certificates of a root key
    // update, its OCSP responder's certificate). A serial it issued and purged under the retention policy is answered "unknown"
    // (RFC 6960 §2.2: the responder does not know about it any more), never "good": the CA no longer knows whether it was revoked.
    private static Func<SerialNumber, OcspRecord> Index(CaState records)
    {
        var ledger = records.Serials;
        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var der in records.LinkCertificates) known.Add(Certificate.FromDer(der).SerialNumber.Hex);
        if (records.OcspResponderDer is { } responder) known.Add(Certificate.FromDer(responder).SerialNumber.Hex);
        var revoked = new Dictionary<string, RevocationEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var r in records.Revocations) revoked[r.Serial] = r; // the latest word on a serial (a hold made final)
        return serial =>
            revoked.TryGetValue(serial.Hex, out var r) ? new OcspRecord(OcspCertificateStatus.Revoked, r.At.Utc, r.Reason)
            : ledger.RecordOf(serial.Hex) is not null || known.Contains(serial.Hex) ? OcspRecord.Good
            : OcspRecord.Unknown;
    }
}

/// <summary>Carries relying parties' OCSP requests to the plant's responders in process, at simulated now: the path's last segment names the CA.</summary>
public sealed class InProcessOcspTransport(CrlDistributionPoint distribution, SimulationClock clock) : IOcspTransport
{
    /// <inheritdoc />
    public byte[]? Send(string url, byte[] requestDer)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(requestDer);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return null;
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2 || segments[^2] != "ocsp") return null;
        return distribution.OcspFor(Uri.UnescapeDataString(segments[^1]))?.Answer(requestDer, clock.Now.Utc);
    }
}

using Akka.Actor;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Gds;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;

namespace Twin.Actors.Gds;

/// <summary>
/// The GDS backend of an operator domain (the registrar's GDS role): the domain's CA entity signs and revokes, and the trust
/// list handed to applications is that CA's certificate with its current CRL. Signing and revocation are asks to the CA
/// actor; the trust list is a copy refreshed after each of them (and by <see cref="RefreshAsync"/>), so the GDS's
/// synchronous reads never wait on an actor.
/// </summary>
public sealed class DomainGdsBackend : IGdsBackend
{
    private readonly IActorRef _ca;
    private readonly EntityId _requester;
    private readonly TimeSpan _lifetime;
    private readonly TimeSpan _askTimeout;
    private readonly RevocationReason _reason;
    private volatile Snapshot _snapshot = new([], null);

    private sealed record Snapshot(byte[] CaCertificate, byte[]? Crl);

    /// <param name="ca">The domain's CA entity.</param>
    /// <param name="requester">Who the CA records as asking (the registrar).</param>
    /// <param name="lifetime">Lifetime of the application certificates it issues.</param>
    /// <param name="askTimeout">How long to wait for the CA (wall time); default 30 s.</param>
    /// <param name="reason">The reason recorded for a RevokeCertificate (Part 12 gives none).</param>
    public DomainGdsBackend(IActorRef ca, EntityId requester, TimeSpan lifetime, TimeSpan? askTimeout = null, RevocationReason reason = RevocationReason.Unspecified)
    {
        _ca = ca ?? throw new ArgumentNullException(nameof(ca));
        _requester = requester;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        (_lifetime, _askTimeout, _reason) = (lifetime, askTimeout ?? TimeSpan.FromSeconds(30), reason);
    }

    /// <summary>
    /// Who the CA records as asking for an application's certificate and for how long it is issued; null refuses the application
    /// (BadRequestNotAllowed). Unset: the registrar asks, for the lifetime given at construction.
    /// </summary>
    public Func<ApplicationRecord, (EntityId Requester, TimeSpan Lifetime)?>? Route { get; init; }

    /// <summary>Where the CA's certificate and CRL are read when set (the plant's distribution point, always current); unset: the copy <see cref="RefreshAsync"/> keeps.</summary>
    public Func<(byte[] CaCertificate, byte[]? Crl)?>? Published { get; init; }

    /// <summary>
    /// Told of each signing request (its application and PKCS#10 DER) before the CA is asked; answers the instant this very request
    /// was first sent when it is a repeat (the CA then answers with the certificate it issued for it, if any), null when it is new.
    /// Unset: every request is new.
    /// </summary>
    public Func<ApplicationRecord, byte[], CancellationToken, Task<Clock.SimInstant?>>? BeforeSigning { get; init; }

    /// <summary>Reads the CA's certificate and current CRL again (after a rollover or a scheduled CRL).</summary>
    public async Task RefreshAsync()
    {
        var certificate = await _ca.Ask<CaCertificate>(new GetCaCertificate(), _askTimeout).ConfigureAwait(false);
        var crl = await _ca.Ask<CaCrl>(new GetCurrentCrl(), _askTimeout).ConfigureAwait(false);
        _snapshot = new Snapshot(certificate.CertificateDer ?? throw new InvalidOperationException($"CA {certificate.Ca} has no certificate yet."), crl.CrlDer);
    }

    /// <inheritdoc />
    public async Task<GdsIssuedCertificate> SignAsync(ApplicationRecord application, byte[] certificationRequest, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(application);
        var (requester, lifetime) = Route is null ? (_requester, _lifetime)
            : Route(application) ?? throw new UaException(StatusCodes.BadRequestNotAllowed, $"{application.ApplicationUri} is not managed by this domain's GDS.");
        var firstSentAt = BeforeSigning is null ? null : await BeforeSigning(application, certificationRequest, ct).ConfigureAwait(false);
        var answer = await _ca.Ask<object>(new IssueFromCsr(requester, certificationRequest, CertificateProfile.OpcUaApplication, lifetime) { FirstSentAt = firstSentAt },
            _askTimeout, ct).ConfigureAwait(false);
        switch (answer)
        {
            case CertificateGranted granted:
                if (Published is null) await RefreshAsync().ConfigureAwait(false);
                return new GdsIssuedCertificate(granted.CertificateDer, [granted.IssuerCertificateDer]);
            case CertificateRefused refused:
                throw new UaException(StatusCodes.BadRequestNotAllowed, $"The domain CA refused {application.ApplicationUri}: {refused.Reason}");
            default:
                throw new UaException(StatusCodes.BadUnexpectedError, $"The domain CA answered {answer.GetType().Name}.");
        }
    }

    /// <summary>
    /// Revokes a certificate of the application if the domain's CA issued it and still keeps its record (any of its certificates,
    /// not only the latest; until the retention policy purges a long-expired one): asked of the CA, not of a list kept here. Anything
    /// else is BadInvalidArgument (Part 12 §7.9.15); one revoked already is left as it is. Completes once the CA has journaled the
    /// revocation and published its CRL.
    /// </summary>
    public async Task RevokeAsync(ApplicationRecord application, byte[] certificate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(application);
        var parsed = Certificate.FromDer(certificate);
        var serial = parsed.SerialNumber.Hex;
        var record = await _ca.Ask<CertificateRecord>(new GetCertificateRecord(serial, parsed.Issuer), _askTimeout, ct).ConfigureAwait(false);
        if (!record.Known)
            throw new UaException(StatusCodes.BadInvalidArgument, $"The domain CA has no record of issuing serial {serial} ({parsed.Issuer}): not a certificate of {application.ApplicationUri} from this GDS.");
        if (record.Revoked) return;
        var answer = await _ca.Ask<object>(new RevokeCertificate(serial, _reason, "gds:" + application.ApplicationUri), _askTimeout, ct).ConfigureAwait(false);
        if (answer is RevocationRefused refused) throw new UaException(StatusCodes.BadRequestNotAllowed, $"The domain CA did not revoke {serial}: {refused.Reason}");
        if (Published is null) await RefreshAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public TrustListData TrustList()
    {
        var s = Published?.Invoke() is { } p ? new Snapshot(p.CaCertificate, p.Crl) : _snapshot;
        return new TrustListData(TrustListMasks.All, s.CaCertificate.Length == 0 ? [] : [s.CaCertificate], s.Crl is null ? [] : [s.Crl], [], []);
    }

    /// <inheritdoc />
    public byte[] IssuerCertificate() => (Published?.Invoke()?.CaCertificate ?? _snapshot.CaCertificate) is { Length: > 0 } ca ? ca : throw new UaException(StatusCodes.BadInvalidState, "The domain CA's certificate is not known yet (RefreshAsync first).");
}

using System.Collections.Concurrent;
using Twin.OpcUa.Gds;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;

namespace Twin.OpcUa.Tests.Gds;

/// <summary>
/// A GDS backend on a Twin.Pki CA for tests. With <paramref name="holdUntilTrustListRead"/> signing waits until someone has read
/// the trust list, so a FinishRequest before that must meet a pending request.
/// </summary>
internal sealed class TestGdsBackend(CertificateAuthority ca, byte[] crl, bool holdUntilTrustListRead) : IGdsBackend
{
    private readonly TaskCompletionSource _trustListRead = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The CRL handed out with the trust list (a test may swap in one that revokes something).</summary>
    public byte[] Crl { get; set; } = crl;

    public ConcurrentQueue<byte[]> Revoked { get; } = new();

    /// <summary>When set, every signing request is refused with BadRequestNotAllowed and this reason.</summary>
    public string? RefuseWith { get; set; }

    public async Task<GdsIssuedCertificate> SignAsync(ApplicationRecord application, byte[] certificationRequest, CancellationToken ct)
    {
        if (holdUntilTrustListRead) await _trustListRead.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
        if (RefuseWith is { } reason) throw new Twin.OpcUa.Encoding.UaException(Twin.OpcUa.Encoding.StatusCodes.BadRequestNotAllowed, reason);
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        Certificate issued;
        lock (ca) issued = ca.Issue(CertificationRequest.FromDer(certificationRequest), CertificateProfile.OpcUaApplication, start, start.AddDays(90));
        _issued[issued.SerialNumber.Hex] = false;
        return new GdsIssuedCertificate(issued.GetDer(), [ca.Certificate.GetDer()]);
    }

    // The serials this backend had its CA issue: its records (the shared test CA itself is left unchanged).
    private readonly ConcurrentDictionary<string, bool> _issued = new(StringComparer.Ordinal);

    // As a CA would: only a certificate it issued; a second revocation of the same one changes nothing.
    public Task RevokeAsync(ApplicationRecord application, byte[] certificate, CancellationToken ct)
    {
        var serial = Certificate.FromDer(certificate).SerialNumber.Hex;
        if (!_issued.TryGetValue(serial, out var revoked))
            throw new Twin.OpcUa.Encoding.UaException(Twin.OpcUa.Encoding.StatusCodes.BadInvalidArgument, $"Serial {serial} was not issued here.");
        if (!revoked && _issued.TryUpdate(serial, true, false)) Revoked.Enqueue(certificate);
        return Task.CompletedTask;
    }

    public TrustListData TrustList()
    {
        _trustListRead.TrySetResult();
        return new TrustListData(TrustListMasks.All, [ca.Certificate.GetDer()], [Crl], [], []);
    }

    public byte[] IssuerCertificate() => ca.Certificate.GetDer();
}

using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Security;

namespace Twin.OpcUa.Tests.NegativeMatrix;

/// <summary>A rejected list that also keeps the status code each certificate was rejected with.</summary>
public sealed class RejectionRecorder : IRejectedCertificateStore
{
    private readonly List<(X509Certificate2 Certificate, StatusCode Reason)> _entries = [];

    public void Add(X509Certificate2 certificate, StatusCode reason)
    {
        lock (_entries) _entries.Add((certificate, reason));
    }

    public IReadOnlyList<X509Certificate2> Rejected
    {
        get { lock (_entries) return [.. _entries.Select(e => e.Certificate)]; }
    }

    /// <summary>The codes <paramref name="certificate"/> was rejected with, in order.</summary>
    public IReadOnlyList<uint> CodesFor(X509Certificate2 certificate)
    {
        lock (_entries) return [.. _entries.Where(e => e.Certificate.RawData.AsSpan().SequenceEqual(certificate.RawData)).Select(e => e.Reason.Code)];
    }
}

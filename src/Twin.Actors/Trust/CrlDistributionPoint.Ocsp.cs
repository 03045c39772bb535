using System.Collections.Concurrent;

namespace Twin.Actors.Trust;

public sealed partial class CrlDistributionPoint
{
    private readonly ConcurrentDictionary<string, OcspService> _ocsp = new(StringComparer.Ordinal);

    /// <summary>Publishes (or replaces) the OCSP responder of CA <paramref name="ca"/> as it stands now.</summary>
    public void PublishOcsp(string ca, OcspService service)
    {
        ArgumentException.ThrowIfNullOrEmpty(ca);
        ArgumentNullException.ThrowIfNull(service);
        _ocsp[ca] = service;
    }

    /// <summary>The OCSP responder of CA <paramref name="ca"/>, or null when it runs none.</summary>
    public OcspService? OcspFor(string ca) => _ocsp.GetValueOrDefault(ca ?? "");

    /// <summary>The CAs that run an OCSP responder, in name order.</summary>
    public IReadOnlyList<string> OcspResponders => [.. _ocsp.Keys.Order(StringComparer.Ordinal)];
}

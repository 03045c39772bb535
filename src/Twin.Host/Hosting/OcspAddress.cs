using Twin.Actors.Plant;

namespace Twin.Host.Hosting;

/// <summary>
/// Where the host serves its OCSP responders (/ocsp/{ca}), as the CAs write it into the authorityInfoAccess of what they issue: the
/// address the host is bound to (<c>serve --urls</c>), so that a relying party outside the twin (openssl ocsp -url from the
/// certificate) reaches the responder that signed the answer.
/// </summary>
public static class OcspAddress
{
    /// <summary>
    /// The base URL for <paramref name="urls"/> (Kestrel's list, ';'-separated): the first http(s) URL with a concrete port, a
    /// wildcard host (*, +, 0.0.0.0, [::]) named as 127.0.0.1; null when none has a concrete port (port 0: known only once bound).
    /// </summary>
    public static Uri? BaseFor(string? urls)
    {
        if (string.IsNullOrWhiteSpace(urls)) return null;
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var normalised = url.Replace("://*", "://127.0.0.1", StringComparison.Ordinal).Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal);
            if (!Uri.TryCreate(normalised, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Port <= 0) continue;
            return new Uri($"{uri.Scheme}://{uri.Authority}/");
        }
        return null;
    }

    /// <summary><paramref name="spec"/> with every OCSP-designed CA naming its responder under <paramref name="baseUrl"/>.</summary>
    public static PlantSpec WithBase(PlantSpec spec, Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(baseUrl);
        return spec with
        {
            Authorities = [.. spec.Authorities.Select(a => (a.Id, a.Settings.Ocsp is { } ocsp ? a.Settings with { Ocsp = ocsp with { BaseUrl = baseUrl } } : a.Settings))],
        };
    }

    /// <summary>
    /// <paramref name="urls"/> with a loopback port 0 replaced by a port free now (the operating system picks it), so that the
    /// address is known before the twin issues its first certificate; the host then binds exactly there.
    /// </summary>
    public static string ResolveFreePort(string urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        return string.Join(';', urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(url =>
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Port != 0 || !System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) || !System.Net.IPAddress.IsLoopback(ip)) return url;
            using var probe = new System.Net.Sockets.TcpListener(ip, 0);
            probe.Start();
            var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            return new UriBuilder(uri) { Port = port }.Uri.ToString().TrimEnd('/');
        }));
    }
}

using Twin.Actors.Entities.Registrar;
using Twin.Pki;
using Twin.Pki.Brski;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Host.Enrollment;

/// <summary>The manufacturers the enrollment endpoints recognise (their IDevID CAs and MASAs) and the IDevID allow-list.</summary>
public sealed class EstManufacturers
{
    private readonly List<(Certificate Ca, Masa? Masa)> _manufacturers = [];
    private readonly List<(string? Issuer, string Serial, string Pattern)> _allow = [];

    /// <summary>Loads the manufacturers and the allow-list from <paramref name="options"/>; a bad file or pattern names its setting.</summary>
    public EstManufacturers(EstOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        for (var i = 0; i < options.Manufacturers.Count; i++)
        {
            var m = options.Manufacturers[i];
            var setting = $"Twin:Est:Manufacturers:{i}";
            try
            {
                var ca = Certificate.FromPem(Read(m.CaFile, $"{setting}:CaFile"));
                Masa? masa = null;
                if (m.MasaCertificateFile is not null || m.MasaKeyFile is not null)
                {
                    var signer = Certificate.FromPem(Read(m.MasaCertificateFile, $"{setting}:MasaCertificateFile"));
                    var key = KeyPair.ImportPkcs8Pem(Read(m.MasaKeyFile, $"{setting}:MasaKeyFile"));
                    masa = new Masa([ca], signer, key, [ca]);
                }
                _manufacturers.Add((ca, masa));
            }
            catch (PkiException e)
            {
                throw new EnrollmentConfigurationException($"{setting}: {e.Message}");
            }
        }
        for (var i = 0; i < options.AllowList.Count; i++)
        {
            var entry = options.AllowList[i];
            if (string.IsNullOrWhiteSpace(entry.SerialNumber))
                throw new EnrollmentConfigurationException($"Twin:Est:AllowList:{i}:SerialNumber is empty; use '*' to allow every serial number of a manufacturer.");
            var issuer = entry.Issuer is "*" or "" ? null : DistinguishedNames.Normalize(entry.Issuer);
            // Linear-time matching: no time-out that a busy machine could trip (FullMatch).
            _allow.Add((issuer, FullMatch.FromWildcard(entry.SerialNumber), $"{entry.Issuer} / {entry.SerialNumber}"));
        }
    }

    /// <summary>The manufacturer IDevID CAs: trust anchors for IDevIDs only.</summary>
    public IReadOnlyList<Certificate> Anchors => [.. _manufacturers.Select(m => m.Ca)];

    /// <summary>True when an allow-list rule matches <paramref name="idevid"/>; otherwise why not.</summary>
    public bool IsAllowListed(Certificate idevid, out string reason)
    {
        ArgumentNullException.ThrowIfNull(idevid);
        var serial = BrskiIdentity.SerialNumberOf(idevid);
        if (serial is null)
        {
            reason = $"IDevID {idevid.Subject} carries no serialNumber.";
            return false;
        }
        foreach (var (issuer, serialPattern, pattern) in _allow)
        {
            if ((issuer is null || issuer == idevid.Issuer) && FullMatch.Matches(serialPattern, serial))
            {
                reason = $"allow-listed by {pattern}";
                return true;
            }
        }
        reason = $"IDevID serialNumber '{serial}' of {idevid.Issuer} is not on the allow-list.";
        return false;
    }

    /// <summary>The MASA of the manufacturer that issued <paramref name="idevid"/>, or null.</summary>
    public Masa? MasaFor(Certificate idevid)
    {
        ArgumentNullException.ThrowIfNull(idevid);
        return _manufacturers.FirstOrDefault(m => m.Ca.Subject == idevid.Issuer && idevid.IsSignedBy(m.Ca.PublicKey)).Masa;
    }

    private static string Read(string? file, string setting)
    {
        if (string.IsNullOrWhiteSpace(file)) throw new EnrollmentConfigurationException($"{setting} is not set.");
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EnrollmentConfigurationException($"{setting}: cannot read {file}: {e.Message}");
        }
    }
}

/// <summary>A setting of the enrollment endpoints is wrong; the message names it.</summary>
public sealed class EnrollmentConfigurationException(string message) : Exception(message);

using Twin.Pki.Authority;

namespace Twin.Host.Enrollment;

/// <summary>The "Twin:Est" settings: the enrollment listener (EST and BRSKI over HTTPS) and whom it trusts.</summary>
public sealed class EstOptions
{
    /// <summary>The default HTTPS port of the enrollment listener on 127.0.0.1.</summary>
    public const int DefaultPort = 8443;

    /// <summary>False switches the enrollment listener off.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The port on 127.0.0.1 (0 picks a free one).</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>The domain (CA entity id) served at /.well-known/est/ without a label; unset: the run's first issuing CA, else its root.</summary>
    public string? DefaultDomain { get; set; }

    /// <summary>The profile of certificates issued to enrolling clients.</summary>
    public CertificateProfile Profile { get; set; } = CertificateProfile.LDevId;

    /// <summary>The lifetime of certificates issued to enrolling clients (in simulated time).</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Manufacturers whose IDevIDs may authenticate (for zero-touch onboarding), each with its MASA.</summary>
    public List<ManufacturerOptions> Manufacturers { get; set; } = [];

    /// <summary>The IDevIDs allowed to onboard; empty: none (safe default).</summary>
    public List<AllowListEntry> AllowList { get; set; } = [];
}

/// <summary>A manufacturer: its IDevID CA and, for BRSKI, its MASA's signing certificate and key (PEM files).</summary>
public sealed class ManufacturerOptions
{
    /// <summary>PEM file with the manufacturer's IDevID CA certificate (a trust anchor for IDevIDs only).</summary>
    public string CaFile { get; set; } = "";

    /// <summary>PEM file with the MASA's voucher-signing certificate.</summary>
    public string? MasaCertificateFile { get; set; }

    /// <summary>PEM file (PKCS#8) with the MASA's signing key; keep it owner-readable only.</summary>
    public string? MasaKeyFile { get; set; }
}

/// <summary>One allow-list rule: IDevIDs issued by <see cref="Issuer"/> whose serialNumber matches <see cref="SerialNumber"/>.</summary>
public sealed class AllowListEntry
{
    /// <summary>The manufacturer CA's subject DN, or "*" for any configured manufacturer.</summary>
    public string Issuer { get; set; } = "*";

    /// <summary>A pattern over the IDevID's serialNumber: '*' any run of characters, '?' one character.</summary>
    public string SerialNumber { get; set; } = "";
}

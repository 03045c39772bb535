using System.Collections.Immutable;
using Twin.Actors.Model;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;

namespace Twin.Actors.Entities.Manufacturer;

/// <summary>What a manufacturer knows, rebuilt from its events. Pure: no actors, no I/O.</summary>
[PersistedAs("mfr.state.v1")]
public sealed record ManufacturerState(string? CaKeyRef, byte[]? CaCertificateDer, string? MasaKeyRef, byte[]? MasaCertificateDer, string? SigningKeyRef, byte[]? SigningCertificateDer) : ITwinPersisted
{
    /// <summary>A manufacturer before it set up its PKI.</summary>
    public static ManufacturerState Empty { get; } = new(null, null, null, null, null, null);

    /// <summary>The IDevID serial number of every device produced, by device id.</summary>
    public ImmutableDictionary<string, string> Produced { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Every serial number vouchered, with the domain whose registrar the voucher pins.</summary>
    public ImmutableDictionary<string, string> Vouchered { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>How many signatures it made (names the randomness of the next).</summary>
    public int Signatures { get; init; }

    /// <summary>True once the CA, MASA and code-signing keys exist.</summary>
    public bool IsReady => CaKeyRef is not null && MasaKeyRef is not null && SigningKeyRef is not null;

    /// <summary>Returns the state after <paramref name="e"/>.</summary>
    public ManufacturerState Apply(ITwinEvent e) => e switch
    {
        ManufacturerEstablished m => this with
        {
            CaKeyRef = m.CaKeyRef, CaCertificateDer = m.CaCertificateDer, MasaKeyRef = m.MasaKeyRef, MasaCertificateDer = m.MasaCertificateDer,
            SigningKeyRef = m.SigningKeyRef, SigningCertificateDer = m.SigningCertificateDer,
        },
        IdevidIssued i => this with { Produced = Produced.SetItem(i.Device.Value, i.SerialNumber) },
        VoucherIssued v => this with { Vouchered = Vouchered.SetItem(v.SerialNumber, v.Domain), Signatures = Signatures + 1 },
        FirmwareSigned or MtpPackageSigned => this with { Signatures = Signatures + 1 },
        _ => this,
    };

    /// <summary>
    /// The MASA's ownership policy (RFC 8995 §5.5.4), decided before a voucher is signed: the device was made here, it is sold to
    /// <paramref name="domain"/>, and — with clone detection — its serial has not been vouchered before. Null: a voucher may be signed.
    /// </summary>
    public string? OwnershipProblem(ManufacturerSettings settings, string serial, string domain)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var device = Produced.FirstOrDefault(p => p.Value == serial).Key;
        if (device is null) return $"serial-number '{serial}' was not produced by this manufacturer.";
        var owner = settings.Products.TryGetValue(new EntityId(device), out var o) ? o : null;
        if (owner is null) return $"serial-number '{serial}' ({device}) is not sold to any operator: no ownership record.";
        if (owner != domain) return $"serial-number '{serial}' ({device}) is owned by domain '{owner}', not '{domain}'.";
        if (settings.OneVoucherPerSerial && Vouchered.TryGetValue(serial, out var before))
            return $"serial-number '{serial}' ({device}) was already onboarded into domain '{before}': a second pledge with the same IDevID (a clone?) gets no voucher.";
        return null;
    }
}

using System.Collections.Immutable;
using Twin.Actors.Clock;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Device;

/// <summary>What a device knows, rebuilt from its events. Pure: no actors, no I/O.</summary>
/// <remarks>
/// Only the certificate in use is kept, with a count of all installed: the earlier ones are in the journal
/// (<c>dev.cert-installed.v1</c>); holding them here (dev.state.v1) grew every device with the length of a run.
/// </remarks>
[PersistedAs("dev.state.v2")]
public sealed record DeviceState(string? KeyRef, byte[]? PublicKeyInfo, byte[]? CertificateDer, bool EnrollmentPending, int KeysGenerated, int Requests) : ITwinPersisted
{
    /// <summary>A device fresh from the factory floor: no key, no certificate.</summary>
    public static DeviceState Empty { get; } = new(null, null, null, false, 0, 0);

    /// <summary>How many certificates the device has installed, the current one included.</summary>
    public int CertificatesInstalled { get; init; }

    /// <summary>Taken out of service: keys destroyed, nothing renewed, served or probed again.</summary>
    public bool Decommissioned { get; init; }

    /// <summary>Every key reference the device generated and has not destroyed yet, oldest first (what decommissioning destroys).</summary>
    public ImmutableList<string> KeyRefs { get; init; } = [];

    /// <summary>When the certificate in use was installed: the instant its superseded keys are destroyed at, after a restart too.</summary>
    public SimInstant? InstalledAt { get; init; }

    /// <summary>The PKCS#10 request sent and not answered yet, and when it was sent: sent again, byte for byte, after a restart.</summary>
    public PendingRequest? Pending { get; init; }

    /// <summary>The CMP request (ir or kur) sent and neither answered nor refused yet: sent again, byte for byte, after a restart.</summary>
    public PendingCmp? CmpPending { get; init; }

    /// <summary>When the CMP request its registrar refused last was sent, while none was sent since: the retry is due <c>RetryAfter</c> after it.</summary>
    public SimInstant? RefusedRequestSentAt { get; init; }

    /// <summary>The key algorithm the device's domain migrated it to (a <c>KeyAlgorithm</c> name); null: the one it was built with.</summary>
    public string? MigratedAlgorithm { get; init; }

    /// <summary>The certificate in use: the last one installed.</summary>
    public Certificate? Current => CertificateDer is null ? null : Certificate.FromDer(CertificateDer);

    /// <summary>
    /// The keys a newly installed certificate made obsolete: once the certificate in use certifies the newest key, every older key
    /// the device still holds. None while a request for a newer key is open (the certificate in use is then for an older key, and
    /// which one is not recorded): the live key is never among them.
    /// </summary>
    public IReadOnlyList<string> SupersededKeyRefs()
    {
        if (KeyRef is not { } live || PublicKeyInfo is not { } newest || CertificateDer is null || Decommissioned) return [];
        if (!Current!.PublicKey.SubjectPublicKeyInfo.AsSpan().SequenceEqual(newest)) return [];
        return [.. (KeyRefs ?? []).Where(r => !string.Equals(r, live, StringComparison.Ordinal))];
    }

    /// <summary>Returns the state after <paramref name="e"/>.</summary>
    public DeviceState Apply(ITwinEvent e) => e switch
    {
        DeviceKeyGenerated k => this with { KeyRef = k.KeyRef, PublicKeyInfo = k.PublicKeyInfo, KeysGenerated = KeysGenerated + 1, KeyRefs = (KeyRefs ?? []).Add(k.KeyRef) },
        KeyDestroyed d => this with { KeyRefs = (KeyRefs ?? []).Remove(d.KeyRef) },
        DeviceKeyAlgorithmMigrated m => this with { MigratedAlgorithm = m.Algorithm },
        DeviceDecommissioned => this with { Decommissioned = true, KeyRef = null, KeyRefs = [], EnrollmentPending = false, Pending = null, CmpPending = null },
        DeviceEnrollmentRequested r => this with { EnrollmentPending = true, Requests = Requests + 1, Pending = new PendingRequest(r.CsrDer, r.At) },
        DeviceCmpRequested q => this with { EnrollmentPending = true, Requests = Requests + 1, Pending = null, CmpPending = new PendingCmp(q.MessageDer, q.At), RefusedRequestSentAt = null },
        DeviceCmpRefused => this with { EnrollmentPending = false, CmpPending = null, RefusedRequestSentAt = CmpPending?.SentAt },
        DeviceCertificateInstalled c => this with { CertificateDer = c.CertificateDer, CertificatesInstalled = CertificatesInstalled + 1, EnrollmentPending = false, Pending = null, CmpPending = null, InstalledAt = c.At, RefusedRequestSentAt = null },
        _ => this,
    };

    /// <summary>
    /// When the current certificate is due for renewal: at <paramref name="fraction"/> of its lifetime,
    /// and at least <paramref name="minimumLead"/> before it expires (OPC UA guidance: renew at ¾ and a day ahead).
    /// </summary>
    public static SimInstant RenewalDue(Certificate certificate, double fraction, TimeSpan minimumLead)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var lifetime = certificate.NotAfter - certificate.NotBefore;
        var atFraction = certificate.NotBefore + TimeSpan.FromTicks((long)(lifetime.Ticks * fraction));
        var latest = certificate.NotAfter - minimumLead;
        var due = latest > certificate.NotBefore && latest < atFraction ? latest : atFraction;
        return new SimInstant(due);
    }
}

/// <summary>A PKCS#10 request (DER) a device sent at <paramref name="SentAt"/> and has had no certificate for yet.</summary>
public sealed record PendingRequest(byte[] CsrDer, SimInstant SentAt);

/// <summary>A CMP request (the PKIMessage's DER) a device sent at <paramref name="SentAt"/> and has heard no answer to yet.</summary>
public sealed record PendingCmp(byte[] MessageDer, SimInstant SentAt);

using System.Net;
using System.Security.Cryptography;
using Akka.Actor;
using Twin.Actors.Entities.Enrollment;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Est;
using Twin.Pki.Keys;

namespace Twin.Host.Enrollment;

public sealed partial class EstTwinBackend
{
    private readonly SemaphoreSlim _credentialGate = new(1, 1);
    private RegistrarCredential? _credential;

    /// <inheritdoc />
    public async Task<EstResult> EnrollAsync(EstDomain domain, EstClient client, CertificationRequest csr, EstOperation operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(csr);
        var op = EstPaths.Segment(operation);
        if (domain.Registrar is not null) return await EnrollThroughRegistrarAsync(domain, client, csr, op);
        if (Admit(client, csr, operation) is { } refused)
        {
            await AuditAsync(new EnrollmentAudit("EST", op, client.Name, false, refused.Message));
            return refused;
        }
        return await IssueAsync(domain, EnrolleeOf(client, csr, operation), csr.GetDer(), "EST", op, client.Name);
    }

    /// <inheritdoc />
    public async Task<ServerKeyGenResult> ServerKeyGenAsync(EstDomain domain, EstClient client, CertificationRequest csr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(csr);
        const string op = "serverkeygen";
        if (DeviceKeyStorage != Twin.Actors.Keys.KeyStoreKind.Software)
        {
            var store = Twin.Actors.Keys.KeyRefs.Text(DeviceKeyStorage);
            var hardware = new EstResult(403, $"serverkeygen refused: this plant's devices keep their keys in a {store} key store (design.keyStorage.device: {store}), " +
                "where a key is generated inside and never travels; a key made by the server and sent over the wire could not be one. Enroll with simpleenroll and a CSR signed in the device's store.");
            await AuditAsync(new EnrollmentAudit("EST", op, client.Name, false, hardware.Message));
            return new ServerKeyGenResult(hardware, null, () => Task.CompletedTask);
        }
        if (domain.Registrar is not null) return await ServerKeyGenThroughRegistrarAsync(domain, client, csr);
        // RFC 7030 §4.4.1: the request names the subject; its own key is not the one to be certified, so its signature is not judged.
        if (Admit(client, csr, EstOperation.ServerKeyGen) is { } refused)
        {
            await AuditAsync(new EnrollmentAudit("EST", op, client.Name, false, refused.Message));
            return new ServerKeyGenResult(refused, null, () => Task.CompletedTask);
        }
        var label = "serverkeygen-" + Guid.NewGuid().ToString("N");
        var algorithm = _model.Current.Entities.TryGetValue(domain.Ca, out var ca) && Enum.TryParse<KeyAlgorithm>(ca.KeyAlgorithm, out var a) ? a : KeyAlgorithm.EcdsaP256;
        var signing = ServerKeys.Generate(label, algorithm);
        var request = CertificationRequest.Create(csr.Subject, signing, csr.RequestedUris, csr.RequestedDnsNames, csr.RequestedIpAddresses);
        var entity = EnrolleeOf(client, csr, EstOperation.ServerKeyGen);
        var result = await IssueAsync(domain, entity, request.GetDer(), "EST", op, client.Name);
        if (!result.Issued)
        {
            ServerKeys.Destroy(label);
            return new ServerKeyGenResult(result, null, () => Task.CompletedTask);
        }
        var pkcs8 = ServerKeys.Export(label).ExportPkcs8();
        var fingerprint = signing.PublicKey.Fingerprint;
        return new ServerKeyGenResult(result, pkcs8, async () =>
        {
            // Delivered once: the store forgets the key and the copy handed to the response is wiped.
            ServerKeys.Destroy(label);
            CryptographicOperations.ZeroMemory(pkcs8);
            await RecordAsync(new ServerKeyDestroyed(_run, _clock.Now, entity, result.Certificate!.SerialNumber.Hex, fingerprint));
        });
    }

    /// <inheritdoc />
    public async Task<RegistrarCredential> RegistrarCredentialAsync(CancellationToken cancellationToken)
    {
        await _credentialGate.WaitAsync(cancellationToken);
        try
        {
            if (_credential is { } c && Now < c.Certificate.NotBefore + (c.Certificate.NotAfter - c.Certificate.NotBefore) * 0.75)
                return c;
            var domain = FindDomain(null) ?? throw new InvalidOperationException("The run has no CA yet to issue the enrollment listener's TLS certificate.");
            var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
            var csr = CertificationRequest.Create("CN=PlantTrust registrar,O=PlantTrust", key, [], ["localhost"], [IPAddress.Loopback]);
            var answer = await _control.Value.AskEntityAsync<object>(new EntityId(domain.Ca), new IssueFromCsr(EnrollmentLogActor.LogId, csr.GetDer(), CertificateProfile.TlsServer, _options.Lifetime), AnswerTimeout);
            if (answer is not CertificateGranted granted)
                throw new InvalidOperationException($"CA {domain.Ca} refused the enrollment listener's TLS certificate: {(answer as CertificateRefused)?.Reason ?? answer.GetType().Name}");
            var certificate = Certificate.FromDer(granted.CertificateDer);
            await RecordAsync(new ExternalCertificateEnrolled(_run, _clock.Now, EnrollmentLogActor.LogId, new EntityId(domain.Ca), "TLS", "registrar", "PlantTrust registrar", granted.CertificateDer));
            var chain = await CaCertificatesAsync(domain, cancellationToken);
            _credential = new RegistrarCredential(certificate, chain, key);
            return _credential;
        }
        finally
        {
            _credentialGate.Release();
        }
    }

    private EstResult? Admit(EstClient client, CertificationRequest csr, EstOperation operation)
    {
        if (!client.IsAuthenticated)
            return new EstResult(401, client.Refusal ?? "The client is not authenticated.");
        if (client.Kind == EstClientKind.Idevid && !IsAllowListed(client.Certificate!, out var reason))
            return new EstResult(403, reason);
        if (operation == EstOperation.SimpleReenroll)
        {
            // RFC 7030 §4.2.2: re-enrollment is authenticated with the certificate being renewed, and keeps its subject.
            if (client.Kind != EstClientKind.DomainCertificate)
                return new EstResult(403, "simplereenroll needs the domain certificate that is being renewed as the TLS client certificate.");
            if (DistinguishedNames.Normalize(csr.Subject) != client.Certificate!.Subject)
                return new EstResult(400, $"simplereenroll: the request's subject '{csr.Subject}' differs from the certificate being renewed ('{client.Certificate.Subject}', RFC 7030 §4.2.2).");
        }
        // Proof of possession is the CA's check (it refuses, journaled, with the reason); checking it here as well would
        // verify every request's signature twice.
        return null;
    }

    // The twin's name for the enrolling party: the entity that holds the certificate being renewed, else one derived from
    // the device serial number (an IDevID's or the request's) or the common name.
    private static EntityId EnrolleeOf(EstClient client, CertificationRequest csr, EstOperation operation)
    {
        if (operation == EstOperation.SimpleReenroll && client.Holder is { } holder) return new EntityId(holder);
        var idevidSerial = client.Kind == EstClientKind.Idevid ? Twin.Pki.Brski.BrskiIdentity.SerialNumberOf(client.Certificate!) : null;
        var name = idevidSerial ?? NamePart(csr.Subject, "SERIALNUMBER=") ?? NamePart(csr.Subject, "CN=") ?? csr.PublicKey.Fingerprint[..16];
        var slug = new string([.. name.ToLowerInvariant().Select(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '_' or '-' ? c : '-')]).Trim('-');
        if (slug.Length == 0) slug = csr.PublicKey.Fingerprint[..16];
        return new EntityId("est-" + (slug.Length > 90 ? slug[..90] : slug));
    }

    private static string? NamePart(string subject, string prefix)
    {
        var normalized = DistinguishedNames.Normalize(subject);
        foreach (var part in normalized.Split(','))
        {
            var p = part.Trim();
            if (p.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return p[prefix.Length..];
        }
        return null;
    }

    private async Task<EstResult> IssueAsync(EstDomain domain, EntityId entity, byte[] csrDer, string protocol, string op, string client)
    {
        object answer;
        try
        {
            answer = await _control.Value.AskEntityAsync<object>(new EntityId(domain.Ca), new IssueFromCsr(entity, csrDer, _options.Profile, _options.Lifetime), AnswerTimeout);
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            await AuditAsync(new EnrollmentAudit(protocol, op, client, false, $"CA {domain.Ca} did not answer in time."));
            return new EstResult(503, $"CA {domain.Ca} did not answer in time; retry later.");
        }
        switch (answer)
        {
            case CertificateGranted granted:
            {
                var certificate = Certificate.FromDer(granted.CertificateDer);
                // The record of the issuance is the record of the granted decision (who, what, which CA, the certificate):
                // one event, not two, per enrollment.
                await RecordAsync(new ExternalCertificateEnrolled(_run, _clock.Now, entity, new EntityId(domain.Ca), protocol, op, client, granted.CertificateDer));
                return new EstResult(200, "issued", certificate);
            }
            case CertificateRefused refused:
            {
                await AuditAsync(new EnrollmentAudit(protocol, op, client, false, $"CA {domain.Ca} refused: {refused.Reason}"));
                var unavailable = refused.Reason.Contains("unreachable", StringComparison.Ordinal) || refused.Reason.Contains("no key", StringComparison.Ordinal);
                return new EstResult(unavailable ? 503 : 400, $"CA {domain.Ca} refused: {refused.Reason}");
            }
            default:
                await AuditAsync(new EnrollmentAudit(protocol, op, client, false, $"CA {domain.Ca} gave no usable answer."));
                return new EstResult(502, $"CA {domain.Ca} gave no usable answer.");
        }
    }
}

using System.Security.Cryptography;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Pki.Certificates;

namespace Twin.Host.Enrollment;

public sealed partial class EstTwinBackend
{
    // EST into an operator domain: the domain's registrar judges the TLS client (its trust, its allow-list), applies its template,
    // has its issuing CA issue, and records the decision in its own audit trail beside its CMP decisions.
    private async Task<EstResult> EnrollThroughRegistrarAsync(EstDomain domain, EstClient client, CertificationRequest csr, string operation) =>
        (await AskRegistrarAsync(domain, client, csr, operation)).Result;

    private async Task<(EstResult Result, EntityId? Holder)> AskRegistrarAsync(EstDomain domain, EstClient client, CertificationRequest csr, string operation)
    {
        EstDecision decision;
        try
        {
            // The registrar runs in this process (it published its gate): the request's signature and the client's path are checked
            // here, on this request's thread, and the registrar judges the parsed request — one hand-off, no plant hop, no Ask.
            if (Runtime is { } runtime && runtime.EstGates.TryGetValue(domain.Registrar!, out var gate))
            {
                gate.CheckAhead(client.Certificate, csr);
                decision = await gate.SendAsync(operation, client.Certificate, csr, "https", AnswerTimeout);
            }
            else
                decision = await _control.Value.AskEntityAsync<EstDecision>(RegistrarSettings.EntityIdOf(domain.Registrar!),
                    new EstEnrollRequest(operation, csr.GetDer(), client.Certificate?.GetDer(), "https"), AnswerTimeout);
        }
        catch (Exception e) when (e is TimeoutException or TaskCanceledException or Akka.Actor.AskTimeoutException)
        {
            return (new EstResult(503, $"The registrar of domain '{domain.Registrar}' did not answer in time; retry later."), null);
        }
        return decision.Granted
            ? (new EstResult(200, decision.Reason, Certificate.FromDer(decision.CertificateDer!), [.. decision.ChainDer.Select(d => Certificate.FromDer(d))]), decision.Holder)
            : (new EstResult(decision.Status, decision.Reason), null);
    }

    /// <inheritdoc />
    public async Task<DomainVoucherResult> RequestDomainVoucherAsync(EstDomain domain, byte[] pledgeRequest, Certificate idevid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(pledgeRequest);
        ArgumentNullException.ThrowIfNull(idevid);
        if (domain.Registrar is null) throw new ArgumentException($"'{domain.Label}' is not an operator domain with a registrar.", nameof(domain));
        BrskiVoucherReply reply;
        try
        {
            reply = await _control.Value.AskEntityAsync<BrskiVoucherReply>(RegistrarSettings.EntityIdOf(domain.Registrar),
                new BrskiVoucherRequest(pledgeRequest, idevid.GetDer(), "https"), AnswerTimeout);
        }
        catch (Exception e) when (e is TimeoutException or TaskCanceledException or Akka.Actor.AskTimeoutException)
        {
            return new DomainVoucherResult(false, null, 503, $"The registrar of domain '{domain.Registrar}' did not answer in time; retry later.");
        }
        if (reply.Issued && reply.VoucherCms is { } voucher) return new DomainVoucherResult(true, voucher, 200, reply.Reason);
        // A request that cannot be read or is meant for another registrar is the pledge's error; any other refusal is the domain's verdict.
        var malformed = reply.Reason.StartsWith("Voucher request:", StringComparison.Ordinal) || reply.Reason.Contains("proximity-registrar-cert", StringComparison.Ordinal);
        return new DomainVoucherResult(false, null, malformed ? 400 : 403, reply.Reason);
    }

    /// <inheritdoc />
    public async Task<RegistrarCredential?> DomainTlsCredentialAsync(string? serverName, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(serverName)) return null;
        var label = serverName.Split('.')[0];
        var domain = _domains.FirstOrDefault(d => string.Equals(d.Domain, serverName, StringComparison.OrdinalIgnoreCase))
            ?? _domains.FirstOrDefault(d => string.Equals(d.Domain, label, StringComparison.OrdinalIgnoreCase));
        if (domain is null) return null;
        RegistrarTlsIdentity identity;
        try
        {
            identity = await _control.Value.AskEntityAsync<RegistrarTlsIdentity>(RegistrarSettings.EntityIdOf(domain.Domain), new GetRegistrarTlsIdentity(), AnswerTimeout);
        }
        catch (Exception e) when (e is TimeoutException or TaskCanceledException or Akka.Actor.AskTimeoutException)
        {
            return null;
        }
        if (identity is not { CertificateDer: { } der, Pkcs8: { } pkcs8 }) return null;
        try
        {
            return new RegistrarCredential(Certificate.FromDer(der), [.. identity.ChainDer.Select(d => Certificate.FromDer(d))],
                Twin.Pki.Keys.KeyPair.ImportPkcs8Pem(Twin.Pki.Encoding.Pem.Encode("PRIVATE KEY", pkcs8)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>The running plant's runtime: the twin's manufacturer entities and the domains they sell to.</summary>
    public Twin.Actors.Plant.PlantRuntime? Runtime { get; init; }

    /// <inheritdoc />
    public BrskiRoute? RouteOf(Certificate idevid)
    {
        ArgumentNullException.ThrowIfNull(idevid);
        if (Runtime is null) return null;
        foreach (var (maker, handle) in Runtime.Manufacturers)
        {
            if (handle.CaCertificateDer is not { } der || Certificate.FromDer(der) is not { } ca || ca.Subject != idevid.Issuer || !idevid.IsSignedBy(ca.PublicKey)) continue;
            var buyers = _domains.Where(d => handle.Customers.Contains(d.Domain)).Select(d => d.Domain).Order(StringComparer.Ordinal).ToList();
            if (FindDomain(null) is { Registrar: { } preferred } && buyers.Contains(preferred)) return new BrskiRoute(FindDomain(preferred), null);
            return buyers.Count switch
            {
                1 => new BrskiRoute(FindDomain(buyers[0]), null),
                0 => new BrskiRoute(null, $"Manufacturer {maker} sells to no operator domain of this twin: no registrar can take its pledge's voucher request."),
                _ => new BrskiRoute(null, $"Manufacturer {maker} sells to operator domains {string.Join(", ", buyers)}: name one in the path ({BrskiEndpoints.Prefix}/DOMAIN/requestvoucher)."),
            };
        }
        return null;
    }

    // Server-side key generation into a domain: the key is made here in the domain's signature suite, the registrar decides on a
    // request carrying the requested subject and names, and the key is delivered once and destroyed as for any other domain.
    private async Task<ServerKeyGenResult> ServerKeyGenThroughRegistrarAsync(EstDomain domain, EstClient client, CertificationRequest csr)
    {
        var suite = _domains.First(d => d.Domain == domain.Registrar).Suite;
        var label = "serverkeygen-" + Guid.NewGuid().ToString("N");
        var signing = ServerKeys.Generate(label, suite);
        var request = CertificationRequest.Create(csr.Subject, signing, csr.RequestedUris, csr.RequestedDnsNames, csr.RequestedIpAddresses);
        var (result, holder) = await AskRegistrarAsync(domain, client, request, "serverkeygen");
        if (!result.Issued || holder is null)
        {
            ServerKeys.Destroy(label);
            return new ServerKeyGenResult(result, null, () => Task.CompletedTask);
        }
        var pkcs8 = ServerKeys.Export(label).ExportPkcs8();
        var fingerprint = signing.PublicKey.Fingerprint;
        var entity = holder.Value;
        return new ServerKeyGenResult(result, pkcs8, async () =>
        {
            ServerKeys.Destroy(label);
            CryptographicOperations.ZeroMemory(pkcs8);
            await RecordAsync(new Twin.Actors.Protocol.Events.ServerKeyDestroyed(_run, _clock.Now, entity, result.Certificate!.SerialNumber.Hex, fingerprint));
        });
    }
}

using System.Collections.Immutable;
using System.Text;
using Akka.Actor;
using Akka.Event;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Device;

/// <summary>
/// A gateway belongs to several operator domains at once. Its first domain is enrolled as for any member
/// (<c>DeviceActor.Cmp.cs</c>); for every further domain it holds a separate key and LDevID from that domain's registrar:
/// a CMP ir with the domain's one-time secret, then kur signed with the domain's credential at renewal. Each domain's
/// credential lives and renews on its own.
/// </summary>
public sealed partial class DeviceActor
{
    private ImmutableSortedDictionary<string, GatewayCredential> _gateway = ImmutableSortedDictionary.Create<string, GatewayCredential>(StringComparer.Ordinal);
    private readonly Dictionary<string, (byte[] TransactionId, byte[] SenderNonce, byte[]? Secret)> _gatewayPending = new(StringComparer.Ordinal);

    /// <summary>What a gateway holds in one further domain.</summary>
    private sealed record GatewayCredential(string? KeyRef, byte[]? PublicKeyInfo, byte[]? CertificateDer, int Requests)
    {
        public Certificate? Certificate => CertificateDer is null ? null : Twin.Pki.Certificates.Certificate.FromDer(CertificateDer);

        /// <summary>Every key made for this domain and not destroyed yet, oldest first.</summary>
        public ImmutableList<string> Held { get; init; } = [];

        /// <summary>The request sent and neither answered nor refused yet (sent again, byte for byte, after a restart).</summary>
        public PendingCmp? Open { get; init; }

        /// <summary>When the last request was sent, while no certificate has been installed since (refused or open): the retry is due after it.</summary>
        public Clock.SimInstant? AwaitingSince { get; init; }

        /// <summary>The key the installed certificate certifies, and when it was installed.</summary>
        public (string KeyRef, Clock.SimInstant At)? Installed { get; init; }

        /// <summary>Keys the installed certificate made obsolete: every key made before the certified one (a request still open keeps its newer key).</summary>
        public IReadOnlyList<string> Superseded() =>
            Installed is { } installed && Held.IndexOf(installed.KeyRef, StringComparer.Ordinal) is var at and > 0 ? [.. Held.Take(at)] : [];
    }

    private void ReceiveGateway()
    {
        Recover<GatewayDomainRequested>(ApplyGateway);
        Recover<GatewayCredentialInstalled>(ApplyGateway);
        Recover<GatewayDomainRefused>(ApplyGateway);
        Command<GatewayResendDue>(d => ResendGateway(d.Domain));
        Command<GatewayRenewalDue>(d => EnrollGateway(d.Domain));
    }

    private GatewayCredential CredentialIn(string domain) => _gateway.GetValueOrDefault(domain) ?? new GatewayCredential(null, null, null, 0);

    private void ApplyGateway(Protocol.ITwinEvent e)
    {
        switch (e)
        {
            case GatewayDomainRequested r:
                var held = CredentialIn(r.Domain);
                _gateway = _gateway.SetItem(r.Domain, held with
                {
                    KeyRef = r.KeyRef, PublicKeyInfo = r.PublicKeyInfo, Requests = held.Requests + 1,
                    Held = held.Held.Contains(r.KeyRef, StringComparer.Ordinal) ? held.Held : held.Held.Add(r.KeyRef),
                    Open = new PendingCmp(r.MessageDer, r.At), AwaitingSince = r.At,
                });
                break;
            case GatewayCredentialInstalled c:
                _gateway = _gateway.SetItem(c.Domain, CredentialIn(c.Domain) with { KeyRef = c.KeyRef, CertificateDer = c.CertificateDer, Installed = (c.KeyRef, c.At), Open = null, AwaitingSince = null });
                break;
            case GatewayDomainRefused f:
                _gateway = _gateway.SetItem(f.Domain, CredentialIn(f.Domain) with { Open = null });
                break;
            case KeyDestroyed d:
                foreach (var (domain, credential) in _gateway)
                    if (credential.Held.Contains(d.KeyRef, StringComparer.Ordinal))
                        _gateway = _gateway.SetItem(domain, credential with { Held = credential.Held.Remove(d.KeyRef, StringComparer.Ordinal) });
                break;
        }
    }

    private void StartGateway()
    {
        foreach (var domain in _settings.GatewayDomains)
        {
            RetireGatewayKeys(domain); // what an install before a kill superseded and the kill left in the store
            if (ResumeGatewayRequest(domain)) continue;
            var due = CredentialIn(domain).Certificate is { } current ? DeviceState.RenewalDue(current, _settings.RenewAtFraction, _settings.MinimumRenewalLead) : _clock.Now;
            WakeAt(due, new GatewayRenewalDue(domain), "gateway:" + domain);
        }
    }

    private IActorRef RegistrarOf(string domain) => _runtime?.Registrars.GetValueOrDefault(domain)
        ?? throw new InvalidOperationException($"Device {Id}: no registrar serves domain '{domain}'.");

    private void EnrollGateway(string domain)
    {
        WakeAt(_clock.Now.Add(_settings.RetryAfter), new GatewayRenewalDue(domain), "gateway:" + domain); // a lost answer must not leave it stuck
        if (CredentialIn(domain).Certificate is null) SendWork(RegistrarOf(domain), new IssueEnrollmentSecret(Id.Value), "cmp-secret");
        else SendGatewayCmp(domain, null);
    }

    /// <summary>A one-time secret for one of the gateway's further domains: enroll there. False: the secret is for its first domain.</summary>
    private bool TryGatewaySecret(EnrollmentSecret secret)
    {
        if (!_settings.GatewayDomains.Contains(secret.Domain, StringComparer.Ordinal)) return false;
        SendGatewayCmp(secret.Domain, secret);
        return true;
    }

    private void SendGatewayCmp(string domain, EnrollmentSecret? secret)
    {
        var now = _clock.Now;
        var held = CredentialIn(domain);
        var random = _entropy.For(Id, "cmp:" + domain, held.Requests);
        var current = held.Certificate;
        var oldKey = current is not null && held.KeyRef is { } oldRef ? _vault.Load(oldRef) : null;
        if (secret is null && (current is null || oldKey is null)) return; // no credential and no secret yet: wait for the secret
        var (keyRef, key) = oldKey is null || _settings.RekeyOnRenewal
            ? _vault.Generate(_run, Id, _settings.KeyStorage, _settings.Algorithm, _entropy.For(Id, "key:" + domain, held.Requests))
            : (held.KeyRef!, oldKey);
        var (protector, body) = secret is not null
            ? (CmpProtector.PasswordBasedMac(Encoding.UTF8.GetBytes(secret.Reference), Encoding.ASCII.GetBytes(secret.Secret), random, mac: CmpMacAlgorithm.HmacSha256), CmpBodyType.Ir)
            : (CmpProtector.Signature(oldKey!, current!, random: random), CmpBodyType.Kur);
        var request = CmpRequests.CertRequest(body, new CmpSender(_settings.Subject, protector, now.Utc, random), null, key, _settings.Subject, [], implicitConfirm: true, []);
        _gatewayPending[domain] = (request.TransactionId, request.SenderNonce, secret is null ? null : Encoding.ASCII.GetBytes(secret.Secret));
        Persist(new GatewayDomainRequested(_run, now, Id, domain, keyRef, key.PublicKey.SubjectPublicKeyInfo, CmpMessage.NameOf(body), request.Der), e =>
        {
            ApplyGateway(e);
            SendWork(RegistrarOf(domain), new CmpRequest(e.MessageDer, $"entity:{Id.Value}"), "enroll");
        });
    }

    /// <summary>A registrar's answer to one of the gateway's further-domain requests; false: not one of those.</summary>
    private bool TryGatewayReply(CmpReply reply)
    {
        if (_gatewayPending.Count == 0) return false;
        CmpMessage answer;
        try
        {
            answer = CmpMessage.Decode(reply.Der);
        }
        catch (Twin.Pki.PkiException)
        {
            return false;
        }
        var match = _gatewayPending.FirstOrDefault(p => (answer.Header.TransactionId ?? []).AsSpan().SequenceEqual(p.Value.TransactionId));
        if (match.Key is not { } domain) return false;
        var pending = match.Value;
        try
        {
            if (!(answer.Header.RecipNonce ?? []).AsSpan().SequenceEqual(pending.SenderNonce))
                throw new CmpException(CmpFailure.BadRecipientNonce, "the answer does not answer this request.");
            if (answer.BodyType == CmpBodyType.Error)
            {
                _log.Warning("Device {0}: the registrar of domain {1} refused: {2}", Id, domain, answer.ErrorStatus().Text);
                SettleGateway(domain, answer.ErrorStatus().Text ?? "no reason given");
                return true;
            }
            if (answer.CertResponses() is not [{ Certificate: { } certificate, Status.Granted: true }])
                throw new CmpException(CmpFailure.BadDataFormat, "the answer carries no granted certificate.");
            var held = CredentialIn(domain);
            if (held.PublicKeyInfo is null || !certificate.PublicKey.SubjectPublicKeyInfo.AsSpan().SequenceEqual(held.PublicKeyInfo))
                throw new CmpException(CmpFailure.BadCertId, "the certificate is for a key the gateway does not hold in this domain.");
            var issuer = answer.ExtraCerts.FirstOrDefault(c => c.IsCa && certificate.Issuer == c.Subject && certificate.IsSignedBy(c.PublicKey))
                ?? throw new CmpException(CmpFailure.SignerNotTrusted, "the answer does not carry the certificate of the issuing CA.");
            var authentic = pending.Secret is not null
                ? answer.VerifyMac(pending.Secret)
                : held.Certificate is { } current && current.IsSignedBy(issuer.PublicKey)
                  && answer.ProtectionCertificate is { } signer && signer.IsSignedBy(issuer.PublicKey) && answer.VerifySignature(signer.PublicKey);
            if (!authentic) throw new CmpException(CmpFailure.BadMessageCheck, "the answer's protection does not verify.");
            _gatewayPending.Remove(domain);
            Persist(new GatewayCredentialInstalled(_run, _clock.Now, Id, domain, held.KeyRef!, certificate.GetDer(), issuer.GetDer()), e =>
            {
                ApplyGateway(e);
                WakeAt(DeviceState.RenewalDue(certificate, _settings.RenewAtFraction, _settings.MinimumRenewalLead), new GatewayRenewalDue(domain), "gateway:" + domain);
                RetireGatewayKeys(domain);
            });
        }
        catch (Twin.Pki.PkiException e)
        {
            _log.Warning("Device {0}: unusable CMP answer from the registrar of domain {1}: {2}", Id, domain, e.Message);
            SettleGateway(domain, $"unusable answer: {e.Message}");
        }
        return true;
    }

    /// <summary>
    /// Journals and destroys the keys of <paramref name="domain"/> its installed certificate superseded: the previous credential's
    /// key after a rekey, and keys of requests that went unanswered before it. Dated at the install, as after a restart.
    /// </summary>
    private void RetireGatewayKeys(string domain)
    {
        var credential = CredentialIn(domain);
        var superseded = credential.Superseded();
        if (superseded.Count == 0 || _state.Decommissioned) return;
        var (_, at) = credential.Installed!.Value;
        var reason = $"superseded in domain {domain} by the key of certificate {credential.Certificate!.SerialNumber.Hex}";
        var events = superseded.Select(keyRef => new KeyDestroyed(_run, at, Id, keyRef, reason)).ToList();
        var last = events[^1];
        Work.Begin(RetireLabel);
        PersistAll(events, e =>
        {
            _state = _state.Apply(e);
            ApplyGateway(e);
            _vault.Destroy(e.KeyRef);
            if (ReferenceEquals(e, last)) Work.Done(RetireLabel);
        });
    }

    /// <summary>The clock's wake-up: the gateway's credential in <paramref name="Domain"/> is due (first enrollment or renewal).</summary>
    public sealed record GatewayRenewalDue(string Domain);
}

using System.Text;
using Akka.Event;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Cmp;

namespace Twin.Actors.Entities.Device;

// A gateway killed between sending a further domain's request and hearing the answer sends the very same PKIMessage again after
// its restart, at the instant it was first sent and flagged as a retransmission (CmpRequest.FirstSentAt), as a first-domain member
// does (DeviceActor.Cmp.cs): that domain's registrar answers a transaction it decided without deciding again, its CA repeats what it
// issued. A one-time secret is never journaled: the gateway recalls it from the registrar by the reference (senderKID) it used.
// A refused request is journaled as settled (dev.domain-refused) so a restart never sends it again; the retry stays due after it.
public sealed partial class DeviceActor
{
    // Further domains whose MAC-protected request waits for its recalled secret: domain → reference.
    private readonly Dictionary<string, string> _gatewayRecalling = new(StringComparer.Ordinal);

    /// <summary>After a restart: true when <paramref name="domain"/> had a request open or refused since its last install, and its wake-up is set for that.</summary>
    private bool ResumeGatewayRequest(string domain)
    {
        var held = CredentialIn(domain);
        if (held.Open is { } open)
        {
            WakeAt(open.SentAt, new GatewayResendDue(domain), "gateway:" + domain);
            return true;
        }
        if (held.AwaitingSince is not { } since) return false;
        WakeAt(since.Add(_settings.RetryAfter), new GatewayRenewalDue(domain), "gateway:" + domain); // refused: asked again at the retry, as before the restart
        return true;
    }

    private void ResendGateway(string domain)
    {
        if (_state.Decommissioned) return;
        if (CredentialIn(domain).Open is not { } open)
        {
            EnrollGateway(domain); // settled meanwhile: nothing to send again, ask as due
            return;
        }
        WakeAt(open.SentAt.Add(_settings.RetryAfter), new GatewayRenewalDue(domain), "gateway:" + domain); // as when it was first sent
        var request = CmpMessage.Decode(open.MessageDer);
        if (request.Protection == CmpProtectionKind.Mac)
        {
            var reference = Encoding.UTF8.GetString(request.Header.SenderKid ?? []);
            _gatewayRecalling[domain] = reference;
            SendWork(RegistrarOf(domain), new RecallEnrollmentSecret(Id.Value, reference), "cmp-secret");
            return;
        }
        RetransmitGateway(domain, request, open, null);
    }

    private void RetransmitGateway(string domain, CmpMessage request, PendingCmp open, byte[]? secret)
    {
        _gatewayPending[domain] = (request.Header.TransactionId!, request.Header.SenderNonce!, secret);
        SendWork(RegistrarOf(domain), new CmpRequest(open.MessageDer, $"entity:{Id.Value}") { FirstSentAt = open.SentAt }, "enroll");
    }

    /// <summary>The secret recalled for a further domain's open request: send that request again. False: not one recalled for a gateway domain.</summary>
    private bool TryGatewayRecalled(EnrollmentSecret secret)
    {
        if (!_gatewayRecalling.TryGetValue(secret.Domain, out var reference) || reference != secret.Reference) return false;
        _gatewayRecalling.Remove(secret.Domain);
        if (CredentialIn(secret.Domain).Open is { } open) // else settled meanwhile
            RetransmitGateway(secret.Domain, CmpMessage.Decode(open.MessageDer), open, Encoding.ASCII.GetBytes(secret.Secret));
        return true;
    }

    /// <summary>The registrar does not recall a reference a further domain's request used: false when no gateway domain waits for it.</summary>
    private bool TryGatewaySecretRefused(EnrollmentSecretRefused refused)
    {
        var domain = _gatewayRecalling.FirstOrDefault(p => p.Value == refused.Reference).Key;
        if (domain is null) return false;
        _gatewayRecalling.Remove(domain);
        _log.Warning("Device {0}: the registrar of domain {1} does not recall one-time reference {2}: {3}; asking anew at the retry", Id, domain, refused.Reference, refused.Reason);
        return true;
    }

    // The request got its answer, and it was no certificate: journaled, so a restarted gateway does not send it again.
    private void SettleGateway(string domain, string reason)
    {
        _gatewayPending.Remove(domain);
        if (CredentialIn(domain).Open is null) return;
        Persist(new GatewayDomainRefused(_run, _clock.Now, Id, domain, reason), ApplyGateway);
    }

    /// <summary>The clock's wake-up after a restart: send <paramref name="Domain"/>'s unanswered request again.</summary>
    public sealed record GatewayResendDue(string Domain);
}

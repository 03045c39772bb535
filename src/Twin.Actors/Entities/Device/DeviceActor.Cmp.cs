using System.Text;
using Akka.Actor;
using Akka.Event;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Device;

// A domain member enrolls the way a real device does: CMP (RFC 9483) with the same codec and the
// same bytes the registrar's HTTP endpoint takes — an ir with a one-time secret first, then kur
// signed with the certificate it renews. Implicit confirmation keeps it to one round trip.
public sealed partial class DeviceActor
{
    private (byte[] TransactionId, byte[] SenderNonce, byte[]? Secret)? _cmpPending;
    // A MAC-protected request waiting for its one-time secret, recalled from the registrar after a restart.
    private (string Reference, PendingCmp Request)? _recalling;

    private IActorRef Registrar => _runtime?.Registrars.GetValueOrDefault(_settings.CmpDomain!)
        ?? throw new InvalidOperationException($"Device {Id}: no registrar serves domain '{_settings.CmpDomain}'.");

    private void EnrollOverCmp()
    {
        // Whatever happens to the request, ask again later (a refused or lost answer must not leave the device stuck).
        ScheduleAt(_clock.Now.Add(_settings.RetryAfter), new RenewalDue());
        if (_state.Current is null)
            SendWork(Registrar, new IssueEnrollmentSecret(Id.Value), "cmp-secret"); // the operator's one-time secret, handed to the device
        else
            SendCmp(null);
    }

    private void SendCmp(EnrollmentSecret? secret)
    {
        var now = _clock.Now;
        var random = _entropy.For(Id, "cmp", _state.Requests);
        var current = _state.Current;
        var oldKey = current is not null && _state.KeyRef is { } oldRef ? _vault.Load(oldRef) : null;
        var events = new List<Protocol.ITwinEvent>(2);
        ISigningKey key;
        if (oldKey is null || _settings.RekeyOnRenewal || _state.KeyRef is null)
        {
            (key, var generated) = GenerateKey(now, KeyAlgorithmNow, _entropy.For(Id, "key", _state.KeysGenerated));
            events.Add(generated);
        }
        else
        {
            key = oldKey;
        }
        CmpProtector protector;
        CmpBodyType body;
        if (secret is not null || current is null || oldKey is null)
        {
            if (secret is null) return; // no certificate and no secret yet: wait for the secret
            protector = CmpProtector.PasswordBasedMac(Encoding.UTF8.GetBytes(secret.Reference), Encoding.ASCII.GetBytes(secret.Secret), random, mac: CmpMacAlgorithm.HmacSha256);
            body = CmpBodyType.Ir;
        }
        else
        {
            protector = CmpProtector.Signature(oldKey, current, random: random);
            body = CmpBodyType.Kur;
        }
        var uris = _settings.OpcUaApplicationUri is { } uri ? new[] { uri } : [];
        var dns = _settings.OpcUaApplicationUri is null ? Array.Empty<string>() : ["localhost"];
        var request = CmpRequests.CertRequest(body, new CmpSender(_settings.Subject, protector, now.Utc, random), null, key, _settings.Subject, uris, implicitConfirm: true, dns);
        _cmpPending = (request.TransactionId, request.SenderNonce, secret is null ? null : Encoding.ASCII.GetBytes(secret.Secret));
        events.Add(new DeviceCmpRequested(_run, now, Id, _settings.CmpDomain!, CmpMessage.NameOf(body), request.Der));
        PersistAll(events, e =>
        {
            _state = _state.Apply(e);
            if (e is DeviceCmpRequested sent) SendWork(Registrar, new CmpRequest(sent.MessageDer, $"entity:{Id.Value}"), "enroll");
        });
    }

    private void OnCmpReply(CmpReply reply)
    {
        if (_cmpPending is not { } pending) return;
        try
        {
            var answer = CmpMessage.Decode(reply.Der);
            // RFC 9483 §3.1: the answer belongs to this transaction and answers this request.
            if (!(answer.Header.TransactionId ?? []).AsSpan().SequenceEqual(pending.TransactionId) || !(answer.Header.RecipNonce ?? []).AsSpan().SequenceEqual(pending.SenderNonce))
                throw new CmpException(CmpFailure.BadRecipientNonce, "the answer belongs to another transaction.");
            if (answer.BodyType == CmpBodyType.Error)
            {
                _log.Warning("Device {0}: the registrar refused: {1}", Id, answer.ErrorStatus().Text);
                Settle(answer.ErrorStatus().Text ?? "no reason given");
                return;
            }
            var issuer = Authentic(answer, pending.Secret);
            if (answer.CertResponses() is not [{ Certificate: { } certificate, Status.Granted: true }])
                throw new CmpException(CmpFailure.BadDataFormat, "the answer carries no granted certificate.");
            if (!answer.Header.ImplicitConfirm)
                throw new CmpException(CmpFailure.BadRequest, "the registrar did not grant implicit confirmation.");
            _cmpPending = null;
            Install(new CertificateGranted(certificate.GetDer(), issuer.GetDer()));
        }
        catch (Twin.Pki.PkiException e)
        {
            _log.Warning("Device {0}: unusable CMP answer from its registrar: {1}", Id, e.Message);
            Settle($"unusable answer: {e.Message}");
        }
    }

    // The request got its answer, and it was no certificate: journaled, so a restarted device does not send it again
    // (it asks anew at the retry the request scheduled, as an uninterrupted device does).
    private void Settle(string reason)
    {
        _cmpPending = null;
        if (_state.CmpPending is null) return;
        Persist(new DeviceCmpRefused(_run, _clock.Now, Id, _settings.CmpDomain!, reason), e => _state = _state.Apply(e));
    }

    // After a restart with a request unanswered: the same PKIMessage again, as a retransmission first sent at its instant, so the
    // registrar (and its CA) answer it as they did or would have — same transaction, same certificate, nothing journaled twice.
    private void ResendCmp(PendingCmp sent)
    {
        ScheduleAt(sent.SentAt.Add(_settings.RetryAfter), new RenewalDue()); // as when it was first sent
        var request = CmpMessage.Decode(sent.MessageDer);
        if (request.Protection == CmpProtectionKind.Mac)
        {
            // The device never journals its one-time secret: it recalls it from the registrar by the reference (senderKID) it used.
            var reference = Encoding.UTF8.GetString(request.Header.SenderKid ?? []);
            _recalling = (reference, sent);
            SendWork(Registrar, new RecallEnrollmentSecret(Id.Value, reference), "cmp-secret");
            return;
        }
        Retransmit(request, sent, null);
    }

    private void Retransmit(CmpMessage request, PendingCmp sent, byte[]? secret)
    {
        _cmpPending = (request.Header.TransactionId!, request.Header.SenderNonce!, secret);
        SendWork(Registrar, new CmpRequest(sent.MessageDer, $"entity:{Id.Value}") { FirstSentAt = sent.SentAt }, "enroll");
    }

    /// <summary>The secret recalled for the request in flight: send that request again. False: a fresh secret (or another's).</summary>
    private bool TryRecalledSecret(EnrollmentSecret secret)
    {
        if (_recalling is not { } recall || recall.Reference != secret.Reference || secret.Domain != _settings.CmpDomain) return false;
        _recalling = null;
        if (_state.CmpPending != recall.Request) return true; // settled meanwhile
        Retransmit(CmpMessage.Decode(recall.Request.MessageDer), recall.Request, Encoding.ASCII.GetBytes(secret.Secret));
        return true;
    }

    private void OnSecretRefused(EnrollmentSecretRefused refused)
    {
        if (_recalling is not { } recall || recall.Reference != refused.Reference) return;
        _recalling = null;
        _log.Warning("Device {0}: the registrar does not recall one-time reference {1}: {2}; asking anew at the retry", Id, refused.Reference, refused.Reason);
    }

    // MAC with the device's one-time secret, or a signature by a registrar certificate from its own CA.
    private Certificate Authentic(CmpMessage answer, byte[]? secret)
    {
        var issuer = answer.ExtraCerts.FirstOrDefault(c => c.IsCa && answer.CertResponses()[0].Certificate is { } issued && issued.Issuer == c.Subject && issued.IsSignedBy(c.PublicKey))
            ?? throw new CmpException(CmpFailure.SignerNotTrusted, "the answer does not carry the certificate of the issuing CA.");
        // The device trusts the CA that issued its current certificate — under any key of that CA the plant publishes,
        // so a rollover or an algorithm migration (old and new key overlapping) does not cut it off.
        var ok = secret is not null
            ? answer.VerifyMac(secret)
            : OwnCa(issuer) && answer.ProtectionCertificate is { } signer
              && answer.ExtraCerts.Any(ca => OwnCa(ca) && signer.IsSignedBy(ca.PublicKey)) && answer.VerifySignature(signer.PublicKey);
        return ok ? issuer : throw new CmpException(CmpFailure.BadMessageCheck, "the answer's protection does not verify.");
    }

    private bool OwnCa(Certificate ca) =>
        ca.IsCa && _state.Current is { } current && ca.Subject == current.Issuer
        && (current.IsSignedBy(ca.PublicKey) || (_runtime is { } runtime && runtime.Distribution.Snapshot().Entries.Any(e => e.CaCertificate.AsSpan().SequenceEqual(ca.GetDer()))));
}

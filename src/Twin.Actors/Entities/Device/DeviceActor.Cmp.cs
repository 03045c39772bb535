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
        }
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

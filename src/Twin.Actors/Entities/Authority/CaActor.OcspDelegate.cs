using Akka.Event;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Events;
using Twin.Pki;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;

namespace Twin.Actors.Entities.Authority;

/// <summary>
/// The delegated OCSP responder (design.ocspResponder: delegated): a separate signer with its own key and an OcspSigner
/// certificate from the CA — the design that keeps revocation status available while the CA itself is cut off, at the
/// price of a key that can answer for the CA and, with id-pkix-ocsp-nocheck, cannot itself be checked. The CA certifies
/// one when it first needs it and again after each change of its own key; the certificate lives as long as the CA's.
/// </summary>
public sealed partial class CaActor
{
    private bool _certifyingResponder;
    private (string KeyRef, OcspResponder Responder)? _delegate;

    // The delegated responder for the CA's current key, or null (the CA signs meanwhile) while one is being certified.
    private OcspResponder? DelegatedResponder()
    {
        if (_ca is null) return null;
        if (_state.OcspResponderDer is { } der && _state.OcspResponderKeyRef is { } keyRef)
        {
            if (_delegate is { } known && known.KeyRef == keyRef && known.Responder.Issuer.Equals(_ca.Certificate)) return known.Responder;
            var certificate = Certificate.FromDer(der);
            if (certificate.IsSignedBy(_ca.Certificate.PublicKey))
            {
                _delegate = (keyRef, _ca.CreateOcspResponder(certificate, _vault.Load(keyRef)));
                return _delegate.Value.Responder;
            }
        }
        CertifyResponder();
        return null;
    }

    private void CertifyResponder()
    {
        if (_certifyingResponder || _ca is null || !_state.Reachable) return;
        var now = _clock.Now;
        var generation = _state.Serials.Count;
        var (keyRef, key) = _vault.Generate(_run, new EntityId(Id.Value + "-ocsp"), _settings.KeyStorage, _settings.Algorithm, _entropy.For(Id, "ocsp-responder-key", generation));
        Certificate certificate;
        try
        {
            certificate = _ca.Issue(new IssuanceRequest($"CN=OCSP Responder {Id.Value}", key.PublicKey, CertificateProfile.OcspSigner, now.Utc, _ca.Certificate.NotAfter),
                _entropy.For(Id, "ocsp-responder", generation));
        }
        catch (PkiException e)
        {
            _log.Warning("CA {0}: could not certify its OCSP responder: {1}", Id, e.Message);
            _vault.Destroy(keyRef);
            return;
        }
        _certifyingResponder = true;
        var events = new List<Protocol.ITwinEvent> { new OcspResponderCertified(_run, now, Id, keyRef, certificate.GetDer()) };
        // The responder it replaces answers for nobody any more: its key is destroyed with the same write.
        if (_state.OcspResponderKeyRef is { } replaced && replaced != keyRef)
            events.Add(new KeyDestroyed(_run, now, Id, replaced, "OCSP responder key replaced by a newly certified responder"));
        PersistAll(events, e =>
        {
            _state = _state.Apply(e);
            if (e is KeyDestroyed d)
            {
                _vault.Destroy(d.KeyRef);
                return;
            }
            _certifyingResponder = false;
            PublishOcsp();
        });
    }
}

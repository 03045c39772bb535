using Akka.Event;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Authority;

/// <summary>
/// The accredited side of cross-certification: a CA that names a trust centre (and a trust centre joining a partner)
/// asks with a PKCS#10 request signed by its current key, installs the cross-certificate, and publishes it at the
/// distribution point beside its own certificate, so that relying parties anchored at that trust centre find the path.
/// </summary>
public sealed partial class CaActor
{
    private void RequestAccreditation()
    {
        StartListPublication();
        if (_settings.TrustList is not null) return; // the trust-list model: accredited by being listed, never cross-certified
        if (_settings.TrustCentre is not { } tc || !_state.IsReady || _state.CrossHeld.ContainsKey(tc.Value)) return;
        AskCrossCertification(tc, partnership: false);
    }

    private void AskCrossCertification(EntityId trustCentre, bool partnership)
    {
        var key = _vault.Load(_state.KeyRef!);
        var csr = CertificationRequest.Create(_settings.Subject, key, _entropy.For(Id, "cross-csr:" + trustCentre.Value, _state.Generation));
        TellEntity(trustCentre, new CrossCertify(Id, csr.GetDer(), _settings.Validity, partnership), CrossLabel);
    }

    private void InstallCrossCertificate(CrossCertified granted)
    {
        var certificate = Certificate.FromDer(granted.CrossCertificateDer);
        if (_ca is null || !certificate.PublicKey.Equals(_ca.Certificate.PublicKey))
        {
            _log.Warning("CA {0}: ignored a cross-certificate from {1} for a key it does not use (serial {2}).", Id, granted.TrustCentre, certificate.SerialNumber);
            return;
        }
        Persist(new CaCrossCertified(_run, _clock.Now, Id, granted.TrustCentre, granted.CrossCertificateDer, granted.TrustCentreCertificateDer), e =>
        {
            _state = _state.Apply(e);
            DistributeCrossCertificates();
        });
    }

    // Published under "holder<trust centre"; a revoked one stays published, so relying parties see why the path fails.
    private void DistributeCrossCertificates()
    {
        foreach (var (trustCentre, der) in _state.CrossHeld)
            _distribution?.PublishCrossCertificate($"{Id}<{trustCentre}", der);
    }
}

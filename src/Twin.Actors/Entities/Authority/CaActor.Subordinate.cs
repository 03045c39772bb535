using Akka.Event;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Authority;

public sealed partial class CaActor
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromHours(1);
    private (string KeyRef, ISigningKey Key)? _pendingKey;

    private void OnWake()
    {
        if (_state.IsReady) return;
        if (_settings.Parent is null)
        {
            CreateRoot();
            return;
        }
        if (_parent is null)
        {
            _log.Error("CA {0}: its parent {1} is not part of this run; it cannot be certified.", Id, _settings.Parent);
            return;
        }
        // A subordinate generates its own key (it never leaves the CA) and asks its parent to certify it.
        _pendingKey ??= _vault.Generate(_run, Id, _settings.KeyStorage, _settings.Algorithm, _entropy.For(Id, "ca-key", 0));
        var key = _pendingKey.Value.Key;
        var csr = CertificationRequest.Create(_settings.Subject, key, _entropy.For(Id, "ca-csr", 0));
        SendWork(_parent, new IssueFromCsr(Id, csr.GetDer(), _settings.Profile, _settings.Validity), "ca-enroll");
    }

    private void InstallOwnCertificate(CertificateGranted granted)
    {
        if (_state.IsReady || _pendingKey is not { } pending) return;
        var certificate = Certificate.FromDer(granted.CertificateDer);
        if (!certificate.PublicKey.Equals(pending.Key.PublicKey))
        {
            _log.Warning("CA {0}: ignored a certificate for a key it does not hold (serial {1}).", Id, certificate.SerialNumber);
            return;
        }
        var certified = new SubordinateCaCertified(_run, _clock.Now, Id, _settings.Parent!.Value, pending.KeyRef, granted.CertificateDer, granted.IssuerCertificateDer);
        // As for a root: the CA object exists before the write, so the certificate and the first CRL are stored together.
        _ca = new CertificateAuthority(certificate, pending.Key, DefaultRandom());
        _ca.RecordIssued(certificate.SerialNumber);
        _pendingKey = null;
        PersistWithCrl([certified], e => { if (e is CrlPublished) Ready(); });
    }
}

using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Authority;

public sealed partial class CaActor
{
    private void Issue(IssueFromCsr request)
    {
        // Randomness named by the request itself: requests at one instant may arrive in any
        // order, and a seeded run must still issue the same certificate for each.
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(request.CsrDer));
        if (_state.RepeatOf(request.Requester.Value, digest, request.FirstSentAt) is { } repeat && _state.CertificateDer is { } own)
        {
            ReplyChannel()(new CertificateGranted(repeat.CertificateDer, own) { Request = digest }); // answered before: the same certificate again, nothing journaled
            return;
        }
        IssueInOrder(request.Requester, request.Profile.ToString(), digest, (ca, now, random) =>
            ca.Prepare(CertificationRequest.FromDer(request.CsrDer), request.Profile, now.Utc, now.Utc + request.Lifetime, ShortLived, random),
            certificate => new CertificateGranted(certificate, _state.CertificateDer!) { Request = digest });
    }

    // Under the short-lived design the CA marks what it issues to devices, PEAs and the POL as never to be
    // revoked; its own kind (CA certificates) and service certificates (CMP RA, OCSP) stay on the CRL path.
    private IssuanceRequest ShortLived(IssuanceRequest request) => WithOcspUrl(
        _settings.ShortLivedEndEntities && request.Profile is CertificateProfile.LDevId or CertificateProfile.OpcUaApplication or CertificateProfile.TlsClient or CertificateProfile.TlsServer
            ? request with { NoRevocationAvailable = true }
            : request);

    // A CRMF request the registrar checked (POP included): the key, subject and names it asked for.
    private void Issue(IssueFromTemplate request)
    {
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(request.Subject + "|" + string.Join(',', request.UriNames) + "|" + Convert.ToHexString(request.PublicKeyInfo))));
        if (_state.RepeatOf(request.Requester.Value, digest, request.FirstSentAt) is { } repeat && _state.CertificateDer is { } own)
        {
            ReplyChannel()(new CertificateGranted(repeat.CertificateDer, own)); // a registrar's retransmission: the same certificate, nothing journaled
            return;
        }
        IssueInOrder(request.Requester, request.Profile.ToString(), digest, (ca, now, random) => ca.Prepare(
            ShortLived(new IssuanceRequest(request.Subject, Twin.Pki.Keys.PublicKey.FromSubjectPublicKeyInfo(request.PublicKeyInfo), request.Profile, now.Utc, now.Utc + request.Lifetime)
            {
                UriNames = request.UriNames,
                DnsNames = request.DnsNames,
            }), random), granted: null);
    }

    // granted / refused shape the answer for requests that expect their own (a cross-certification); default: CertificateGranted / CertificateRefused.
    private void Issue(Model.EntityId requester, string profile, string digest, Func<CertificateAuthority, Clock.SimInstant, Twin.Pki.Keys.PkiRandom, Certificate> sign,
        Func<byte[], object>? granted = null, Func<string, object>? refused = null)
    {
        refused ??= reason => new CertificateRefused(reason);
        var now = _clock.Now;
        if (_ca is null && _state.Reachable)
        {
            // Still coming into being (its root not yet signed, or its parent's certificate not yet
            // here): answer once it is ready rather than refuse a request that is merely early.
            HoldCurrent();
            return;
        }
        var reply = ReplyChannel();
        if (_ca is null || !_state.Reachable)
        {
            reply(refused(_ca is null ? $"CA {Id} has no key and certificate yet." : $"CA {Id} is unreachable."));
            return;
        }
        Certificate issued;
        try
        {
            issued = sign(_ca, now, _entropy.For(Id, "issue", digest));
        }
        catch (PkiException e)
        {
            PersistAsync(new IssuanceRefused(_run, now, Id, requester, e.Message), _ => reply(refused(e.Message)));
            return;
        }
        Record(new CertificateIssued(_run, now, Id, requester, profile, issued.GetDer()) { Request = digest }, reply, granted);
    }

    // PersistAsync: the next request is served while this one is being written, so the journal batches a burst (every
    // device renewing at one instant) into few commits. The serial is already taken in memory, and the answer still waits
    // for the write.
    private void Record(CertificateIssued issued, Action<object> reply, Func<byte[], object>? granted) => PersistAsync(issued, e => Issued(e, reply, granted));

    // Once the certificate is stored: the state knows it, the responder too (before its holder can present it), then the requester.
    private void Issued(CertificateIssued e, Action<object> reply, Func<byte[], object>? granted)
    {
        _state = _state.Apply(e);
        PublishOcsp();
        reply(granted is null ? new CertificateGranted(e.CertificateDer, _state.CertificateDer!) : granted(e.CertificateDer));
        SnapshotWhenDue();
    }
}

using Akka.Event;
using Twin.Actors.Model;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;

namespace Twin.Actors.Entities.Authority;

/// <summary>
/// The trust centre's side of cross-certification (in the trust-list model a JOIN or LEAVE changes its list instead:
/// CaActor.TrustList.cs): it accredits the CAs that name it and its partner trust centres by
/// cross-certifying their keys, and withdraws a partner that LEAVEs by revoking its cross-certificate (the next CRL,
/// published at once, carries it). Relying parties anchored at the trust centre then refuse paths through that partner.
/// </summary>
public sealed partial class CaActor
{
    private const string CrossLabel = "cross-certify";

    private void ReceiveTrustCentre()
    {
        Command<CrossCertify>(OnCrossCertify);
        Command<CrossCertified>(InstallCrossCertificate);
        Command<CrossCertificationRefused>(r => _log.Warning("CA {0}: trust centre {1} refused to cross-certify it: {2}", Id, r.TrustCentre, r.Reason));
        Command<JoinPartner>(Join);
        Command<LeavePartner>(Leave);
        Command<ListDue>(_ => OnListDue());
    }

    private void OnCrossCertify(CrossCertify request)
    {
        if (_ca is null && _state.Reachable)
        {
            HoldCurrent(); // the trust centre's own root is not signed yet: answer once it is
            return;
        }
        if (CrossCertificationProblem(request) is { } problem)
        {
            var reply = ReplyChannel();
            PersistAsync(new IssuanceRefused(_run, _clock.Now, Id, request.Requester, problem), _ => reply(new CrossCertificationRefused(Id, problem)));
            return;
        }
        var firstContact = request.Partnership && !_state.Partners.Contains(request.Requester.Value);
        if (firstContact)
            Persist(new TrustCentrePartnerChanged(_run, _clock.Now, Id, request.Requester, Joined: true, request.Requester.Value), e => _state = _state.Apply(e));
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(request.CsrDer));
        Issue(request.Requester, nameof(CertificateProfile.CrossCertificate), digest, (ca, now, random) =>
        {
            var notAfter = now.Utc + request.Lifetime < ca.Certificate.NotAfter ? now.Utc + request.Lifetime : ca.Certificate.NotAfter;
            return ca.Issue(CertificationRequest.FromDer(request.CsrDer), CertificateProfile.CrossCertificate, now.Utc, notAfter, random: random);
        }, granted: der => new CrossCertified(Id, der, _state.CertificateDer!), refused: reason => new CrossCertificationRefused(Id, reason));
        // A partner that asks first is answered in kind: the federation is mutual. The one that joined asked already.
        if (firstContact) AskCrossCertification(request.Requester, partnership: true);
    }

    private string? CrossCertificationProblem(CrossCertify request)
    {
        if (!_settings.IsTrustCentre) return $"CA {Id} is not a trust centre; it cross-certifies nobody.";
        if (request.Partnership && !_settings.PeerTrustCentres.Contains(request.Requester))
            return $"'{request.Requester}' is not a trust centre of this plant; only trust centres join as partners.";
        if (!request.Partnership && !_settings.Accredits.Contains(request.Requester))
            return $"trust centre {Id} does not accredit '{request.Requester}' (the CA must name it as its trust centre).";
        return null;
    }

    private void Join(JoinPartner command)
    {
        if (!_settings.IsTrustCentre || !_settings.PeerTrustCentres.Contains(command.Partner))
        {
            _log.Warning("CA {0}: cannot join '{1}': {2}", Id, command.Partner, _settings.IsTrustCentre ? "it is not a trust centre of this plant" : "this CA is not a trust centre");
            return;
        }
        if (_ca is null && _state.Reachable)
        {
            HoldCurrent();
            return;
        }
        var firstContact = !_state.Partners.Contains(command.Partner.Value);
        if (firstContact) PersistPartnerChange(new TrustCentrePartnerChanged(_run, _clock.Now, Id, command.Partner, Joined: true, command.Requester));
        if (!PublishesList) AskCrossCertification(command.Partner, partnership: true);
        else if (firstContact) TellEntity(command.Partner, new JoinPartner(Id, command.Requester), CrossLabel); // the federation is mutual
    }

    private void Leave(LeavePartner command)
    {
        if (!_settings.IsTrustCentre) return;
        var partner = command.Partner.Value;
        if (!_state.Partners.Contains(partner) && !_state.CrossIssued.ContainsKey(partner) && !_state.CrossHeld.ContainsKey(partner)) return;
        PersistPartnerChange(new TrustCentrePartnerChanged(_run, _clock.Now, Id, command.Partner, Joined: false, command.Requester));
        // The cross-certificate goes on the CRL at once (affiliationChanged, RFC 5280 §5.3.1).
        if (_state.CrossIssued.TryGetValue(partner, out var serial))
            Revoke(new RevokeCertificate(serial, RevocationReason.AffiliationChanged, command.Requester));
        if (command.Reciprocate) TellEntity(command.Partner, new LeavePartner(Id, command.Requester, Reciprocate: false), CrossLabel);
    }

    /// <summary>Sends <paramref name="message"/> to another entity of the run, by name, as counted work; its answer comes straight back.</summary>
    private void TellEntity(EntityId entity, object message, string label)
    {
        if (_plant is null)
        {
            _log.Error("CA {0}: cannot reach '{1}': this plant routes no messages between entities.", Id, entity);
            return;
        }
        Work.Begin(label);
        _plant.Tell(new ToEntity(entity, new Tracked(message, label)), Self);
    }
}

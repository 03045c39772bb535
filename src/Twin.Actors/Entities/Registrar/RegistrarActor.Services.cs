using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;

namespace Twin.Actors.Entities.Registrar;

public sealed partial class RegistrarActor
{
    // RFC 9483 §4.2: an end entity revokes its own certificate, signing the rr with it.
    private void Revoke(Exchange x)
    {
        var m = x.Request;
        var details = m.RevocationRequests();
        if (details.Count != 1)
        { Refuse(m, x.Credential, new Refusal(CmpFailure.BadRequest, $"{details.Count} RevDetails: the Lightweight CMP Profile allows exactly one (RFC 9483 §4.2)."), x.Credential.Who, m.BodyName, x.Reply); return; }
        var d = details[0];
        if (x.Credential.Certificate is not { } signer || x.Credential.Kind != CredentialKind.DomainCertificate)
        { Refuse(m, x.Credential, new Refusal(CmpFailure.NotAuthorized, "rr must be signed with the certificate to be revoked (RFC 9483 §4.2)."), x.Credential.Who, m.BodyName, x.Reply); return; }
        if (d.SerialHex is null || d.Issuer is null)
        { Refuse(m, x.Credential, new Refusal(CmpFailure.BadCertId, "RevDetails must name issuer and serialNumber (RFC 9483 §4.2)."), x.Credential.Who, m.BodyName, x.Reply); return; }
        if (!string.Equals(d.SerialHex, signer.SerialNumber.Hex, StringComparison.OrdinalIgnoreCase) || !string.Equals(d.Issuer, signer.Issuer, StringComparison.OrdinalIgnoreCase))
        { Refuse(m, x.Credential, new Refusal(CmpFailure.NotAuthorized, $"rr for serial {d.SerialHex} of '{d.Issuer}' is not signed with that certificate."), x.Credential.Who, m.BodyName, x.Reply); return; }
        _busy.Add(x.Transaction);
        AskCa(x, new RevokeCertificate(d.SerialHex, d.Reason, x.Credential.Who), Revoked);
    }

    private bool Revoked(Exchange x, object answer)
    {
        var m = x.Request;
        _busy.Remove(x.Transaction);
        if (answer is RevocationDone done)
        {
            var der = CmpReplies.Revocation(m, SenderFor(m, x.Credential), [(null, null)]);
            Decide(x.Credential.Who, m.BodyName, RegistrarDecided.Revoked, $"certificate {done.Serial} revoked; CRL {done.CrlNumber} published", x.Transaction, [], () => x.Reply(new CmpReply(der, false)));
            return true;
        }
        var reason = answer is RevocationRefused r ? r.Reason : answer is CertificateRefused c ? c.Reason : $"unexpected answer {answer.GetType().Name}";
        var failure = reason.Contains("already", StringComparison.OrdinalIgnoreCase) ? CmpFailure.CertRevoked : CmpFailure.SystemUnavail;
        var refused = CmpReplies.Revocation(m, SenderFor(m, x.Credential), [(failure, reason)]);
        Decide(x.Credential.Who, m.BodyName, RegistrarDecided.Refused, $"the CA refused to revoke: {reason}", x.Transaction, [], () => x.Reply(new CmpReply(refused, true)), failure);
        return false;
    }

    // RFC 9483 §4.3: CA certificates, root CA key update, certificate request template, CRL update retrieval.
    // An empty genm (what openssl 3.0 sends without -infotype) gets all of them.
    private void Answer(Exchange x)
    {
        var m = x.Request;
        var requested = m.GeneralInfo();
        var asked = requested.Select(i => i.TypeOid).ToList();
        var chain = _state.ChainDer.Select(d => Certificate.FromDer(d)).ToList();
        var crls = _runtime.Distribution.Snapshot().Entries
            .Where(e => e.Crl is not null && chain.Any(c => c.GetDer().AsSpan().SequenceEqual(e.CaCertificate)))
            .Select(e => e.Crl!).ToList();
        var all = asked.Count == 0;
        var infos = new List<CmpInfo>();
        var unsupported = new List<string>();
        foreach (var oid in all ? [CmpInfos.CaCertsOid, CmpInfos.RootCaKeyUpdateOid, CmpInfos.CertReqTemplateOid, CmpInfos.CrlsOid] : asked)
        {
            switch (oid)
            {
                case CmpInfos.CaCertsOid: infos.Add(CmpInfos.CaCerts(chain)); break;
                // Asked with id-it-rootCaCert: no root key update is pending in the twin, so the value is absent (RFC 9483 §4.3.2).
                case CmpInfos.RootCaCertOid or CmpInfos.RootCaKeyUpdateOid: infos.Add(CmpInfos.RootCaKeyUpdate(null)); break;
                case CmpInfos.CertReqTemplateOid: infos.Add(CmpInfos.CertReqTemplate(null, _settings.Suite)); break;
                case CmpInfos.CrlStatusListOid:
                {
                    // RFC 9483 §4.3.4: only CRLs newer than the ones the requester holds; none newer: the value is absent.
                    var held = CmpInfos.ReadCrlStatusThisUpdates(requested.First(i => i.TypeOid == CmpInfos.CrlStatusListOid));
                    var newer = crls.Where(c => held.Count == 0 || Twin.Pki.Revocation.CertificateRevocationList.FromDer(c).ThisUpdate > held.Max()).ToList();
                    infos.Add(newer.Count > 0 ? CmpInfos.Crls(newer) : new CmpInfo(CmpInfos.CrlsOid, null));
                    break;
                }
                case CmpInfos.CrlsOid: infos.Add(CmpInfos.Crls(crls)); break;
                case CmpInfos.CurrentCrlOid when crls.Count > 0: infos.Add(CmpInfos.CurrentCrl(crls[0])); break;
                default: unsupported.Add(oid); break;
            }
        }
        var der = CmpReplies.General(m, SenderFor(m, x.Credential), infos);
        var reason = $"genp with {string.Join(", ", infos.Select(i => i.TypeOid))}{(unsupported.Count > 0 ? $"; not offered: {string.Join(", ", unsupported)}" : "")}";
        Decide(x.Credential.Who, m.BodyName, RegistrarDecided.Answered, reason, x.Transaction, [], () => x.Reply(new CmpReply(der, false)), reference: null);
    }
}

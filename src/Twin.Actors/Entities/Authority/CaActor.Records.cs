using Akka.Actor;
using Twin.Actors.Protocol.Commands;
using Twin.Pki;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;

namespace Twin.Actors.Entities.Authority;

// What the CA's records say of one certificate: the way for a GDS (or any front end) to tell a certificate this CA issued — under
// its current key or an earlier one, however long ago, until the retention policy purges it — from anything else, without keeping
// a list of its own.
public sealed partial class CaActor
{
    private void AnswerRecord(GetCertificateRecord query)
    {
        string serial;
        try { serial = SerialNumber.Parse(query.Serial).Hex; }
        catch (PkiException)
        {
            Sender.Tell(new CertificateRecord(query.Serial, Known: false, Revoked: false));
            return;
        }
        var known = _state.Serials.RecordOf(serial) is not null && IssuerNames().Contains(query.Issuer, StringComparer.Ordinal);
        var revoked = known && _state.Revocations.Any(r => string.Equals(r.Serial, serial, StringComparison.OrdinalIgnoreCase) && r.Reason != RevocationReason.CertificateHold);
        Sender.Tell(new CertificateRecord(serial, known, revoked));
    }

    // The subject names this CA has signed under: its current certificate's and its earlier keys'.
    private IEnumerable<string> IssuerNames() =>
        new[] { _state.CertificateDer }.Concat(_state.PreviousKeys.Select(k => k.CertificateDer)).OfType<byte[]>().Select(der => Certificate.FromDer(der).Subject).Distinct(StringComparer.Ordinal);
}

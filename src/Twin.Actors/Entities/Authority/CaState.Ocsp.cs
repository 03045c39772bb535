using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Authority;

public sealed partial record CaState
{
    /// <summary>The delegated OCSP responder's certificate (DER); null: none certified (the CA signs its answers).</summary>
    public byte[]? OcspResponderDer { get; init; }

    /// <summary>The key reference of the delegated OCSP responder.</summary>
    public string? OcspResponderKeyRef { get; init; }

    private CaState ApplyOcsp(ITwinEvent e) => e switch
    {
        OcspResponderCertified o => this with
        {
            OcspResponderDer = o.CertificateDer,
            OcspResponderKeyRef = o.KeyRef,
            Serials = Serials.Append(Certificate.FromDer(o.CertificateDer).SerialNumber, generation: null, notAfter: null),
        },
        _ => this,
    };
}

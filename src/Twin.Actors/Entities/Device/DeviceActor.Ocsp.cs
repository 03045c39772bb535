using Twin.Actors.Trust;
using Twin.Pki.Validation;

namespace Twin.Actors.Entities.Device;

/// <summary>
/// The relying party's OCSP client: a certificate that names a responder (design.revocation: ocsp) is checked with the
/// plant's responder at simulated now, live — not from a pulled copy — and the answer is kept until its nextUpdate. One
/// cache per relying party, so each probe and each handshake reuses what the last one learnt; not journaled: a restarted
/// relying party asks again. Certificates without a responder (CA certificates, CRL designs) are left to the CRLs.
/// </summary>
public sealed partial class DeviceActor
{
    private OcspRevocationSource? _ocsp;

    private OcspRevocationSource OcspSource => _ocsp ??= new OcspRevocationSource(new InProcessOcspTransport(_runtime!.Distribution, _clock));
}

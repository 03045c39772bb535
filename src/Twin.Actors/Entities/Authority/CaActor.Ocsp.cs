using Twin.Actors.Model;
using Twin.Actors.Trust;
using Twin.Pki.Authority;
using Twin.Pki.Revocation;

namespace Twin.Actors.Entities.Authority;

/// <summary>The OCSP design of a CA: where its responder is reached, how long its answers are current, and who signs them.</summary>
/// <param name="BaseUrl">The twin's HTTP address; the responder is at {BaseUrl}ocsp/{ca} (RFC 6960 Appendix A).</param>
/// <param name="Validity">nextUpdate − thisUpdate of every answer: how long relying parties may cache it.</param>
public sealed record OcspSettings(Uri BaseUrl, TimeSpan Validity)
{
    /// <summary>Twin.Host's default address, so the URL in the certificates reaches the served responder.</summary>
    public static Uri DefaultBaseUrl { get; } = new("http://127.0.0.1:5080/");

    /// <summary>True: a delegated responder (its own id-kp-OCSPSigning certificate) signs, and keeps answering while the CA is cut off.</summary>
    public bool Delegated { get; init; }

    /// <summary>The responder URL of CA <paramref name="ca"/>, as it goes into the authorityInfoAccess of the certificates the CA issues.</summary>
    public Uri UrlFor(EntityId ca) => new(BaseUrl, "ocsp/" + Uri.EscapeDataString(ca.Value));
}

/// <summary>
/// OCSP: under design.revocation ocsp the CA names its responder in the end-entity certificates it issues and publishes
/// its responder — its keys, its records and whether it is up — at the distribution point after every change. Answers
/// are signed on request at simulated now and never journaled. A cut-off CA's responder is down, unless a delegated
/// responder signs for it (<c>CaActor.OcspDelegate.cs</c>).
/// </summary>
public sealed partial class CaActor
{
    private static bool NamesResponder(CertificateProfile profile) =>
        profile is CertificateProfile.LDevId or CertificateProfile.OpcUaApplication or CertificateProfile.TlsClient or CertificateProfile.TlsServer;

    // The certificates relying parties check (devices, PEAs, the POL) name the responder; short-lived ones need none.
    private IssuanceRequest WithOcspUrl(IssuanceRequest request) =>
        _settings.Ocsp is { } ocsp && NamesResponder(request.Profile) && !request.NoRevocationAvailable
            ? request with { OcspUrl = ocsp.UrlFor(Id) }
            : request;

    private void PublishOcsp()
    {
        if (_settings.Ocsp is not { } ocsp || _distribution is null || _ca is null) return;
        var signers = new List<OcspResponder>();
        if (ocsp.Delegated && DelegatedResponder() is { } delegated) signers.Add(delegated);
        else signers.Add(_ca.CreateOcspResponder());
        signers.AddRange(_previous.Values.Select(p => p.CreateOcspResponder()));
        var up = _state.Reachable || (ocsp.Delegated && !signers[0].Signer.Equals(_ca.Certificate));
        _distribution.PublishOcsp(Id.Value, new OcspService(Id.Value, signers, _state, ocsp.Validity, up));
    }
}

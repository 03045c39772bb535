using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Model;
using Twin.Pki.Keys;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Support;

/// <summary>
/// An RA-mode registrar (RFC 9483 §5.2.3) beside its domain CA on a fresh journal, forwarding to a <see cref="FakeUpstreamCa"/> in process
/// instead of over HTTP, with seeded draws: the set-up of the RA's kill-and-recover tests.
/// </summary>
public abstract class RaWithUpstreamTestKit : RegistrarWithCaTestKit
{
    /// <summary>The domain's issuing CA (the RA forwards instead of asking it, but holds its protection certificate from it).</summary>
    protected static readonly EntityId CaId = new("ca-domain");

    /// <param name="name">The scratch folder's name.</param>
    /// <param name="run">The run's id.</param>
    /// <param name="domain">The RA's operator domain.</param>
    /// <param name="upstreamName">The upstream CA's name (the recipient of what the RA sends).</param>
    /// <param name="upstreamSecret">The secret the RA shares with the upstream.</param>
    /// <param name="adjust">Further registrar settings (an allow-list for EST clients).</param>
    protected RaWithUpstreamTestKit(string name, RunId run, string domain, string upstreamName, string upstreamSecret, Func<RegistrarSettings, RegistrarSettings>? adjust = null)
        : base(name, run, CaId, new CaSettings("CN=Domain Root,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650)),
            (adjust ?? (s => s))(Settings(domain, upstreamName, upstreamSecret)), TimeSpan.FromSeconds(60), seed: 4711) =>
        Upstream = new FakeUpstreamCa(upstreamName, upstreamSecret);

    /// <summary>The upstream CA the RA forwards to: what reached it, and a hold on its next answer.</summary>
    protected FakeUpstreamCa Upstream { get; }

    /// <inheritdoc />
    protected override ICmpTransport? Transport => Upstream;

    // The URL is never dialled: the transport is the fake.
    private static RegistrarSettings Settings(string domain, string upstreamName, string upstreamSecret) =>
        new(domain, CaId, KeyAlgorithm.EcdsaP256, RegistrarMode.Ra)
        {
            Upstream = new UpstreamCa(new Uri("http://127.0.0.1:9/cmp"), upstreamName, RaPlantYaml.Reference, upstreamSecret),
        };
}

using Twin.Actors.Clock;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Events;

namespace Twin.Actors.Tests.Entities;

/// <summary>
/// The GDS directory in the registrar's state (pure, no actors): one certificate per application however many renewals — what was
/// issued before is the CA's record, not the registrar's — and a revocation clears it only when it is the current one.
/// </summary>
public sealed class RegistrarGdsStateTests
{
    private static readonly RunId Run = new("gds-state");
    private static readonly EntityId Registrar = new("registrar.plant");
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");
    private const string App = "6f1c2a9e-2c1d-4d3e-9a0b-1c2d3e4f5a6b";

    private static RegistrarGdsApplicationRegistered Registered() =>
        new(Run, T0, Registrar, App, 1, "urn:planttrust:gds-state:pea-001", "Server", [new GdsApplicationName("en", "pea-001")], "urn:planttrust:pea",
            ["opc.tcp://127.0.0.1:4840"], ["NA"], ["ns=3;i=615"], "ns=3;i=616");

    [Fact]
    public void A_thousand_renewals_leave_one_certificate_per_application()
    {
        var state = RegistrarState.Empty.Apply(Registered());
        for (var i = 0; i < 1000; i++) state = state.Apply(new RegistrarGdsCertificateDelivered(Run, T0.Add(TimeSpan.FromDays(i)), Registrar, App, [(byte)(i % 256), (byte)(i / 256)]));

        var app = Assert.Single(state.GdsApplications).Value;
        Assert.Equal([(byte)(999 % 256), (byte)(999 / 256)], Assert.IsType<byte[]>(app.Current));
    }

    [Fact]
    public void Revoking_an_older_certificate_keeps_the_current_one_and_revoking_the_current_one_clears_it()
    {
        var state = RegistrarState.Empty.Apply(Registered())
            .Apply(new RegistrarGdsCertificateDelivered(Run, T0, Registrar, App, [1]))
            .Apply(new RegistrarGdsCertificateDelivered(Run, T0, Registrar, App, [2]));

        state = state.Apply(new RegistrarGdsCertificateRevoked(Run, T0, Registrar, App, [1]));
        Assert.Equal([2], Assert.IsType<byte[]>(state.GdsApplications[App].Current));

        state = state.Apply(new RegistrarGdsCertificateRevoked(Run, T0, Registrar, App, [2]));
        Assert.Null(state.GdsApplications[App].Current);
    }
}

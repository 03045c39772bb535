using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Serialization;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Tests.Entities;

/// <summary>The pure part of a CA's key generations: who still relies on a previous key, and the snapshot that keeps it.</summary>
public sealed class CaStateLifecycleTests
{
    private static readonly RunId Run = new("state");
    private static readonly EntityId Ca = new("ca-issuing");
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");

    [Fact]
    public void A_rollover_moves_the_holders_to_the_previous_key_and_an_end_entity_renewing_under_the_new_key_leaves_it_but_a_CA_does_not()
    {
        var root = CertificateAuthority.CreateRoot("CN=Root", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), T0.Utc, T0.Utc.AddYears(10));
        var gen0 = root.CreateSubordinate("CN=Issuing", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), CertificateProfile.IntermediateCa, T0.Utc, T0.Utc.AddYears(5));
        var gen1 = root.CreateSubordinate("CN=Issuing", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), CertificateProfile.IntermediateCa, T0.Utc, T0.Utc.AddYears(5));
        var state = CaState.Empty.Apply(new SubordinateCaCertified(Run, T0, Ca, new EntityId("ca-root"), "k0", gen0.Certificate.GetDer(), root.Certificate.GetDer()));
        state = state.Apply(Issued(gen0, "device-1", CertificateProfile.LDevId))
            .Apply(Issued(gen0, "ca-below", CertificateProfile.IssuingCa));

        state = state.Apply(new CaRolledOver(Run, T0.Add(TimeSpan.FromDays(1)), Ca, 1, "rollover", "k1", gen1.Certificate.GetDer(), root.Certificate.GetDer()));
        var previous = Assert.Single(state.PreviousKeys);
        Assert.Equal((0, "k0", false), (previous.Generation, previous.KeyRef, previous.Closed));
        Assert.Equal(["ca-below", "device-1"], previous.Holders.Keys);
        Assert.Equal(2, state.Serials.IssuedUnder(previous.Generation).Count());
        Assert.Empty(state.KeySerials);
        Assert.Equal(1, state.Generation);
        Assert.Same(previous, state.PreviousKeyOf(state.Serials.IssuedUnder(0).First()));

        state = state.Apply(Issued(gen1, "device-1", CertificateProfile.LDevId)).Apply(Issued(gen1, "ca-below", CertificateProfile.IssuingCa));
        Assert.Equal(["ca-below"], state.PreviousKeys[0].Holders.Keys);
        Assert.Equal(4, state.Serials.Count); // never reset: no serial is reused across keys
        Assert.Equal(["ca-below", "device-1"], state.KeyHolders.Keys);

        state = state.Apply(new PreviousKeyClosed(Run, T0.Add(TimeSpan.FromDays(9)), Ca, 0));
        Assert.True(state.PreviousKeys[0].Closed);

        // The snapshot carries the generations through the journal's serializer.
        var serializer = new TwinSerializer(null!);
        var back = (CaState)serializer.FromBinary(serializer.ToBinary(state), serializer.Manifest(state));
        Assert.Equal(state.Generation, back.Generation);
        Assert.Equal(state.PreviousKeys[0].Holders, back.PreviousKeys[0].Holders);
        Assert.Equal(state.Serials.IssuedUnder(0), back.Serials.IssuedUnder(0));
        Assert.Equal(state.Serials.IssuedUnder(1), back.Serials.IssuedUnder(1));
        Assert.Equal(state.KeyHolders, back.KeyHolders);
        Assert.Equal(state.PreviousKeys[0].Closed, back.PreviousKeys[0].Closed);
    }

    private static CertificateIssued Issued(CertificateAuthority ca, string holder, CertificateProfile profile)
    {
        var certificate = ca.Issue(new IssuanceRequest("CN=" + holder, KeyGenerator.Generate(KeyAlgorithm.EcdsaP256).PublicKey, profile, T0.Utc, T0.Utc.AddDays(30)));
        return new CertificateIssued(Run, T0, Ca, new EntityId(holder), profile.ToString(), certificate.GetDer());
    }
}

using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Control;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Pki.Revocation;
using Twin.Web.Tests.Support;
using Xunit;

namespace Twin.Web.Tests.Control;

/// <summary>The shared revocation path (API and dashboard) reports a CA that does not answer, or a replay that cannot act, as an outcome — never as an exception.</summary>
public sealed class RevocationOutcomeTests
{
    [Fact]
    public async Task A_CA_that_does_not_answer_gives_504_naming_the_CA_and_the_serial()
    {
        var plant = new PlantEvents();
        var serial = plant.Issue("device-001", PlantEvents.At(1), TimeSpan.FromDays(90));
        var model = new FakeModel(plant.Snapshot());

        var outcome = await Revocations.RevokeAsync(model, new SilentControl(), "device-001", null, RevocationReason.KeyCompromise, "test");

        Assert.False(outcome.Done);
        Assert.Equal(504, outcome.Code);
        Assert.Contains("ca-root", outcome.Message, StringComparison.Ordinal);
        Assert.Contains(serial, outcome.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_replay_refuses_with_409_and_says_why()
    {
        var plant = new PlantEvents();
        plant.Issue("device-001", PlantEvents.At(1), TimeSpan.FromDays(90));
        var model = new ReplayReadModel();
        model.Load(plant.Events);

        var outcome = await Revocations.RevokeAsync(model, new ReplayControl(model), "device-001", null, RevocationReason.KeyCompromise, "test");

        Assert.False(outcome.Done);
        Assert.Equal(409, outcome.Code);
        Assert.Contains("replay", outcome.Message, StringComparison.OrdinalIgnoreCase);
    }

    private sealed class SilentControl : ITwinControl
    {
        public ClockReading Clock => new(PlantEvents.T0, ClockMode.Realtime, 1, false);

        public void Pause() { }

        public void Resume() { }

        public void SetSpeed(double speed) { }

        public void Step() { }

        public Task<T> AskEntityAsync<T>(EntityId entity, object command, TimeSpan timeout) =>
            Task.FromException<T>(new AskTimeoutException($"Timeout after {timeout}"));
    }
}

using Twin.Actors.Entities.Pea;

namespace Twin.Actors.Tests.Services;

/// <summary>The VDI/VDE/NAMUR 2658-4 service state machine, pure: every command in every state, and where transient states lead.</summary>
public sealed class ServiceStateMachineTests
{
    // 2658-4: the states each command is valid in, written out from the standard's state diagram (not derived from the code).
    private static readonly Dictionary<ServiceCommand, (ServiceState[] From, ServiceState To)> Allowed = new()
    {
        [ServiceCommand.Start] = ([ServiceState.Idle], ServiceState.Starting),
        [ServiceCommand.Complete] = ([ServiceState.Execute], ServiceState.Completing),
        [ServiceCommand.Pause] = ([ServiceState.Execute], ServiceState.Pausing),
        [ServiceCommand.Resume] = ([ServiceState.Paused], ServiceState.Resuming),
        [ServiceCommand.Hold] = ([ServiceState.Starting, ServiceState.Execute, ServiceState.Completing, ServiceState.Pausing, ServiceState.Paused, ServiceState.Resuming, ServiceState.Unholding], ServiceState.Holding),
        [ServiceCommand.Unhold] = ([ServiceState.Held], ServiceState.Unholding),
        [ServiceCommand.Stop] = ([ServiceState.Idle, ServiceState.Starting, ServiceState.Execute, ServiceState.Completing, ServiceState.Completed, ServiceState.Resetting,
            ServiceState.Holding, ServiceState.Held, ServiceState.Unholding, ServiceState.Pausing, ServiceState.Paused, ServiceState.Resuming], ServiceState.Stopping),
        [ServiceCommand.Abort] = ([.. Enum.GetValues<ServiceState>().Except([ServiceState.Aborting, ServiceState.Aborted])], ServiceState.Aborting),
        [ServiceCommand.Reset] = ([ServiceState.Completed, ServiceState.Stopped, ServiceState.Aborted], ServiceState.Resetting),
    };

    [Fact]
    public void Every_command_is_valid_exactly_in_the_states_2658_4_allows()
    {
        Assert.Equal(16, Enum.GetValues<ServiceState>().Length);
        foreach (var command in ServiceStateMachine.Commands)
        {
            var (from, to) = Allowed[command];
            foreach (var state in Enum.GetValues<ServiceState>())
                Assert.True(ServiceStateMachine.Apply(state, command) == (from.Contains(state) ? to : null), $"{command} in {state}");
        }
    }

    [Fact]
    public void Transient_states_end_in_the_state_2658_4_names_and_quiescent_states_wait()
    {
        var next = Enum.GetValues<ServiceState>().Where(ServiceStateMachine.IsTransient).ToDictionary(s => s, s => ServiceStateMachine.Next(s)!.Value);
        Assert.Equal(new Dictionary<ServiceState, ServiceState>
        {
            [ServiceState.Starting] = ServiceState.Execute,
            [ServiceState.Completing] = ServiceState.Completed,
            [ServiceState.Resetting] = ServiceState.Idle,
            [ServiceState.Holding] = ServiceState.Held,
            [ServiceState.Unholding] = ServiceState.Execute,
            [ServiceState.Pausing] = ServiceState.Paused,
            [ServiceState.Resuming] = ServiceState.Execute,
            [ServiceState.Stopping] = ServiceState.Stopped,
            [ServiceState.Aborting] = ServiceState.Aborted,
        }, next);
    }

    [Fact]
    public void StateCur_codes_are_the_2658_4_bits()
    {
        Assert.Equal(16u, (uint)ServiceState.Idle);
        Assert.Equal(64u, (uint)ServiceState.Execute);
        Assert.Equal(131072u, (uint)ServiceState.Completed);
        Assert.Equal(4u, (uint)ServiceCommand.Start);
        Assert.Equal(1024u, (uint)ServiceCommand.Complete);
    }

    [Fact]
    public void The_MTP_manifest_names_the_services_and_their_procedures_and_a_broken_one_is_refused_with_its_position()
    {
        var manifest = Twin.Actors.Entities.Manufacturer.SignedArtefacts.MtpManifest(new Model.EntityId("pea-01"), "urn:x:pea-01", "Acme");
        var services = MtpServices.Parse(manifest);
        Assert.Equal(["Dose", "Mix", "Temper"], services.Select(s => s.Name));
        Assert.Equal(["DoseAmount", "DoseFlow"], services[0].Procedures);

        var broken = System.Text.Encoding.UTF8.GetBytes("<CAEXFile xmlns=\"http://www.dke.de/CAEX\">\n<InstanceHierarchy>\n</CAEXFile>");
        var e = Assert.Throws<FormatException>(() => MtpServices.Parse(broken));
        Assert.Contains("line 3", e.Message, StringComparison.Ordinal);
    }
}

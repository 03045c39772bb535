using System.Collections.Immutable;
using Akka.Persistence.Journal;
using Twin.Actors.Model;
using Twin.Actors.Protocol;

namespace Twin.Actors.Persistence;

/// <summary>Tags every journaled event with its run, so projections can follow one run with EventsByTag.</summary>
public sealed class RunTagger : IWriteEventAdapter
{
    /// <summary>The tag that marks the events of <paramref name="run"/>.</summary>
    public static string TagFor(RunId run) => "run:" + run.Value;

    /// <inheritdoc />
    public string Manifest(object evt) => string.Empty;

    /// <inheritdoc />
    public object ToJournal(object evt)
    {
        KillSwitch.BeforeJournaling(evt);
        return evt is ITwinEvent e ? new Tagged(evt, ImmutableHashSet.Create(TagFor(e.Run))) : evt;
    }
}

using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Persistence;
using Twin.Actors.Projections;

namespace Twin.Host.Hosting;

/// <summary>
/// How far a live run's read model has read the run's journal, and how much simulation work is under way. A host
/// restarted on a long journal answers the API from a read model that is still reading the past; a client that compares
/// what it sees before and after (a test, a monitoring probe) waits for <see cref="Reading.CaughtUp"/>.
/// </summary>
public sealed class RunProgress(PlantReadModel model, SimulationWork work, RunId run)
{
    /// <summary>One reading of the run's progress.</summary>
    /// <param name="Applied">The journal offset of the newest event the read model applied (0 before the first).</param>
    /// <param name="Journaled">The journal offset of the run's newest event; null when the journal has none or is not SQL.</param>
    /// <param name="Outstanding">Pieces of simulation work under way (deliveries, exchanges, writes not yet stored).</param>
    public sealed record Reading(long Applied, long? Journaled, int Outstanding)
    {
        /// <summary>True when the read model has applied every event the journal held when it was asked.</summary>
        public bool CaughtUp => Journaled is not { } journaled || Applied >= journaled;
    }

    /// <summary>Reads the journal's newest offset of the run (one short query) next to the model's and the work count.</summary>
    public async Task<Reading> ReadAsync(ActorSystem system, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        // The model's offset is read after the journal's: an event applied in between can only make the answer later, never
        // claim an offset the model has not reached.
        var outstanding = work.Outstanding + work.Starting;
        var journaled = await JournalPosition.HighestOffsetAsync(system.Settings.Config, run, cancellation).ConfigureAwait(false);
        return new Reading(model.AppliedOffset, journaled, outstanding);
    }
}

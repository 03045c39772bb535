using System.Collections.Immutable;
using Akka.Persistence;
using Akka.Persistence.Sql.Journal;

namespace Twin.Actors.Persistence;

/// <summary>
/// The SQL write journal, answering a write that holds no events itself instead of handing it on.
/// </summary>
/// <remarks>
/// A persistent actor's write batch can consist of deferred handlers only: <c>DeferAsync</c> called while a
/// <c>PersistAsync</c> is still in flight (an entity's <c>DoneWhenStored</c> after an issuance) sends the journal a
/// <c>WriteMessages</c> with no <see cref="AtomicWrite"/> in it. Akka's journal base calls the plugin with the empty list,
/// and Akka.Persistence.Sql 1.5.73 then takes the head of it: "Sequence contains no elements". Each of those counts as a
/// failure of the journal's circuit breaker; ten in a row open it, and for its reset time every write and every recovery of
/// the whole plant fails. An empty batch has nothing to store, so it succeeds here, at once.
/// <para>
/// It still passes through the breaker as a success: with the database down, writes that fail between such batches no longer
/// add up to the ten in a row that open it (each waits its call timeout instead), and in the half-open state an empty batch
/// can be the trial call that closes it. Both only delay what the failing writes report anyway.
/// </para>
/// </remarks>
public sealed class TwinWriteJournal : SqlWriteJournal
{
    private static readonly Task<IImmutableList<Exception>> NothingToStore = Task.FromResult<IImmutableList<Exception>>(ImmutableList<Exception>.Empty);

    /// <summary>Created by Akka from the journal's configuration section.</summary>
    public TwinWriteJournal(Akka.Configuration.Config journalConfig) : base(journalConfig)
    {
    }

    /// <inheritdoc />
    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var batch = messages as IReadOnlyCollection<AtomicWrite> ?? messages.ToList();
        return batch.Count == 0 ? NothingToStore : base.WriteMessagesAsync(batch, cancellationToken);
    }
}

using System.Threading.Channels;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;

namespace Twin.OpcUa.Client;

/// <summary>
/// A monitored EventNotifier on the client (Part 4 §5.12.1.5): each event that passes the filter arrives on <see cref="Events"/> as
/// its selected fields, in select-clause order.
/// </summary>
public sealed class ClientEventItem
{
    private readonly Channel<Variant[]> _events = Channel.CreateBounded<Variant[]>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    internal ClientEventItem(NodeId notifier, uint clientHandle, EventFilter filter)
    {
        NotifierId = notifier;
        ClientHandle = clientHandle;
        Filter = filter;
    }

    public NodeId NotifierId { get; }
    public uint ClientHandle { get; }

    /// <summary>The filter in force (after a successful modify, the new one).</summary>
    public EventFilter Filter { get; internal set; }

    /// <summary>The id the server assigned.</summary>
    public uint MonitoredItemId { get; internal set; }

    /// <summary>The queue size the server granted.</summary>
    public uint QueueSize { get; internal set; }

    /// <summary>The server's verdict on the filter: a status per select clause and per where-clause element when one failed.</summary>
    public EventFilterResult? FilterResult { get; internal set; }

    /// <summary>The events in the order the server published them; completes with the cause when the session ends (see <see cref="ClientSession.ChannelClosed"/>).</summary>
    public ChannelReader<Variant[]> Events => _events.Reader;

    /// <summary>The field named <paramref name="name"/> (a select clause's browse path) of an event this item received.</summary>
    public Variant Field(Variant[] fields, string name)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var select = Filter.SelectClauses ?? [];
        for (var i = 0; i < select.Length && i < fields.Length; i++)
            if (string.Join('/', (select[i].BrowsePath ?? []).Select(q => q.Name)) == name) return fields[i];
        throw new ArgumentException($"The filter selects no field '{name}'.", nameof(name));
    }

    internal void Deliver(Variant[] fields) => _events.Writer.TryWrite(fields);

    internal void End(UaException cause) => _events.Writer.TryComplete(cause);
}

/// <summary>An event filter the server refused (Part 4 §7.22.3): the item's status and the per-clause verdict.</summary>
public sealed class EventFilterRefusedException : UaException
{
    public EventFilterRefusedException(StatusCode status, EventFilterResult? result) : base(status.Code, "The server refused the event filter" + Describe(result)) => Result = result;

    public EventFilterRefusedException() : this(StatusCodes.BadEventFilterInvalid, null) { }

    public EventFilterRefusedException(string message) : base(StatusCodes.BadEventFilterInvalid, message) { }

    public EventFilterRefusedException(string message, Exception inner) : base(StatusCodes.BadEventFilterInvalid, message, inner) { }

    public EventFilterResult? Result { get; }

    private static string Describe(EventFilterResult? r)
    {
        if (r is null) return ".";
        var select = (r.SelectClauseResults ?? []).Select((s, i) => (s, i)).Where(x => x.s.IsBad).Select(x => $"select clause {x.i}: {x.s}");
        var where = (r.WhereClauseResult.ElementResults ?? []).Select((s, i) => (s, i)).Where(x => x.s.StatusCode.IsBad).Select(x => $"where element {x.i}: {x.s.StatusCode}");
        return ": " + string.Join(", ", select.Concat(where));
    }
}

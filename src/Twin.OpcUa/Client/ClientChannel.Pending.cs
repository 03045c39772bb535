using System.Threading.Tasks.Sources;
using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Client;

internal sealed partial class ClientChannel
{
    /// <summary>Requests registered and not yet finished; the receive loop reads it to decide how to complete a response.</summary>
    private int _outstanding;

    /// <summary>
    /// A request waiting for its response, completed exactly once: by its response, a fault of the channel, the timeout sweep,
    /// its timer or the caller's cancellation. The receive loop claims it for its response (<see cref="Claim"/>) and resumes the
    /// caller (<see cref="Run"/>) on its own thread when this is the one request outstanding: the caller's next request then
    /// goes out from the thread that received the answer, instead of waking a second pool thread for every round trip (on two
    /// cores those wake-ups, not the work, bound one-at-a-time reads). With more outstanding, the answers received together
    /// are handed out by one pool thread (<see cref="CompletionBatch"/>), so that the loop keeps reading while callers send.
    /// </summary>
    private sealed class PendingRequest(long deadline) : IValueTaskSource<IEncodeable>, IThreadPoolWorkItem
    {
        private ManualResetValueTaskSourceCore<IEncodeable> _core;
        private int _completed;
        private IEncodeable? _result;
        private Exception? _error;

        public long Deadline { get; } = deadline;

        public ValueTask<IEncodeable> Task => new(this, _core.Version);

        /// <summary>Takes the response for this request, to be handed to the caller by <see cref="Run"/>; false if already completed.</summary>
        public bool Claim(IEncodeable response)
        {
            if (Interlocked.Exchange(ref _completed, 1) != 0) return false;
            _result = response;
            return true;
        }

        /// <summary>Resumes the caller with the claimed response on this thread.</summary>
        public void Run() => _core.SetResult(_result!);

        /// <summary>Fails the request; the caller resumes on the pool (the failing thread may be a timer or the loop's last words).</summary>
        public bool Fail(Exception error)
        {
            if (Interlocked.Exchange(ref _completed, 1) != 0) return false;
            _error = error;
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
            return true;
        }

        void IThreadPoolWorkItem.Execute()
        {
            if (_error is { } error) _core.SetException(error);
            else _core.SetResult(_result!);
        }

        public IEncodeable GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }

    /// <summary>The channel whose answers this thread is handing out (<see cref="CompletionBatch"/>): its callers' requests are deferred.</summary>
    [ThreadStatic]
    private static ClientChannel? t_completing;

    /// <summary>
    /// The answers to requests that arrived together, handed to their callers one after the other on one pool thread. Each
    /// caller's next request, sent from there, is only appended to the connection's output, and the batch sends what its
    /// callers appended every <see cref="SendEvery"/> answers and at its end. So a burst of answers costs one thread hop and
    /// a few socket writes instead of one of each per answer, while the receive loop goes on reading; and the server already
    /// works on the first requests while the rest are encrypted (one write per burst made the two sides take turns). The one
    /// answer to the one request outstanding is handed over on the receive loop itself, as before. A caller that blocks its
    /// thread here on another request of the same channel blocks the batch and its unsent requests, as on the receive loop.
    /// </summary>
    private sealed class CompletionBatch(ClientChannel channel) : IThreadPoolWorkItem
    {
        /// <summary>How many answers' worth of requests leave in one write at most while a batch is handed out.</summary>
        internal const int SendEvery = 4;

        private readonly List<PendingRequest> _items = new(4);

        public int Count => _items.Count;

        public void Add(PendingRequest pending) => _items.Add(pending);

        public void Execute()
        {
            var outer = t_completing;
            t_completing = channel;
            try
            {
                for (var i = 0; i < _items.Count; i++)
                {
                    _items[i].Run();
                    if ((i + 1) % SendEvery == 0 || i == _items.Count - 1) Send();
                }
            }
            finally { t_completing = outer; }
        }

        private void Send()
        {
            var sent = channel._connection.FlushAsync(CancellationToken.None);
            if (!sent.IsCompletedSuccessfully) _ = ObserveAsync(sent);
        }

        // A failed send has ended the connection already (its callers fail with it); here it only must not go unobserved.
        private static async Task ObserveAsync(ValueTask sent)
        {
            try { await sent.ConfigureAwait(false); }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException) { }
        }
    }

    /// <summary>
    /// Watches a request sent for its timeout and the caller's cancellation. Timeouts of seconds are watched by one sweep a
    /// second per channel rather than by a timer per request (creating and dropping a timer for every read was a measurable
    /// share of the client's CPU); short ones keep a timer each. A cancelled <paramref name="ct"/> fails the request with
    /// <see cref="OperationCanceledException"/>. The caller disposes both once the request is done.
    /// </summary>
    private (Timer? Timer, CancellationTokenRegistration Registration) Watch(PendingRequest pending, TimeSpan timeout, CancellationToken ct)
    {
        Timer? timer = null;
        if (timeout != Timeout.InfiniteTimeSpan && timeout < SweepPeriod * 4)
            timer = new Timer(static state => ((PendingRequest)state!).Fail(new TimeoutException()), pending, timeout, Timeout.InfiniteTimeSpan);
        else if (_sweep is null)
        {
            var sweep = new Timer(static state => ((ClientChannel)state!).Sweep(), this, SweepPeriod, SweepPeriod);
            if (Interlocked.CompareExchange(ref _sweep, sweep, null) is not null || _closed.IsCancellationRequested) sweep.Dispose();
        }
        var registration = ct.CanBeCanceled
            ? ct.UnsafeRegister(static (state, token) => ((PendingRequest)state!).Fail(new OperationCanceledException(token)), pending)
            : default;
        return (timer, registration);
    }

    private static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(1);
    private Timer? _sweep;

    private void Sweep()
    {
        var now = Environment.TickCount64;
        List<PendingRequest>? late = null;
        lock (_pending)
            foreach (var (_, p) in _pending)
                if (p.Deadline <= now) (late ??= []).Add(p);
        // Failed outside the lock: a failure queues the caller's continuation, which takes the lock to unregister.
        foreach (var p in late ?? []) p.Fail(new TimeoutException());
    }
}

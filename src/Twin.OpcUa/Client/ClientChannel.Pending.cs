using System.Threading.Tasks.Sources;
using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Client;

internal sealed partial class ClientChannel
{
    /// <summary>Requests registered and not yet finished; the receive loop reads it to decide how to complete a response.</summary>
    private int _outstanding;

    /// <summary>
    /// A request waiting for its response, completed exactly once: by its response, a fault of the channel, the timeout sweep,
    /// its timer or the caller's cancellation. A completion either resumes the awaiting caller on the completing thread
    /// (<see cref="Complete(IEncodeable, bool)"/> with inline) or hands it to the thread pool. The receive loop completes
    /// inline only when this is the one request outstanding: the caller's next request then goes out from the thread that
    /// received the answer, instead of waking a second pool thread for every round trip (on two cores those wake-ups, not the
    /// work, bound one-at-a-time reads). With more outstanding, completions go to the pool so that the loop keeps reading
    /// while callers send.
    /// </summary>
    private sealed class PendingRequest(long deadline) : IValueTaskSource<IEncodeable>, IThreadPoolWorkItem
    {
        private ManualResetValueTaskSourceCore<IEncodeable> _core;
        private int _completed;
        private IEncodeable? _result;
        private Exception? _error;

        public long Deadline { get; } = deadline;

        public ValueTask<IEncodeable> Task => new(this, _core.Version);

        /// <summary>Completes with a response: on this thread when <paramref name="inline"/>, else on the pool. False if already completed.</summary>
        public bool Complete(IEncodeable response, bool inline)
        {
            if (Interlocked.Exchange(ref _completed, 1) != 0) return false;
            if (inline) _core.SetResult(response);
            else
            {
                _result = response;
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
            }
            return true;
        }

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

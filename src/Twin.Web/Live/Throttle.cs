using System.Diagnostics;

namespace Twin.Web.Live;

/// <summary>
/// Coalesces bursts of change notifications into at most one callback per interval, so a component
/// re-renders a few times a second however fast the twin produces events. The first change after a
/// quiet interval is passed on at once (an event reaches the browser without waiting); changes
/// within the interval after a callback are gathered into one more callback at its end.
/// </summary>
public sealed class Throttle : IDisposable
{
    private readonly TimeSpan _interval;
    private readonly Func<Task> _callback;
    private readonly CancellationTokenSource _stop = new();
    private long _lastRun = Stopwatch.GetTimestamp() - Stopwatch.Frequency * 3600;
    private int _pending;

    /// <summary>Calls <paramref name="callback"/> at most once per <paramref name="interval"/> after <see cref="Signal"/>.</summary>
    public Throttle(TimeSpan interval, Func<Task> callback)
    {
        _interval = interval;
        _callback = callback;
    }

    /// <summary>Notes that something changed; the callback follows at once or within one interval.</summary>
    public void Signal()
    {
        if (_stop.IsCancellationRequested || Interlocked.Exchange(ref _pending, 1) == 1) return;
        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        try
        {
            var wait = _interval - Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastRun));
            if (wait > TimeSpan.Zero) await Task.Delay(wait, _stop.Token).ConfigureAwait(false);
            else await Task.Yield();
            Interlocked.Exchange(ref _lastRun, Stopwatch.GetTimestamp());
            Interlocked.Exchange(ref _pending, 0);
            await _callback().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // disposed with the component
        }
        catch (ObjectDisposedException)
        {
            // the circuit went away between the change and the render
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}

namespace Twin.Web.Live;

/// <summary>
/// Coalesces bursts of change notifications into at most one callback per interval, so a component
/// re-renders a few times a second however fast the twin produces events.
/// </summary>
public sealed class Throttle : IDisposable
{
    private readonly TimeSpan _interval;
    private readonly Func<Task> _callback;
    private readonly CancellationTokenSource _stop = new();
    private int _pending;

    /// <summary>Calls <paramref name="callback"/> at most once per <paramref name="interval"/> after <see cref="Signal"/>.</summary>
    public Throttle(TimeSpan interval, Func<Task> callback)
    {
        _interval = interval;
        _callback = callback;
    }

    /// <summary>Notes that something changed; the callback follows within one interval.</summary>
    public void Signal()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 1 || _stop.IsCancellationRequested) return;
        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        try
        {
            await Task.Delay(_interval, _stop.Token).ConfigureAwait(false);
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

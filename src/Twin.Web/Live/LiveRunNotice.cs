namespace Twin.Web.Live;

/// <summary>
/// Tells every circuit that the host now serves another live run (the dashboard's Stop then Start): the read model,
/// control and journal the pages hold already answer for the new run; what a page kept of the old one (a replay, a
/// list of events) it drops when this is raised. A replay host never raises it.
/// </summary>
public sealed class LiveRunNotice
{
    private int _generation;

    /// <summary>How many times the live run was replaced since the host started.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>Raised after the run was replaced, on the thread that replaced it. Subscribers marshal to their circuit.</summary>
    public event Action? Replaced;

    /// <summary>Called by the host once the new run serves.</summary>
    public void Raise()
    {
        Interlocked.Increment(ref _generation);
        Replaced?.Invoke();
    }
}

namespace Twin.Web.Scenarios;

/// <summary>Starts and stops the live run from the dashboard; the host implements it (it owns the running twin).</summary>
public interface IScenarioRunner
{
    /// <summary>The scenario file the live run plays, if one runs.</summary>
    string? Current { get; }

    /// <summary>True while a run is live.</summary>
    bool Running { get; }

    /// <summary>Replaces the live run with the (already validated) scenario at <paramref name="path"/>. Open pages stay connected and show the new run.</summary>
    Task StartAsync(string path);

    /// <summary>Stops the live run: simulated time stands still until a scenario is started.</summary>
    Task StopAsync();
}

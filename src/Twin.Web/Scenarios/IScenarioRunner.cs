namespace Twin.Web.Scenarios;

/// <summary>Starts and stops the live run from the dashboard; the host implements it (it owns the running twin).</summary>
public interface IScenarioRunner
{
    /// <summary>The scenario file the live run plays, if one runs.</summary>
    string? Current { get; }

    /// <summary>True while a run is live.</summary>
    bool Running { get; }

    /// <summary>Replaces the live run with the (already validated) scenario at <paramref name="path"/>. The dashboard reconnects to the new run.</summary>
    Task StartAsync(string path);

    /// <summary>Stops the live run; the dashboard keeps serving the recorded journal.</summary>
    Task StopAsync();
}

namespace Twin.Web.Live;

/// <summary>What the host tells the dashboard about its settings.</summary>
public sealed class DashboardOptions
{
    /// <summary>The token that lets browsers on other machines act (Twin:AccessToken); null: only the local machine may.</summary>
    public string? AccessToken { get; init; }

    /// <summary>Judge the local machine like a remote one (Twin:TreatLoopbackAsRemote): control then needs the token everywhere.</summary>
    public bool TreatLoopbackAsRemote { get; init; }

    /// <summary>The folder compare results are read from (each result is a folder with compare.json).</summary>
    public string ResultsFolder { get; init; } = Path.GetFullPath("results");

    /// <summary>Where uploaded, valid scenarios are kept so they can be started.</summary>
    public string UploadFolder { get; init; } = Path.GetFullPath(Path.Combine("data", "uploaded-scenarios"));

    /// <summary>The folder of bundled scenarios the scenarios page lists.</summary>
    public string ScenarioFolder { get; init; } = Path.Combine(AppContext.BaseDirectory, "scenarios");
}

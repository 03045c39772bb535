using Twin.Actors.Scenarios;

namespace Twin.Web.Scenarios;

/// <summary>A scenario file as the scenarios page lists it: valid with a summary, or its problems by line.</summary>
public sealed record ScenarioEntry(string Path, string FileName, Scenario? Scenario, IReadOnlyList<ScenarioProblem> Problems)
{
    /// <summary>True when it can be started.</summary>
    public bool Valid => Scenario is not null;

    /// <summary>One line about what it runs.</summary>
    public string Summary => Scenario is { } s
        ? $"{s.Name}: run '{s.Run.Value}', {1 + s.Subordinates.Count} CA(s), {s.Devices.Count} devices/PEAs/POL, {s.Timeline.Count} timeline step(s), {s.Mode.ToString().ToLowerInvariant()} clock"
        : $"{Problems.Count} problem(s)";
}

/// <summary>Lists and checks scenario files with <see cref="ScenarioLoader"/>.</summary>
public static class ScenarioCatalog
{
    /// <summary>The most bytes of an uploaded scenario the dashboard reads.</summary>
    public const int MaxUploadBytes = 512 * 1024;

    /// <summary>Every *.yaml in <paramref name="folder"/>, checked.</summary>
    public static IReadOnlyList<ScenarioEntry> List(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder)) return [];
        return Directory.EnumerateFiles(folder, "*.yaml").Order(StringComparer.Ordinal).Select(Check).ToList();
    }

    /// <summary>Checks the file at <paramref name="path"/>.</summary>
    public static ScenarioEntry Check(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return new(path, System.IO.Path.GetFileName(path), ScenarioLoader.LoadFile(path), []);
        }
        catch (ScenarioException e)
        {
            return new(path, System.IO.Path.GetFileName(path), null, e.Problems);
        }
    }

    /// <summary>Checks uploaded <paramref name="yaml"/> named <paramref name="fileName"/>; a valid one is saved into <paramref name="uploadFolder"/> so it can be started.</summary>
    public static ScenarioEntry CheckUpload(string yaml, string fileName, string uploadFolder)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(uploadFolder);
        var name = System.IO.Path.GetFileName(fileName);
        if (string.IsNullOrWhiteSpace(name)) name = "uploaded.yaml";
        try
        {
            var scenario = ScenarioLoader.Load(yaml, name);
            Directory.CreateDirectory(uploadFolder);
            var path = System.IO.Path.Combine(uploadFolder, System.IO.Path.GetFileNameWithoutExtension(name) + ".yaml");
            File.WriteAllText(path, yaml);
            return new(path, name, scenario, []);
        }
        catch (ScenarioException e)
        {
            return new("", name, null, e.Problems);
        }
    }
}

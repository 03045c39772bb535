using YamlDotNet.RepresentationModel;

namespace Twin.Actors.Scenarios;

// design.distribution (pull | push) and design.distributionInterval: how relying parties get trust lists and CRLs.
public static partial class ScenarioLoader
{
    private static readonly string[] DistributionModes = ["pull", "push"];

    /// <summary>The pull interval, or null when relying parties see every publication at once (push, or pull at each check).</summary>
    private static TimeSpan? ReadDistribution(ScenarioReader r, YamlMappingNode map)
    {
        var modeNode = ScenarioReader.Get(map, "distribution");
        var mode = r.Text(modeNode, "design.distribution") ?? "pull";
        if (!DistributionModes.Contains(mode, StringComparer.Ordinal))
        {
            r.Problem(modeNode!, $"design.distribution: '{mode}' is not one of {string.Join(", ", DistributionModes)}.");
            return null;
        }
        var intervalNode = ScenarioReader.Get(map, "distributionInterval");
        var interval = r.Duration(intervalNode, "design.distributionInterval");
        if (interval is null) return null;
        if (mode == "push")
        {
            r.Problem(intervalNode!, "design.distributionInterval: with push the domain delivers each publication at once; an interval applies to pull only.");
            return null;
        }
        if (interval <= TimeSpan.Zero)
        {
            r.Problem(intervalNode!, "design.distributionInterval: must be longer than zero (leave it out to fetch at every check).");
            return null;
        }
        return interval;
    }
}

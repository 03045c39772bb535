namespace Twin.Actors.Trust;

// Trust-centre lists (trust-list model): each trust centre's latest signed list, as CMS SignedData, where relying parties fetch it.
public sealed partial class CrlDistributionPoint
{
    private readonly Dictionary<string, byte[]> _lists = new(StringComparer.Ordinal);

    /// <summary>Publishes (or replaces) <paramref name="trustCentre"/>'s signed list.</summary>
    public void PublishAssuranceList(string trustCentre, byte[] cms)
    {
        ArgumentException.ThrowIfNullOrEmpty(trustCentre);
        ArgumentNullException.ThrowIfNull(cms);
        lock (_gate) _lists[trustCentre] = cms;
    }

    /// <summary>The latest signed list of <paramref name="trustCentre"/>, or null when it published none.</summary>
    public byte[]? AssuranceList(string trustCentre)
    {
        lock (_gate) return _lists.GetValueOrDefault(trustCentre);
    }
}

using System.Collections.Concurrent;

namespace Twin.Actors.Plant;

public sealed partial class PlantRuntime
{
    /// <summary>The OPC UA endpoint URL of each operator domain's GDS (design.gds), by domain name: real ports, never journaled.</summary>
    public ConcurrentDictionary<string, string> GdsEndpoints { get; } = new(StringComparer.Ordinal);
}

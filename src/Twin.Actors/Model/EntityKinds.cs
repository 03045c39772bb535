namespace Twin.Actors.Model;

/// <summary>The kinds of entity in the twin, and how their persistence ids are formed.</summary>
public static class EntityKinds
{
    /// <summary>A certification authority (root or issuing).</summary>
    public const string CertificationAuthority = "ca";

    /// <summary>A field device.</summary>
    public const string Device = "device";

    /// <summary>Kind prefix + run id + entity id: unique across runs that share one journal.</summary>
    public static string PersistenceId(string kind, RunId run, EntityId entity) => $"{kind}|{run.Value}|{entity.Value}";
}

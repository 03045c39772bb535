namespace Twin.Actors.Model;

/// <summary>The kinds of entity in the twin, and how their persistence ids are formed.</summary>
public static class EntityKinds
{
    /// <summary>A certification authority (root or issuing).</summary>
    public const string CertificationAuthority = "ca";

    /// <summary>A field device (a PEA's OPC UA server is one too).</summary>
    public const string Device = "device";

    /// <summary>The Process Orchestration Layer: the OPC UA client of every PEA.</summary>
    public const string Pol = "pol";

    /// <summary>An operator domain's registrar (CMP endpoint, CA or RA mode).</summary>
    public const string Registrar = "registrar";

    /// <summary>A manufacturer: IDevID CA, MASA, firmware and MTP package signing.</summary>
    public const string Manufacturer = "manufacturer";

    /// <summary>Kind prefix + run id + entity id: unique across runs that share one journal.</summary>
    public static string PersistenceId(string kind, RunId run, EntityId entity) => $"{kind}|{run.Value}|{entity.Value}";
}

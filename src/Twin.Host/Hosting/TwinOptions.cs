using System.Globalization;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Device;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Pki.Keys;

namespace Twin.Host.Hosting;

/// <summary>The "Twin" section of appsettings.json, overridable by the command line.</summary>
public sealed class TwinOptions
{
    /// <summary>Where the dashboard and API listen. Loopback by default.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Folder for the journal database and key stores, relative to the working directory.</summary>
    public string DataFolder { get; set; } = "data";

    /// <summary>The SQLite journal file; defaults to planttrust.db in <see cref="DataFolder"/>.</summary>
    public string? Database { get; set; }

    /// <summary>The demo plant the host serves when no scenario is given.</summary>
    public DemoOptions Demo { get; set; } = new();

    /// <summary>The absolute path of the journal database.</summary>
    public string DatabasePath => Path.GetFullPath(Database ?? Path.Combine(DataFolder, "planttrust.db"));

    /// <summary>The key store folder: beside the database, so one data folder holds a whole run.</summary>
    public string KeyFolder => Path.Combine(Path.GetDirectoryName(DatabasePath)!, "keys");
}

/// <summary>The demo plant: a root CA and a few devices on an accelerated clock.</summary>
public sealed class DemoOptions
{
    public string Run { get; set; } = "demo";
    public string Start { get; set; } = "2030-01-01T00:00:00Z";
    public double Speed { get; set; } = 3600;
    public string Mode { get; set; } = "realtime";
    public long? Seed { get; set; }
    public RootCaOptions RootCa { get; set; } = new();
    public List<DeviceOptions> Devices { get; set; } = [];

    /// <summary>Checks every value and builds the plant; errors name the setting.</summary>
    public PlantSpec ToSpec()
    {
        SimInstant start;
        try
        {
            start = SimInstant.Parse(Start);
        }
        catch (FormatException)
        {
            throw new InvalidSettingException("Twin:Demo:Start", Start, "an ISO 8601 instant such as 2030-01-01T00:00:00Z");
        }
        if (!(Speed > 0)) throw new InvalidSettingException("Twin:Demo:Speed", Speed.ToString(CultureInfo.InvariantCulture), "a positive number of simulated seconds per wall second");
        var caId = Id("Twin:Demo:RootCa:Id", RootCa.Id);
        var ca = new RootCaSettings(RootCa.Subject, Algorithm("Twin:Demo:RootCa:Algorithm", RootCa.Algorithm), TimeSpan.FromDays(RootCa.ValidityDays));
        var devices = Devices.Select((d, i) => (Id($"Twin:Demo:Devices:{i}:Id", d.Id),
            new DeviceSettings(caId, d.Subject, Algorithm($"Twin:Demo:Devices:{i}:Algorithm", d.Algorithm), TimeSpan.FromHours(d.LifetimeHours)))).ToList();
        var mode = Mode.ToLowerInvariant() switch
        {
            "realtime" => ClockMode.Realtime,
            "max" => ClockMode.Max,
            _ => throw new InvalidSettingException("Twin:Demo:Mode", Mode, "realtime or max"),
        };
        return new PlantSpec(Id2Run("Twin:Demo:Run", Run), start, Speed, StartRunning: true, caId, ca, devices) { Mode = mode, Seed = Seed };
    }

    private static EntityId Id(string setting, string value)
    {
        try { return new EntityId(value); }
        catch (ArgumentException) { throw new InvalidSettingException(setting, value, "an entity id of a-z, 0-9, '-', '.', '_'"); }
    }

    private static RunId Id2Run(string setting, string value)
    {
        try { return new RunId(value); }
        catch (ArgumentException) { throw new InvalidSettingException(setting, value, "a run id of a-z, 0-9, '-', '_'"); }
    }

    private static KeyAlgorithm Algorithm(string setting, string value) =>
        Enum.TryParse<KeyAlgorithm>(value, ignoreCase: true, out var a) && Enum.IsDefined(a)
            ? a
            : throw new InvalidSettingException(setting, value, "one of " + string.Join(", ", Enum.GetNames<KeyAlgorithm>()));
}

public sealed class RootCaOptions
{
    public string Id { get; set; } = "ca-root";
    public string Subject { get; set; } = "CN=PlantTrust Demo Root CA";
    public string Algorithm { get; set; } = nameof(KeyAlgorithm.EcdsaP256);
    public double ValidityDays { get; set; } = 7300;
}

public sealed class DeviceOptions
{
    public string Id { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Algorithm { get; set; } = nameof(KeyAlgorithm.EcdsaP256);
    public double LifetimeHours { get; set; } = 24;
}

/// <summary>A configuration value that cannot be used; the message names the setting, the value and what was expected.</summary>
public sealed class InvalidSettingException(string setting, string value, string expected)
    : Exception($"Setting {setting} = '{value}' is not valid: expected {expected}.");

using Twin.Host.Hosting;

namespace Twin.Host.Tests.Hosting;

public sealed class TwinOptionsTests
{
    private static DemoOptions Demo() => new()
    {
        Devices = [new DeviceOptions { Id = "device-001", Subject = "CN=device-001" }],
    };

    [Fact]
    public void The_default_demo_builds_a_plant_with_a_root_CA_and_its_devices()
    {
        var spec = Demo().ToSpec();
        Assert.Equal("demo", spec.Run.Value);
        Assert.Equal("ca-root", spec.RootCa.Value);
        var device = Assert.Single(spec.Devices);
        Assert.Equal(spec.RootCa, device.Settings.Ca);
        Assert.Equal(TimeSpan.FromHours(24), device.Settings.CertificateLifetime);
    }

    [Theory]
    [InlineData("Start", "yesterday", "Twin:Demo:Start")]
    [InlineData("Algorithm", "Rsa1024", "Twin:Demo:Devices:0:Algorithm")]
    [InlineData("Id", "Device 1", "Twin:Demo:Devices:0:Id")]
    public void A_bad_value_names_the_setting_and_the_value(string field, string value, string setting)
    {
        var demo = Demo();
        switch (field)
        {
            case "Start": demo.Start = value; break;
            case "Algorithm": demo.Devices[0].Algorithm = value; break;
            case "Id": demo.Devices[0].Id = value; break;
        }
        var error = Assert.Throws<InvalidSettingException>(demo.ToSpec);
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_key_store_lives_beside_the_database()
    {
        var options = new TwinOptions { Database = "/var/lib/planttrust/run.db" };
        Assert.Equal("/var/lib/planttrust/keys", options.KeyFolder);
    }
}

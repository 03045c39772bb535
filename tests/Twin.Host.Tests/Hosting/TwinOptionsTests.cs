using Twin.Actors.Clock;
using Twin.Host.Cli;
using Twin.Host.Hosting;

namespace Twin.Host.Tests.Hosting;

public sealed class TwinOptionsTests
{
    [Fact]
    public void The_key_store_lives_beside_the_database()
    {
        var options = new TwinOptions { Database = "/var/lib/planttrust/run.db" };
        Assert.Equal("/var/lib/planttrust/keys", options.KeyFolder);
    }

    [Fact]
    public void A_PostgreSQL_journal_keeps_its_key_store_in_the_data_folder_and_its_password_out_of_the_description()
    {
        var options = new TwinOptions { Database = "postgres://twin:s3cret@127.0.0.1:5432/plant", DataFolder = "/var/lib/planttrust" };

        Assert.Equal(Twin.Actors.Persistence.DatabaseEngine.PostgreSql, options.Journal.Engine);
        Assert.Equal("/var/lib/planttrust/keys", options.KeyFolder);
        Assert.Equal("postgres://127.0.0.1:5432/plant", options.DatabasePath);
    }

    [Fact]
    public void A_malformed_database_setting_names_the_setting()
    {
        var options = new TwinOptions { Database = "postgres://127.0.0.1:5432/" };
        var error = Assert.Throws<Twin.Actors.Persistence.StorageUnavailableException>(() => options.Journal);
        Assert.Contains("Twin:Database", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_scenario_is_the_demo_bundled_with_the_executable()
    {
        var options = new TwinOptions();
        Assert.True(File.Exists(options.Scenario), options.Scenario);
        Assert.EndsWith(Path.Combine("scenarios", "demo.yaml"), options.Scenario, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("max", ClockMode.Max, null)]
    [InlineData("MAX", ClockMode.Max, null)]
    [InlineData("3600", ClockMode.Realtime, 3600.0)]
    [InlineData("0.5", ClockMode.Realtime, 0.5)]
    public void Speed_is_max_or_a_positive_number(string text, ClockMode mode, double? speed)
    {
        Assert.Equal((mode, speed), CommonOptions.ParseSpeed(text));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("fast")]
    [InlineData("NaN")]
    public void A_bad_speed_names_the_option_and_the_value(string text)
    {
        var error = Assert.Throws<UsageException>(() => CommonOptions.ParseSpeed(text));
        Assert.Contains($"--speed '{text}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Durations_are_ISO_8601()
    {
        Assert.Equal(TimeSpan.FromDays(30), CommonOptions.ParseDuration("P30D", "--until"));
        Assert.Equal(TimeSpan.FromHours(12), CommonOptions.ParseDuration("PT12H", "--until"));
        Assert.Contains("--until 'tomorrow'", Assert.Throws<UsageException>(() => CommonOptions.ParseDuration("tomorrow", "--until")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("http://localhost:0")]
    [InlineData("http://[::1]:5080;http://127.0.0.1:5081")]
    public void Loopback_addresses_are_for_this_machine_only(string urls) =>
        Assert.Equal("Access: this machine only (loopback).", ServeCommand.CheckBinding(urls, tokenConfigured: false));

    [Theory]
    [InlineData("http://0.0.0.0:5080")]
    [InlineData("http://*:5080")]
    [InlineData("http://192.0.2.10:5080;http://127.0.0.1:5081")]
    public void Other_addresses_are_served_read_only_without_a_token_and_guarded_with_one(string urls)
    {
        Assert.Contains("read-only for them: no access token is configured", ServeCommand.CheckBinding(urls, tokenConfigured: false), StringComparison.Ordinal);
        Assert.Contains("may act only with the access token", ServeCommand.CheckBinding(urls, tokenConfigured: true), StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_url_is_refused_naming_it() =>
        Assert.Contains("--urls 'http//nohost'", Assert.Throws<UsageException>(() => ServeCommand.CheckBinding("http//nohost", tokenConfigured: true)).Message, StringComparison.Ordinal);
}

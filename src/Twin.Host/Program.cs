using System.CommandLine;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Twin.Actors.Persistence;
using Twin.Host.Hosting;

namespace Twin.Host;

/// <summary>The PlantTrust executable.</summary>
public static class Program
{
    /// <summary>Exit code for a run that could not start because of its input or environment.</summary>
    public const int BadInput = 2;

    /// <summary>Parses the command line and runs the chosen verb (no verb: serve the demo).</summary>
    public static async Task<int> Main(string[] args)
    {
        var db = new Option<string?>("--db") { Description = "SQLite journal file (default: data/planttrust.db, from appsettings.json)" };
        var urls = new Option<string?>("--urls") { Description = "where the dashboard listens (default: http://127.0.0.1:5080)" };
        var root = new RootCommand("PlantTrust: a digital twin of a modular plant's trust ecosystem. Without a verb it serves the demo plant and its dashboard.")
        {
            db,
            urls,
        };
        root.SetAction((result, token) => ServeAsync(result.GetValue(db), result.GetValue(urls), token));
        return await root.Parse(args).InvokeAsync();
    }

    private static async Task<int> ServeAsync(string? db, string? urls, CancellationToken token)
    {
        var options = LoadOptions();
        if (db is not null) options.Database = db;
        if (urls is not null) options.Urls = urls;

        WebApplication app;
        try
        {
            app = TwinHost.Build(options);
        }
        catch (Exception e) when (e is StorageUnavailableException or InvalidSettingException)
        {
            await Console.Error.WriteLineAsync($"PlantTrust cannot start: {e.Message}");
            return BadInput;
        }

        try
        {
            await app.StartAsync(token);
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"PlantTrust cannot listen on {options.Urls}: {e.Message} Stop the other process or choose another address with --urls.");
            await app.DisposeAsync();
            return 1;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
            Console.WriteLine($"PlantTrust dashboard: {address}");
        Console.WriteLine($"Journal: {options.DatabasePath}. Press Ctrl+C to stop.");
        await app.WaitForShutdownAsync(token);
        await app.DisposeAsync();
        return 0;
    }

    private static TwinOptions LoadOptions()
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: false)
            .AddEnvironmentVariables()
            .Build();
        var options = new TwinOptions();
        configuration.GetSection("Twin").Bind(options);
        return options;
    }
}

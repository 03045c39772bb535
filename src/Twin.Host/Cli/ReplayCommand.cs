using System.CommandLine;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Twin.Host.Hosting;

namespace Twin.Host.Cli;

/// <summary>`replay --db PATH --run ID [--urls URL]`: serves a recorded run read-only in the dashboard.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var db = new Option<string>("--db") { Description = "the run's SQLite journal", Required = true };
        var run = new Option<string>("--run") { Description = "the run id", Required = true };
        var urls = new Option<string?>("--urls") { Description = "where the dashboard listens (default http://127.0.0.1:5080; port 0 picks a free one)" };
        var command = new Command("replay", "Serve a recorded run read-only in the dashboard (no plant runs; the view moves over the recorded range); 0 on Ctrl+C, 1 if the port is taken, 2 on bad input.")
        {
            db, run, urls,
        };
        command.SetAction((r, token) => ReplayAsync(r.GetValue(db)!, r.GetValue(run)!, r.GetValue(urls), token));
        return command;
    }

    private static async Task<int> ReplayAsync(string db, string runText, string? urls, CancellationToken token)
    {
        var options = TwinOptions.Load();
        if (urls is not null) options.Urls = urls;
        WebApplication app;
        Twin.Actors.Model.RunId run;
        try
        {
            Console.WriteLine(ServeCommand.CheckBinding(options.Urls, !string.IsNullOrEmpty(options.AccessToken)));
            (var path, run) = RecordedRun.Check(db, runText);
            app = TwinReplayHost.Build(options, path, run);
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"PlantTrust cannot replay: {e.Message}");
            return Program.BadInput;
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
        var (start, end, events) = await TwinReplayHost.LoadAsync(app, run);
        Console.WriteLine($"Replaying {run}: {events} events, range [{start}, {end}] (read-only).");
        foreach (var address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            Console.WriteLine($"PlantTrust dashboard: {address}");
        await app.WaitForShutdownAsync(token);
        await app.DisposeAsync();
        return 0;
    }
}

using System.CommandLine;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Twin.Actors.Persistence;
using Twin.Actors.Scenarios;
using Twin.Host.Hosting;

namespace Twin.Host.Cli;

/// <summary>`serve [FILE]`: runs a scenario live with the dashboard and the API.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Run a scenario live with the dashboard (default: the bundled demo).");
        Configure(command);
        return command;
    }

    /// <summary>Adds serve's argument and options to <paramref name="command"/> (also the root: no verb means serve).</summary>
    public static void Configure(Command command)
    {
        var file = new Argument<string?>("FILE") { Description = "scenario file (default: scenarios/demo.yaml)", Arity = ArgumentArity.ZeroOrOne };
        var db = CommonOptions.Db();
        var urls = new Option<string?>("--urls") { Description = "where the dashboard listens (default http://127.0.0.1:5080; port 0 picks a free one)" };
        var speed = CommonOptions.Speed();
        var seed = CommonOptions.Seed();
        command.Arguments.Add(file);
        command.Options.Add(db);
        command.Options.Add(urls);
        command.Options.Add(speed);
        command.Options.Add(seed);
        command.SetAction((result, token) => ServeAsync(result.GetValue(file), result.GetValue(db), result.GetValue(urls), result.GetValue(speed), result.GetValue(seed), token));
    }

    /// <summary>
    /// Checks <paramref name="urls"/> and says who may act on a twin bound there: loopback addresses are for
    /// this machine (full control); any other address is allowed, and from there control actions need the
    /// access token (<paramref name="tokenConfigured"/>) — without one the dashboard and API are read-only
    /// for every other machine. Returns the line to print; a malformed URL is a <see cref="UsageException"/>.
    /// </summary>
    internal static string CheckBinding(string urls, bool tokenConfigured)
    {
        var remote = new List<string>();
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url.Replace("://*", "://wildcard", StringComparison.Ordinal).Replace("://+", "://wildcard", StringComparison.Ordinal), UriKind.Absolute, out var uri))
                throw new UsageException($"--urls '{url}': not a URL such as http://127.0.0.1:5080.");
            var host = uri.Host.Trim('[', ']');
            var loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
                || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));
            if (!loopback) remote.Add(url);
        }
        if (remote.Count == 0) return "Access: this machine only (loopback).";
        return tokenConfigured
            ? $"Access: {string.Join(", ", remote)} is reachable from other machines; they may act only with the access token (Twin:AccessToken), this machine always."
            : $"Access: {string.Join(", ", remote)} is reachable from other machines, read-only for them: no access token is configured (Twin:AccessToken); this machine may act.";
    }

    private static async Task<int> ServeAsync(string? file, string? db, string? urls, string? speedText, long? seed, CancellationToken token)
    {
        var options = TwinOptions.Load();
        if (db is not null) options.Database = db;
        if (urls is not null) options.Urls = urls;
        options.Urls = OcspAddress.ResolveFreePort(options.Urls); // the certificates name the responder's address: known before the first issuance

        WebApplication app;
        var scenarioPath = Path.GetFullPath(file ?? options.Scenario);
        var runs = new LiveRunSwitch(scenarioPath);
        try
        {
            Console.WriteLine(CheckBinding(options.Urls, !string.IsNullOrEmpty(options.AccessToken)));
            var (mode, speed) = CommonOptions.ParseSpeed(speedText);
            var scenario = ScenarioLoader.LoadFile(scenarioPath);
            app = TwinHost.Build(options, scenario.ToPlant(seed, mode, speed), runs);
        }
        catch (Exception e) when (e is StorageUnavailableException or UsageException or ScenarioException or Enrollment.EnrollmentConfigurationException)
        {
            await Console.Error.WriteLineAsync($"PlantTrust cannot start: {e.Message}");
            return Program.BadInput;
        }

        try
        {
            await app.StartAsync(token);
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"PlantTrust cannot listen on {options.Urls} or the enrollment port {options.Est.Port}: {e.Message} Stop the other process or choose another address with --urls (dashboard) or Twin__Est__Port (enrollment).");
            await app.DisposeAsync();
            return 1;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
            Console.WriteLine($"PlantTrust dashboard: {address}");
        Console.WriteLine($"Journal: {options.DatabasePath}. Press Ctrl+C to stop.");
        // The dashboard may replace the live run: the next run goes behind this same web host.
        while (await runs.NextRunAsync(app, scenarioPath, token) is { } next)
        {
            var replaced = await runs.ReplaceAsync(app, options, next, seed, token);
            if (replaced == RunReplacement.Failed) { await app.StopAsync(CancellationToken.None); await app.DisposeAsync(); return 1; }
            if (replaced == RunReplacement.NotLoaded) continue;
            scenarioPath = next;
        }
        await app.WaitForShutdownAsync(token);
        await app.DisposeAsync();
        return 0;
    }
}

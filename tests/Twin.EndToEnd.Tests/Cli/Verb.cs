using System.Diagnostics;
using System.Text.Json;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests.Cli;

/// <summary>Runs one verb of the real executable to its end, with a generous bound (whole scenarios run in it).</summary>
internal static class Verb
{
    public static async Task<Peer.Result> RunAsync(params string[] args) => await RunWithAsync(null, args);

    /// <summary>As <see cref="RunAsync"/>, with extra environment variables for the process.</summary>
    public static async Task<Peer.Result> RunWithAsync(IDictionary<string, string>? environment, params string[] args) =>
        await Peer.RunAsync("dotnet", [HostProcess.HostDll, .. args], workingDirectory: Path.GetTempPath(), timeout: TimeSpan.FromMinutes(8), environment: environment);

    /// <summary>`run FILE` into a scratch folder; returns the exit code, output and report.json.</summary>
    public static async Task<(Peer.Result Result, JsonElement Report)> RunScenarioAsync(string file, string folder, params string[] extra)
    {
        var report = Path.Combine(folder, "report");
        var result = await RunAsync(["run", file, "--db", Path.Combine(folder, "run.db"), "--report", report, .. extra]);
        var json = Path.Combine(report, "report.json");
        Assert.True(File.Exists(json), $"no report (exit {result.ExitCode}): {result.All}");
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        return (result, doc.RootElement.Clone());
    }

    /// <summary>Starts a verb without waiting for it: for tests that stop it on purpose.</summary>
    public static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        psi.ArgumentList.Add(HostProcess.HostDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}

using System.Diagnostics;
using System.Text.Json;
using Twin.Tests.Support;

namespace Twin.OpcUa.Tests.NegativeMatrix;

/// <summary>Peers/negative.js in servers mode: several node-opcua servers in one process.</summary>
public sealed class NodeServers : IAsyncDisposable
{
    private readonly Process _process;

    private NodeServers(Process process, Dictionary<string, string> urls, Dictionary<string, string> verdicts)
    {
        _process = process;
        Urls = urls;
        Verdicts = verdicts;
    }

    public Dictionary<string, string> Urls { get; }
    public Dictionary<string, string> Verdicts { get; }

    public static async Task<NodeServers> StartAsync(object config, params string[] nodeOptions)
    {
        var file = Path.Combine(RepoPaths.NewScratch("negative-servers"), "config.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(config));
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = Path.Combine(RepoPaths.Root, "tests", "peers"),
        };
        foreach (var option in nodeOptions) psi.ArgumentList.Add(option);
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Peers", "negative.js"));
        psi.ArgumentList.Add("servers");
        psi.ArgumentList.Add(file);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
        var log = new System.Text.StringBuilder();
        var verdicts = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { ready.TrySetException(new InvalidOperationException("node-opcua servers exited: " + log)); return; }
            lock (log) log.AppendLine(e.Data);
            if (e.Data.StartsWith("VERDICTS ", StringComparison.Ordinal)) verdicts.TrySetResult(e.Data[9..]);
            if (e.Data.StartsWith("READY ", StringComparison.Ordinal)) ready.TrySetResult(e.Data[6..]);
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var urls = JsonSerializer.Deserialize<Dictionary<string, string>>(await ready.Task.WaitAsync(TimeSpan.FromSeconds(120)))!;
            return new NodeServers(process, urls, JsonSerializer.Deserialize<Dictionary<string, string>>(await verdicts.Task)!);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}

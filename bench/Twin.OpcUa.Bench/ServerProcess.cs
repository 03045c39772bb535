using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

/// <summary>A server under test in its own process: ours (`serve` mode of this program) or node-opcua's (server.js).</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, string url)
    {
        _process = process;
        EndpointUrl = url;
    }

    public string EndpointUrl { get; }

    /// <summary>The server's process id, for its /proc figures.</summary>
    public int ProcessId => _process.Id;

    /// <summary>User plus system CPU time the server process has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Resident memory of the server process (VmRSS).</summary>
    public long ResidentBytes
    {
        get
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
    }

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public static Task<ServerProcess> StartOursAsync(string folder)
    {
        var port = FreePort();
        var host = Environment.ProcessPath ?? "dotnet";
        var psi = new ProcessStartInfo(host) { WorkingDirectory = AppContext.BaseDirectory };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") psi.ArgumentList.Add(typeof(ServeMode).Assembly.Location);
        foreach (var a in new[] { "serve", port.ToString(CultureInfo.InvariantCulture), folder }) psi.ArgumentList.Add(a);
        // Socket completions run the server's read loop on the I/O thread instead of hopping to the thread pool for every
        // frame (the server moves asymmetric cryptography and costly services off that thread itself). TWIN_BENCH_POOLED=1
        // measures the default instead.
        if (Environment.GetEnvironmentVariable("TWIN_BENCH_POOLED") != "1") psi.Environment["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "1";
        else psi.Environment.Remove("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS");
        return StartAsync(psi, $"opc.tcp://127.0.0.1:{port}");
    }

    public static Task<ServerProcess> StartNodeAsync(string root, string pkiFolder, string certFolder)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("node") { WorkingDirectory = Path.Combine(root, "tests", "peers") };
        foreach (var a in new[] { Path.Combine(root, "tests", "Twin.OpcUa.Tests", "Peers", "server.js"), port.ToString(CultureInfo.InvariantCulture), pkiFolder, certFolder })
            psi.ArgumentList.Add(a);
        return StartAsync(psi, $"opc.tcp://127.0.0.1:{port}");
    }

    private static async Task<ServerProcess> StartAsync(ProcessStartInfo psi, string url)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;
        psi.UseShellExecute = false;
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"{psi.FileName} did not start");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) ready.TrySetException(new InvalidOperationException($"{psi.FileName} exited before it was ready"));
            else if (e.Data.StartsWith("READY ", StringComparison.Ordinal)) ready.TrySetResult();
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return new ServerProcess(process, url);
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        try { await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)); }
        catch (TimeoutException) { _process.Kill(entireProcessTree: true); }
        _process.Dispose();
    }
}

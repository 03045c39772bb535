using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Twin.Tests.Support;

namespace Twin.OpcUa.Tests;

/// <summary>A node-opcua server (Peers/server.js) running for one test; stopped by closing its standard input, killed if it lingers.</summary>
public sealed class NodePeerServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _log = new();

    private NodePeerServer(Process process, string endpointUrl)
    {
        _process = process;
        EndpointUrl = endpointUrl;
    }

    public string EndpointUrl { get; }

    /// <summary>A port that was free a moment ago on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static async Task<NodePeerServer> StartAsync(bool secure = false)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = Path.Combine(RepoPaths.Root, "tests", "peers"),
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Peers", "server.js"));
        psi.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var pki = RepoPaths.NewScratch("node-opcua-pki");
        psi.ArgumentList.Add(pki);
        if (secure)
        {
            var certs = RepoPaths.NewScratch("node-opcua-server-cert");
            TestPki.WritePem(TestPki.Shared.NodeServer, certs, "server");
            foreach (var store in new[] { "server", "user" })
            {
                Directory.CreateDirectory(Path.Combine(pki, store, "trusted", "certs"));
                Directory.CreateDirectory(Path.Combine(pki, store, "trusted", "crl"));
                File.WriteAllBytes(Path.Combine(pki, store, "trusted", "certs", "ca.der"), TestPki.Shared.Ca.Certificate.GetDer());
                File.WriteAllBytes(Path.Combine(pki, store, "trusted", "crl", "ca.crl"), TestPki.Shared.Crl);
            }
            psi.ArgumentList.Add(certs);
        }
        return await LaunchAsync(psi, port);
    }

    /// <summary>
    /// A node-opcua 2.157.0 server with push certificate management installed (Peers/gds-server.js, run from tests/peers/gds):
    /// its PKI folder (own/, trusted/, issuers/) is <paramref name="pki"/>, prepared by the caller.
    /// </summary>
    public static Task<NodePeerServer> StartWithPushManagementAsync(string pki)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = Path.Combine(RepoPaths.Root, "tests", "peers", "gds"),
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Peers", "gds-server.js"), port.ToString(System.Globalization.CultureInfo.InvariantCulture), pki })
            psi.ArgumentList.Add(a);
        return LaunchAsync(psi, port);
    }

    private static async Task<NodePeerServer> LaunchAsync(ProcessStartInfo psi, int port)
    {
        var process = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { ready.TrySetException(new InvalidOperationException("node-opcua server exited: " + log)); return; }
            lock (log) log.AppendLine(e.Data);
            if (e.Data.StartsWith("READY ", StringComparison.Ordinal)) ready.TrySetResult(e.Data[6..].Trim());
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
        return new NodePeerServer(process, $"opc.tcp://127.0.0.1:{port}");
    }

    /// <summary>Kills the server process at once (SIGKILL): it says nothing to its clients, the operating system closes its sockets.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process.HasExited)
        {
            _process.Dispose();
            return;
        }
        try
        {
            _process.StandardInput.Close();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}

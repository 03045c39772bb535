using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Twin.Tests.Support;

/// <summary>
/// openssl's mock CMP server (<c>openssl cmp -port</c>) on a free loopback port, as the upstream CA of an RA-mode domain
/// (RFC 9483 §5.2.3): it answers every certificate request with one given certificate, MAC-protected with a shared secret under
/// reference <see cref="RaPlantYaml.Reference"/>. Started listening: a refused connection would be an "upstream unreachable" refusal.
/// </summary>
public sealed class OpenSslCmpMock : IAsyncDisposable
{
    private readonly Process _process;

    private OpenSslCmpMock(Process process, int port) => (_process, Port) = (process, port);

    /// <summary>The port it listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>The URL an RA's domain names as its upstream.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/pkix/");

    /// <summary>A free loopback port, for a plant that must name the mock's URL before the mock can start.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts the mock in <paramref name="folder"/>: CA <paramref name="caCertificate"/> (its key <paramref name="caKey"/>) protects and
    /// is sent as caPubs, <paramref name="responseCertificate"/> is the certificate of every answer; <paramref name="options"/> are
    /// further <c>openssl cmp</c> options (<c>-grant_implicitconf</c>, <c>-srv_trusted</c>, <c>-no_check_time</c>, …). Listens on
    /// <paramref name="port"/> (0: a free one). Returns once it accepts connections.
    /// </summary>
    public static async Task<OpenSslCmpMock> StartAsync(string folder, string secret, string caCertificate, string caKey, string responseCertificate,
        IEnumerable<string>? options = null, int port = 0)
    {
        if (port == 0) port = FreePort();
        var psi = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder };
        foreach (var a in new[] { "cmp", "-port", port.ToString(CultureInfo.InvariantCulture), "-srv_ref", RaPlantYaml.Reference, "-srv_secret", $"pass:{secret}",
            "-srv_cert", caCertificate, "-srv_key", caKey, "-rsp_cert", responseCertificate, "-rsp_capubs", caCertificate }.Concat(options ?? []))
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start openssl cmp -port");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var mock = new OpenSslCmpMock(process, port);
        try
        {
            // Another process's socket can only be observed by trying it: poll, bounded (about 10 s).
            using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            for (var attempt = 0; ; attempt++)
            {
                if (process.HasExited) throw new InvalidOperationException($"openssl cmp -port {port} exited with {process.ExitCode}");
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    return mock;
                }
                catch (SocketException) when (attempt < 100)
                {
                    await poll.WaitForNextTickAsync();
                }
            }
        }
        catch
        {
            await mock.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the mock.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

using System.Diagnostics;
using System.Globalization;
using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Server;
using Twin.Tests.Support;

namespace Twin.OpcUa.Tests.Interop;

/// <summary>Wireshark's OPC UA dissector (tshark) reads a captured None session of our client and server without complaint.</summary>
public sealed class WiresharkTests
{
    // Part 6 §7.1.2 (HEL/ACK), §6.7.2 (OPN/MSG/CLO chunks), §5.2 (bodies): the dissector decodes every service of a session.
    [Fact]
    public async Task Tshark_decodes_a_captured_session_with_no_malformed_packets()
    {
        var folder = RepoPaths.NewScratch("opcua-capture");
        var pcap = Path.Combine(folder, "session.pcapng");
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options);
        var port = new Uri(host.EndpointUrl).Port.ToString(CultureInfo.InvariantCulture);

        await using (var capture = await Capture.StartAsync(port, pcap))
        {
            await capture.ProbeAsync();
            await RunSessionAsync(host.EndpointUrl);
            await capture.ProbeAsync();
            await capture.StopAsync();
        }

        string[] decode = ["-r", pcap, "-d", $"tcp.port=={port},opcua"];
        var fields = await Peer.RunAsync("tshark", [.. decode, "-Y", "opcua", "-T", "fields", "-e", "opcua.transport.type", "-e", "opcua.servicenodeid.numeric"], timeout: TimeSpan.FromSeconds(60));
        var flagged = await Peer.RunAsync("tshark", [.. decode, "-Y", "_ws.malformed || _ws.expert.severity >= 6291456", "-T", "fields", "-E", "separator=|",
            "-e", "frame.number", "-e", "_ws.malformed", "-e", "_ws.expert.severity", "-e", "_ws.expert.group", "-e", "_ws.expert.message"], timeout: TimeSpan.FromSeconds(60));

        Assert.True(fields.ExitCode == 0, fields.All);
        var rows = fields.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
        var types = rows.Select(r => r[0]).ToHashSet();
        var services = rows.Where(r => r.Length > 1).SelectMany(r => r[1].Split(',')).Where(s => s.Length > 0).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToHashSet();
        Assert.Superset(new HashSet<string> { "HEL", "ACK", "OPN", "MSG", "CLO" }, types);
        // Request and response encodings of every service the session used (Part 6 Annex A NodeIds).
        int[] expected = [446, 449, 428, 431, 422, 425, 461, 464, 467, 470, 527, 530, 533, 536, 554, 557, 631, 634, 673, 676, 712, 715, 787, 790, 751, 754, 826, 829, 847, 850, 473, 476, 452];
        Assert.Empty(expected.Except(services));
        Assert.True(flagged.ExitCode == 0, flagged.All);
        Assert.Empty(Problems(flagged.StdOut));
    }

    // Part 6 §6.7.2: on a SignAndEncrypt channel the dissector still frames every chunk (bodies stay opaque) without complaint.
    [Fact]
    public async Task Tshark_frames_an_encrypted_session_with_no_malformed_packets()
    {
        var folder = RepoPaths.NewScratch("opcua-capture-secure");
        var pcap = Path.Combine(folder, "session.pcapng");
        var options = TestPlant.Options with { ApplicationUri = TestPki.ServerUri, Certificate = TestPki.Shared.Server.Certificate, CertificateValidator = TestPki.Shared.Validator() };
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), options);
        var port = new Uri(host.EndpointUrl).Port.ToString(CultureInfo.InvariantCulture);
        var client = new ClientOptions
        {
            ApplicationUri = TestPki.ClientUri, Certificate = TestPki.Shared.Client.Certificate, ServerCertificateValidator = TestPki.Shared.Validator(),
            AllowedPolicies = [SecureChannel.SecurityPolicies.Basic256Sha256], User = ("operator", "op-secret"),
        };

        await using (var capture = await Capture.StartAsync(port, pcap))
        {
            await capture.ProbeAsync();
            await using (var session = await ClientSession.ConnectAsync(host.EndpointUrl, client))
            {
                await session.ReadValueAsync(new NodeId("Plant.OperatorOnly", 2));
                await session.BrowseAsync(WellKnownIds.Server);
            }
            await capture.ProbeAsync();
            await capture.StopAsync();
        }

        string[] decode = ["-r", pcap, "-d", $"tcp.port=={port},opcua"];
        var fields = await Peer.RunAsync("tshark", [.. decode, "-Y", "opcua", "-T", "fields", "-e", "opcua.transport.type", "-e", "opcua.security.spu"], timeout: TimeSpan.FromSeconds(60));
        var flagged = await Peer.RunAsync("tshark", [.. decode, "-Y", "_ws.malformed || _ws.expert.severity >= 6291456", "-T", "fields", "-E", "separator=|",
            "-e", "frame.number", "-e", "_ws.malformed", "-e", "_ws.expert.severity", "-e", "_ws.expert.group", "-e", "_ws.expert.message"], timeout: TimeSpan.FromSeconds(60));

        Assert.True(fields.ExitCode == 0, fields.All);
        var rows = fields.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
        Assert.Superset(new HashSet<string> { "HEL", "ACK", "OPN", "MSG", "CLO" }, rows.Select(r => r[0]).ToHashSet());
        Assert.Contains(rows, r => r.Length > 1 && r[1] == SecureChannel.SecurityPolicies.Basic256Sha256);
        Assert.True(flagged.ExitCode == 0, flagged.All);
        Assert.Empty(Problems(flagged.StdOut));
    }

    /// <summary>
    /// Malformed packets and warnings or errors outside the TCP "Sequence" group. Loopback under load can show a D-SACK or a
    /// retransmission: TCP's own bookkeeping (expert group 0x02000000), which says nothing about the OPC UA bytes.
    /// </summary>
    private static List<string> Problems(string output)
    {
        const int Sequence = 0x02000000;
        var problems = new List<string>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('|');
            var severities = f[2].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            var groups = f[3].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            var serious = severities.Zip(groups).Any(p => p.First >= 6291456 && p.Second != Sequence);
            if (f[1].Length > 0 || serious) problems.Add(line);
        }
        return problems;
    }

    private static async Task RunSessionAsync(string endpointUrl)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var session = await ClientSession.ConnectAsync(endpointUrl, new ClientOptions { User = ("operator", "op-secret") }, cts.Token);
        await session.FindServersAsync(cts.Token);
        await session.BrowseAsync(WellKnownIds.Server, maxReferencesPerCall: 2, ct: cts.Token);
        var temperature = await session.TranslateAsync(WellKnownIds.ObjectsFolder, [new QualifiedName(2, "Plant"), new QualifiedName(2, "Temperature")], cts.Token);
        await session.ReadValueAsync(temperature, cts.Token);
        await session.ReadValueAsync(WellKnownIds.ServerStatus, cts.Token);
        await session.CallMethodAsync(new NodeId("Plant", 2), new NodeId("Plant.Add", 2), [1.0, 2.0], cts.Token);
        var subscription = await session.SubscribeAsync(50, cts.Token);
        var item = await subscription.MonitorAsync(new NodeId("Plant.Setpoint", 2), ct: cts.Token);
        await item.Values.ReadAsync(cts.Token);
        await session.WriteValueAsync(new NodeId("Plant.Setpoint", 2), 25.0, cts.Token);
        await item.Values.ReadAsync(cts.Token);
        await session.DeleteSubscriptionAsync(subscription, cts.Token);
    }

    /// <summary>A tshark capture on the loopback interface that prints a summary line per captured packet (-P), so the test knows what it has seen.</summary>
    private sealed class Capture : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly int _port;
        private readonly System.Threading.Channels.Channel<string> _lines;

        private Capture(Process process, int port, System.Threading.Channels.Channel<string> lines)
        {
            _process = process;
            _port = port;
            _lines = lines;
        }

        /// <summary>
        /// Opens and closes a probe connection until tshark reports a packet of it: then everything sent before the probe has been
        /// captured too. Bounded: at most 100 probes of 300 ms each.
        /// </summary>
        public async Task ProbeAsync()
        {
            for (var attempt = 0; attempt < 100; attempt++)
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(System.Net.IPAddress.Loopback, _port);
                var local = ((System.Net.IPEndPoint)probe.Client.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture);
                probe.Close();
                using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
                try
                {
                    while (true)
                        if ((await _lines.Reader.ReadAsync(wait.Token)).Contains(local, StringComparison.Ordinal)) return;
                }
                catch (OperationCanceledException) { }
            }
            throw new TimeoutException("tshark never reported the probe connection.");
        }

        public static async Task<Capture> StartAsync(string port, string file)
        {
            var psi = new ProcessStartInfo("tshark") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in new[] { "-i", "lo", "-f", $"tcp port {port}", "-w", file, "-P", "-l" }) psi.ArgumentList.Add(a);
            var process = Process.Start(psi) ?? throw new InvalidOperationException("tshark did not start");
            var capturing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var log = new System.Text.StringBuilder();
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) { capturing.TrySetException(new InvalidOperationException("tshark exited: " + log)); return; }
                lock (log) log.AppendLine(e.Data);
                if (e.Data.Contains("Capturing on", StringComparison.Ordinal)) capturing.TrySetResult();
            };
            var lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Writer.TryWrite(e.Data); };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            try
            {
                await capturing.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
                throw;
            }
            return new Capture(process, int.Parse(port, CultureInfo.InvariantCulture), lines);
        }

        /// <summary>Stops with SIGINT so tshark drains its buffer and finishes the file.</summary>
        public async Task StopAsync()
        {
            var kill = await Peer.RunAsync("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            Assert.Equal(0, kill.ExitCode);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        public ValueTask DisposeAsync()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

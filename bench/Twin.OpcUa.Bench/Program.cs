using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Twin.OpcUa.Client;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;

// The OPC UA bench: node-opcua's client against our server and against node-opcua's server, each server in its own
// process so its CPU time can be read; then 2,000 concurrent secure sessions on our server.
// Usage: dotnet run -c Release --project bench/Twin.OpcUa.Bench [reads | reads-ours | sessions] [seconds-per-measurement] [--rounds N]
//        (internally: `serve PORT FOLDER` runs our server alone, see ServeMode)
//        `profile` times the asymmetric steps of a session; `profile-read [iterations]` the symmetric stages of one Read on
//        each side, without sockets (ReadPathProfile)
// Our server (a child, see ServerProcess) runs its socket completions on the I/O thread; our client (this process) keeps the
// default engine, which hands completions to the thread pool, as Twin.Host does. TWIN_BENCH_CLIENT_INLINE=1 runs the client's
// completions on the I/O thread too: one wake-up per round trip on each side, and at 1 outstanding about a third less client
// CPU per read (the 11-12k reads/s once measured that way on the idle machine came from rounds timed before the read path had
// tiered up; see docs/benchmarks.md, "Twin.OpcUa round 7"). TWIN_BENCH_POOLED=1 gives the server the default engine as well,
// the setting Twin.Host runs with (docs/opcua.md, "Socket completions"). Set before the first socket operation, when the
// socket engine reads it.
// Our client reads on two paths, each its own figure: asynchronous socket I/O (ClientSession's default) and a receive thread per
// session (ClientOptions.ReceiveThread, meant for the few sessions read from continuously, as here), which spins for an expected
// answer before it blocks; TWIN_BENCH_CLIENT_SPIN_US=N (0 to 1000) sets that spin (ClientOptions.ReceiveSpin; unset: its
// default). The server child spins for a busy client's next request as ServerOptions.ReceiveSpin says (default 50 µs);
// TWIN_BENCH_SERVER_SPIN_US=N (0 to 1000) sets it there (0: the server never spins), see ServeMode.
if (Environment.GetEnvironmentVariable("TWIN_BENCH_CLIENT_INLINE") == "1") Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
var receiveSpin = Environment.GetEnvironmentVariable("TWIN_BENCH_CLIENT_SPIN_US") is { Length: > 0 } spinText
    ? int.TryParse(spinText, CultureInfo.InvariantCulture, out var spinUs) && spinUs is >= 0 and <= 1000 ? TimeSpan.FromMicroseconds(spinUs)
        : throw new ArgumentException($"TWIN_BENCH_CLIENT_SPIN_US must be a whole number of µs from 0 to 1000, not '{spinText}'.")
    : ClientOptions.DefaultReceiveSpin;
const string AsyncClient = "our client (asynchronous)";
var threadClient = $"our client (receive thread, spin {receiveSpin.TotalMicroseconds:0} µs)";
var clientPaths = new[] { (Label: AsyncClient, ReceiveThread: false), (Label: threadClient, ReceiveThread: true) };
var serverSpin = ServeMode.Spin();
var serverPath = serverSpin > TimeSpan.Zero ? $"our server spins up to {serverSpin.TotalMicroseconds:0} µs for a busy client's next request (ServerOptions.ReceiveSpin, TWIN_BENCH_SERVER_SPIN_US)"
    : "our server never spins (TWIN_BENCH_SERVER_SPIN_US=0)";
if (args is ["serve", var portText, var folder])
{
    await ServeMode.RunAsync(int.Parse(portText, CultureInfo.InvariantCulture), folder);
    return;
}
if (args is ["profile-read", ..] && args.Length <= 2)
{
    ReadPathProfile.Run(args.Length == 2 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000);
    return;
}
if (args is ["profile"])
{
    ProfileMode.Run();
    return;
}
// `reads [seconds]` measures only the reads (both clients, both servers): the quick loop while tuning the read path.
// `reads-ours [seconds]` only our client against our server: the quickest loop for profiling either side.
// `--rounds N` (default 5): each read figure is measured N times, interleaved ours / node-opcua's, and reported as medians.
var rounds = 5;
if (Array.IndexOf(args, "--rounds") is var at and >= 0)
{
    rounds = at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out var n) && n > 0
        ? n : throw new ArgumentException("--rounds needs a positive whole number, e.g. --rounds 5");
    args = [.. args[..at], .. args[(at + 2)..]];
}
// `sessions [seconds]` measures only node-opcua's client's secure sessions against both servers, in interleaved rounds.
var sessionsOnly = args.Length > 0 && args[0] == "sessions";
if (sessionsOnly) args = args[1..];
var oursOnly = args.Length > 0 && args[0] == "reads-ours";
var readsOnly = oursOnly || (args.Length > 0 && args[0] == "reads");
if (readsOnly) args = args[1..];
var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 5;
// Untimed reads before each timed read run of our client (see OurClientReadsAsync).
var warmUp = TimeSpan.FromSeconds(1);
var root = FindRoot();
var pki = BenchPki.Create();
var work = Directory.CreateTempSubdirectory("twin-opcua-bench").FullName;

var oursFolder = Path.Combine(work, "ours");
pki.Write(pki.Server, oursFolder, "server");
var nodeServerCerts = Path.Combine(work, "node-server");
pki.Write(pki.NodeServer, nodeServerCerts, "server");
var nodeServerPki = Path.Combine(work, "node-server-pki");
pki.WriteNodePki(Path.Combine(nodeServerPki, "server"));
pki.WriteNodePki(Path.Combine(nodeServerPki, "user"));
var nodeClient = Path.Combine(work, "node-client");
pki.Write(pki.NodeClient, nodeClient, "client");
pki.WriteNodePki(Path.Combine(nodeClient, "pki"));

await using var ours = await ServerProcess.StartOursAsync(oursFolder);
var measured = new ReadRounds(rounds);
Console.WriteLine($"Reads: {rounds} rounds of {seconds:0.#} s per figure, interleaved; load average {ReadRounds.Load():0.00} at the start; {serverPath}.");
if (oursOnly)
{
    foreach (var path in clientPaths)
        foreach (var outstanding in new[] { 1, 16 })
            await measured.MeasureAsync(path.Label, outstanding, ["ours"], _ => OurClientReadsAsync(ours, "ns=2;s=Plant.Temperature", outstanding, path.ReceiveThread));
    foreach (var path in clientPaths)
    foreach (var outstanding in new[] { 1, 16 })
    {
        var o = measured.Of(path.Label, outstanding, "ours");
        Console.WriteLine($"| {path.Label} → our server, {outstanding} outstanding (median of {o.Count}) | {ReadRounds.Median(o.Select(r => r.PerSecond)):0} reads/s ({o.Min(r => r.PerSecond):0}–{o.Max(r => r.PerSecond):0}) | " +
            $"server {ReadRounds.Median(o.Select(r => r.CpuUs)):0.0} µs/read | client {ReadRounds.Median(o.Select(r => r.ClientCpuUs)):0.0} µs/read | client {ReadRounds.Median(o.Select(r => r.WorkItems)):0.00} pool items/read, " +
            $"{ReadRounds.Median(o.Select(r => r.Switches)):0.00} context switches/read, {ReadRounds.Median(o.Select(r => r.AllocatedBytes)):0} B allocated/read | server {ReadRounds.Median(o.Select(r => r.ServerSwitches)):0.00} context switches/read |");
    }
    Console.WriteLine($"Load average over the rounds: {measured.LoadRange()}.");
    return;
}
await using var node = await ServerProcess.StartNodeAsync(root, nodeServerPki, nodeServerCerts);
var targets = new[] { (Name: "ours", Server: ours, NodeId: "ns=2;s=Plant.Temperature"), (Name: "node", Server: node, NodeId: "ns=1;s=Plant.Temperature") };

// node-opcua's client's secure sessions against both servers: an untimed run on each first (JIT and V8 warm up), then
// interleaved rounds; the rows for the table, from the medians.
async Task<string[]> NodeSessionRoundsAsync()
{
    foreach (var t in targets) await NodeClientAsync("sessions", t.Server.EndpointUrl, seconds);
    var perRound = new List<(double OursRate, double OursCpu, double NodeRate, double NodeCpu)>();
    for (var round = 1; round <= rounds; round++)
    {
        var figures = new List<(double Rate, double Cpu)>();
        foreach (var t in targets)
        {
            var before = t.Server.CpuTime;
            var (count, elapsed) = await NodeClientAsync("sessions", t.Server.EndpointUrl, seconds);
            figures.Add((count / elapsed, (t.Server.CpuTime - before).TotalMilliseconds / count));
        }
        perRound.Add((figures[0].Rate, figures[0].Cpu, figures[1].Rate, figures[1].Cpu));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  node-opcua's client, secure sessions, round {round}/{rounds}, load {ReadRounds.Load():0.00}: ours {figures[0].Rate:0.0}/s, {figures[0].Cpu:0.00} ms server CPU each; node {figures[1].Rate:0.0}/s, {figures[1].Cpu:0.00} ms; CPU ratio {figures[0].Cpu / figures[1].Cpu:0.00}"));
    }
    var (oursRate, nodeRate) = (ReadRounds.Median(perRound.Select(r => r.OursRate)), ReadRounds.Median(perRound.Select(r => r.NodeRate)));
    var (oursCpu, nodeCpu) = (ReadRounds.Median(perRound.Select(r => r.OursCpu)), ReadRounds.Median(perRound.Select(r => r.NodeCpu)));
    return
    [
        string.Create(CultureInfo.InvariantCulture, $"| secure sessions/s (median of {rounds} interleaved rounds) | {oursRate:0.0} | {nodeRate:0.0} | {oursRate / nodeRate:0.00} | — |"),
        string.Create(CultureInfo.InvariantCulture,
            $"| server CPU per session (ms) (median of {rounds} interleaved rounds) | {oursCpu:0.00} | {nodeCpu:0.00} | **{oursCpu / nodeCpu:0.00}** (rounds {perRound.Min(r => r.OursCpu / r.NodeCpu):0.00}–{perRound.Max(r => r.OursCpu / r.NodeCpu):0.00}) | ≤ 0.20 |"),
    ];
}

if (sessionsOnly)
{
    foreach (var row in await NodeSessionRoundsAsync()) Console.WriteLine(row);
    Console.WriteLine($"Load average at the end: {ReadRounds.Load():0.00}.");
    return;
}
var sessionRows = readsOnly ? [] : await NodeSessionRoundsAsync();
var ourClient = new Dictionary<string, (double PerSecond, double CpuMs)>();
foreach (var t in readsOnly ? [] : targets)
{
    await OurClientSessionsAsync(t.Server.EndpointUrl, 1);
    var before = t.Server.CpuTime;
    var (count, elapsed) = await OurClientSessionsAsync(t.Server.EndpointUrl, seconds);
    ourClient[t.Name] = (count / elapsed, (t.Server.CpuTime - before).TotalMilliseconds / count);
}
// Untimed first, as for sessions: without it the first read figure carried the JIT compiling the read path (dotnet-counters
// showed ~0.1 s of JIT per second of that run), several hundred µs per read at 1 outstanding.
foreach (var t in targets) await NodeClientAsync("reads", t.Server.EndpointUrl, Math.Min(seconds, 3), "16", t.NodeId);
var names = targets.Select(t => t.Name).ToArray();
foreach (var path in clientPaths)
    foreach (var outstanding in new[] { 1, 16 })
        await measured.MeasureAsync(path.Label, outstanding, names, name => OurClientReadsAsync(Target(name).Server, Target(name).NodeId, outstanding, path.ReceiveThread));
foreach (var outstanding in new[] { 1, 16 })
    await measured.MeasureAsync("node-opcua's client", outstanding, names, name => NodeClientReadsAsync(Target(name).Server, outstanding, Target(name).NodeId));
if (readsOnly)
{
    PrintReads();
    return;
}
var (established, establishSeconds, rssBefore, rssAfter, cpuPerSession) = await ConcurrentSessionsAsync(ours, 2000);

Console.WriteLine($"## Twin.OpcUa (measured {DateTime.UtcNow:yyyy-MM-dd})");
Console.WriteLine();
Console.WriteLine($"Machine: {Environment.ProcessorCount} logical cores, {RuntimeDescription()}; node {NodeVersion()}; each figure is {seconds:0} s of work after a warm-up.");
Console.WriteLine($"Our client's socket completions {(Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") == "1" ? "inline" : "pooled")}; {serverPath}.");
Console.WriteLine();
Console.WriteLine("node-opcua's client (Basic256Sha256, SignAndEncrypt, RSA-2048) against each server; server CPU is the server process's user+system time over the run.");
Console.WriteLine();
Console.WriteLine("| measurement | our server | node-opcua server | ratio (ours / node) | goal |");
Console.WriteLine("| --- | --- | --- | --- | --- |");
foreach (var row in sessionRows) Console.WriteLine(row);
Console.WriteLine($"| secure sessions/s, our client instead (one at a time, None channel + GetEndpoints each time) | {ourClient["ours"].PerSecond:0.0} | {ourClient["node"].PerSecond:0.0} | {ourClient["ours"].PerSecond / ourClient["node"].PerSecond:0.00} | — |");
Console.WriteLine($"| server CPU per session (ms), our client instead | {ourClient["ours"].CpuMs:0.00} | {ourClient["node"].CpuMs:0.00} | {ourClient["ours"].CpuMs / ourClient["node"].CpuMs:0.00} | — |");
PrintReads();
Console.WriteLine();
Console.WriteLine($"2,000 concurrent secure sessions on our server (our client, 16 connects in flight, each a full connect: None channel + GetEndpoints, secure OPN, CreateSession, ActivateSession): " +
    $"{established} established in {establishSeconds:0.0} s ({established / establishSeconds:0} sessions/s); server resident memory {rssBefore / 1048576.0:0} MiB before, " +
    $"{rssAfter / 1048576.0:0} MiB with all open ({(rssAfter - rssBefore) / 1024.0 / Math.Max(1, established):0} KiB per session); server CPU {cpuPerSession:0.00} ms per session.");
return;

void PrintReads()
{
    Console.WriteLine();
    Console.WriteLine($"Reads, Basic256Sha256 SignAndEncrypt, one session: medians of {rounds} interleaved rounds of {seconds:0.#} s; load average {measured.LoadRange()} over the rounds.");
    Console.WriteLine();
    Console.WriteLine("| measurement | our server | node-opcua server | ratio (ours / node) | goal |");
    Console.WriteLine("| --- | --- | --- | --- | --- |");
    foreach (var path in clientPaths) measured.Print(path.Label, "ours", "node");
    measured.PrintBest(clientPaths.Select(p => p.Label).ToArray(), "ours", "node");
    measured.Print("node-opcua's client", "ours", "node");
}

(string Name, ServerProcess Server, string NodeId) Target(string name) => targets.Single(t => t.Name == name);

// One secure session of our client, `outstanding` read loops of one Value read each; a warm-up of 200 reads first. The
// client's CPU is this process's user+system time over the timed loops (nothing else runs in it meanwhile); so are its
// thread-pool work items and its threads' context switches (voluntary + involuntary, /proc), which count wake-ups and move
// far less with the machine's load than time does.
async Task<ReadRun> OurClientReadsAsync(ServerProcess server, string nodeIdText, int outstanding, bool receiveThread)
{
    var options = new ClientOptions
    {
        ApplicationUri = BenchPki.ClientUri, Certificate = pki.Client.Cert, ServerCertificateValidator = pki.Validator(),
        AllowedPolicies = [SecurityPolicies.Basic256Sha256], SecurityMode = MessageSecurityMode.SignAndEncrypt, AutoReconnect = false,
        ReceiveThread = receiveThread, ReceiveSpin = receiveSpin,
    };
    await using var session = await ClientSession.ConnectAsync(server.EndpointUrl, options);
    var nodeId = Twin.OpcUa.Encoding.NodeId.Parse(nodeIdText);
    // Warm-up for a time, not a count, in the shape of the timed loops: 200 reads left the first round of a process on tier-0
    // code (tiered compilation promotes a method only after a quiet 100 ms and compiles in the background), so round 1 of
    // each figure measured the JIT, on both sides of our pair: server 51-62 µs and client 59-67 µs per read against 16-21
    // and 16-37 µs in round 2 of the same process (load 11-16). At least one second, then on until this process has compiled
    // no method for half a second (the server child runs the same read path and tiers up alongside), five seconds at most.
    await ReadLoopsAsync(session, nodeId, outstanding, warmUp, null);
    for (var extra = 0; extra < 8; extra++)
    {
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        await ReadLoopsAsync(session, nodeId, outstanding, TimeSpan.FromMilliseconds(500), null);
        if (System.Runtime.JitInfo.GetCompiledMethodCount() == compiled) break;
    }
    var count = 0L;
    var before = server.CpuTime;
    var clientBefore = OwnCpuTime();
    var itemsBefore = ThreadPool.CompletedWorkItemCount;
    var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
    var switchesBefore = OwnSwitches.Count();
    var serverSwitchesBefore = ContextSwitches(server.ProcessId);
    var watch = Stopwatch.StartNew();
    count = await ReadLoopsAsync(session, nodeId, outstanding, TimeSpan.FromSeconds(seconds), watch);
    var elapsed = watch.Elapsed.TotalSeconds;
    var clientCpu = OwnCpuTime() - clientBefore;
    var items = ThreadPool.CompletedWorkItemCount - itemsBefore;
    var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
    var switches = OwnSwitches.Count() - switchesBefore;
    var serverSwitches = ContextSwitches(server.ProcessId) - serverSwitchesBefore;
    return new ReadRun(count / elapsed, (server.CpuTime - before).TotalMicroseconds / count, clientCpu.TotalMicroseconds / count,
        (double)items / count, (double)switches / count, (double)serverSwitches / count, (double)allocated / count, ReadRounds.Load());
}

// `outstanding` loops of one Value read each until `length` has passed on `watch` (a new one if null); the reads made.
static async Task<long> ReadLoopsAsync(ClientSession session, Twin.OpcUa.Encoding.NodeId nodeId, int outstanding, TimeSpan length, Stopwatch? watch)
{
    watch ??= Stopwatch.StartNew();
    var count = 0L;
    await Task.WhenAll(Enumerable.Range(0, outstanding).Select(async _ =>
    {
        while (watch.Elapsed < length)
        {
            var value = await session.ReadValueAsync(nodeId);
            if (!value.StatusCode.IsGood) throw new InvalidOperationException($"read failed: {value.StatusCode}");
            Interlocked.Increment(ref count);
        }
    }));
    return count;
}

// Context switches of every live thread of a process so far: for the server child (threads that ended meanwhile are not
// counted; its read loop runs on one long-lived thread). Our own process counts with OwnSwitches, ended threads included.
static long ContextSwitches(int pid)
{
    var total = 0L;
    foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
    {
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    total += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
        }
        catch (IOException) { }
    }
    return total;
}

static TimeSpan OwnCpuTime()
{
    using var self = Process.GetCurrentProcess();
    return self.TotalProcessorTime;
}

// node-opcua's client reading: reads/s, the server's CPU per read, and the client process's own CPU per read over its timed loops.
async Task<ReadRun> NodeClientReadsAsync(ServerProcess server, int outstanding, string nodeId)
{
    var before = server.CpuTime;
    var json = await NodeClientJsonAsync("reads", server.EndpointUrl, seconds, outstanding.ToString(CultureInfo.InvariantCulture), nodeId);
    var count = json.GetProperty("count").GetInt64();
    return ReadRun.Rate(count / json.GetProperty("seconds").GetDouble(), (server.CpuTime - before).TotalMicroseconds / count,
        json.GetProperty("cpuMicroseconds").GetDouble() / count, ReadRounds.Load());
}

async Task<(long Count, double Seconds)> NodeClientAsync(string mode, string url, double forSeconds, params string[] extra)
{
    var json = await NodeClientJsonAsync(mode, url, forSeconds, extra);
    return (json.GetProperty("count").GetInt64(), json.GetProperty("seconds").GetDouble());
}

async Task<JsonElement> NodeClientJsonAsync(string mode, string url, double forSeconds, params string[] extra)
{
    var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.Combine(root, "tests", "peers") };
    foreach (var a in new[] { Path.Combine(root, "bench", "Twin.OpcUa.Bench", "node-client.js"), mode, url, forSeconds.ToString(CultureInfo.InvariantCulture), nodeClient }.Concat(extra))
        psi.ArgumentList.Add(a);
    using var process = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
    var stdout = process.StandardOutput.ReadToEndAsync();
    var stderr = process.StandardError.ReadToEndAsync();
    await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(forSeconds + 120));
    if (process.ExitCode != 0) throw new InvalidOperationException($"node-opcua client {mode} failed: {await stderr}");
    var line = (await stdout).Split('\n').Last(l => l.StartsWith('{'));
    return JsonDocument.Parse(line).RootElement.Clone();
}

async Task<(long Count, double Seconds)> OurClientSessionsAsync(string url, double forSeconds)
{
    var options = new ClientOptions
    {
        ApplicationUri = BenchPki.ClientUri, Certificate = pki.Client.Cert, ServerCertificateValidator = pki.Validator(),
        AllowedPolicies = [SecurityPolicies.Basic256Sha256], SecurityMode = MessageSecurityMode.SignAndEncrypt, AutoReconnect = false,
    };
    var count = 0L;
    var watch = Stopwatch.StartNew();
    while (watch.Elapsed.TotalSeconds < forSeconds)
    {
        await using (await ClientSession.ConnectAsync(url, options)) { }
        count++;
    }
    return (count, watch.Elapsed.TotalSeconds);
}

async Task<(int Established, double Seconds, long RssBefore, long RssAfter, double CpuMsPerSession)> ConcurrentSessionsAsync(ServerProcess server, int count)
{
    var options = new ClientOptions
    {
        ApplicationUri = BenchPki.ClientUri, Certificate = pki.Client.Cert, ServerCertificateValidator = pki.Validator(),
        AllowedPolicies = [SecurityPolicies.Basic256Sha256], SecurityMode = MessageSecurityMode.SignAndEncrypt, AutoReconnect = false,
    };
    var rssBefore = server.ResidentBytes;
    var cpuBefore = server.CpuTime;
    var open = new System.Collections.Concurrent.ConcurrentBag<ClientSession>();
    var next = -1;
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
    {
        while (Interlocked.Increment(ref next) < count) open.Add(await ClientSession.ConnectAsync(server.EndpointUrl, options));
    }));
    var elapsed = watch.Elapsed.TotalSeconds;
    var cpu = (server.CpuTime - cpuBefore).TotalMilliseconds;
    var rssAfter = server.ResidentBytes;
    foreach (var s in open) await s.DisposeAsync();
    return (open.Count, elapsed, rssBefore, rssAfter, cpu / open.Count);
}

static string NodeVersion()
{
    using var p = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
    return p.StandardOutput.ReadToEnd().Trim();
}

static string RuntimeDescription()
{
    var cpu = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() : null;
    return $"{cpu ?? "unknown CPU"}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}";
}

static string FindRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PlantTrust.sln"))) dir = dir.Parent;
    return dir?.FullName ?? throw new InvalidOperationException("PlantTrust.sln not found");
}

using System.Diagnostics;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.RegularExpressions;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests;

/// <summary>The real PlantTrust executable, started as a child process on a free loopback port with its own data folder.</summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Text.StringBuilder _stdout = new();
    private readonly System.Text.StringBuilder _stderr = new();

    private HostProcess(Process process) => _process = process;

    /// <summary>The dashboard's base address, once the host said it listens.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    /// <summary>The enrollment listener's address (EST, BRSKI), once the host printed it.</summary>
    public Uri? EnrollmentAddress { get; private set; }

    public string StdOut { get { lock (_stdout) return _stdout.ToString(); } }

    public string StdErr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>The folder of the built Twin.Host, in the same configuration as this test assembly.</summary>
    public static string HostDll
    {
        get
        {
            var configuration = typeof(HostProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            var path = Path.Combine(RepoPaths.Root, "src", "Twin.Host", "bin", configuration, "net10.0", "Twin.Host.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build Twin.Host first", path);
        }
    }

    /// <summary>Starts the host with <paramref name="extraArgs"/> (a verb and its arguments first) on a free port; returns once it listens.</summary>
    public static Task<HostProcess> StartAsync(string databasePath, params string[] extraArgs) => StartAsync(databasePath, null, extraArgs);

    /// <summary>As <see cref="StartAsync(string, string[])"/>, with extra environment variables for the host (settings such as Twin__AccessToken).</summary>
    public static async Task<HostProcess> StartAsync(string databasePath, IDictionary<string, string>? environment, params string[] extraArgs)
    {
        var host = Launch([.. extraArgs, "--db", databasePath, "--urls", "http://127.0.0.1:0"], environment);
        var winner = await Task.WhenAny(host._listening.Task, host._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(240)));
        if (winner != host._listening.Task)
        {
            var exited = host._process.HasExited;
            await host.DisposeAsync();
            throw new InvalidOperationException($"host did not start listening ({(exited ? "it exited" : "timeout")}).\nstdout: {host.StdOut}\nstderr: {host.StdErr}");
        }
        host.BaseAddress = host._listening.Task.Result;
        host.Http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        return host;
    }

    /// <summary>Runs the host to its end (for start-up failures) and returns exit code and output.</summary>
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunToExitAsync(string[] args, IDictionary<string, string>? environment = null)
    {
        await using var host = Launch(args, environment);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        await host._process.WaitForExitAsync(cts.Token);
        return (host._process.ExitCode, host.StdOut, host.StdErr);
    }

    private static HostProcess Launch(string[] args, IDictionary<string, string>? environment)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        psi.ArgumentList.Add(HostDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Hosts run side by side in the tests: their enrollment listeners take free ports too, unless a test says otherwise.
        psi.Environment["Twin__Est__Port"] = "0";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var host = new HostProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (host._stdout) host._stdout.AppendLine(e.Data);
            var est = EnrollmentLine().Match(e.Data);
            if (est.Success) host.EnrollmentAddress = new Uri(est.Groups[1].Value);
            var m = ListeningLine().Match(e.Data);
            if (m.Success) host._listening.TrySetResult(new Uri(m.Groups[1].Value));
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (host._stderr) host._stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Polls /api/entities until <paramref name="condition"/> holds; the wait is bounded.</summary>
    public async Task<List<EntityDto>> WaitForEntitiesAsync(Func<List<EntityDto>, bool> condition, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        List<EntityDto>? last = null;
        do
        {
            // Another process's state can only be observed by asking: poll until the condition holds (bounded).
            try
            {
                last = await Http.GetFromJsonAsync<List<EntityDto>>("/api/entities", cts.Token);
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                break; // the bound ran out while a request was in flight: report what was seen, and what the host said
            }
            if (last is not null && condition(last)) return last;
        }
        while (!cts.IsCancellationRequested && await poll.WaitForNextTickAsync(CancellationToken.None));
        throw new TimeoutException("condition on /api/entities not met; last: " + string.Join(", ", last?.Select(e => e.Id + ":" + e.CurrentSerial) ?? [])
            + "\nhost output (tail):\n" + Tail(StdOut) + "\nhost errors (tail):\n" + Tail(StdErr));
    }

    // The last lines of what the host wrote, for a failure message.
    private static string Tail(string text, int lines = 40) => string.Join('\n', text.Split('\n').TakeLast(lines));

    /// <summary>
    /// The entity list once the host has settled: its read model has applied every event of the run's journal, no
    /// simulation work is under way, and nothing was journaled while the list was read. A restarted host reads its whole
    /// journal again before it shows the present; a list read earlier shows the past. The wait is bounded.
    /// </summary>
    public async Task<List<EntityDto>> SettledEntitiesAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        string last = "";
        do
        {
            // Another process's state can only be observed by asking: poll until the condition holds (bounded).
            var first = await Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/health", cts.Token);
            last = first.ToString();
            if (!Settled(first)) continue;
            var entities = await Http.GetFromJsonAsync<List<EntityDto>>("/api/entities", cts.Token);
            var then = await Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/health", cts.Token);
            if (entities is not null && Settled(then) && then.GetProperty("journaled").ToString() == first.GetProperty("journaled").ToString()) return entities;
        }
        while (!cts.IsCancellationRequested && await poll.WaitForNextTickAsync(CancellationToken.None));
        throw new TimeoutException("the host did not settle; last /api/health: " + last);

        static bool Settled(System.Text.Json.JsonElement health) =>
            health.GetProperty("caughtUp").ValueKind == System.Text.Json.JsonValueKind.True && health.GetProperty("outstanding").GetInt32() == 0;
    }

    /// <summary>Polls /api/health until <paramref name="condition"/> holds (the host may be between runs: refusals count as not yet); the wait is bounded.</summary>
    public async Task WaitForHealthAsync(Func<System.Text.Json.JsonElement, bool> condition, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        do
        {
            try
            {
                // Another process's state can only be observed by asking: poll until the condition holds (bounded).
                var health = await Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/health", cts.Token);
                if (condition(health)) return;
            }
            catch (HttpRequestException)
            {
                // between two runs nothing listens for a moment
            }
        }
        while (!cts.IsCancellationRequested && await poll.WaitForNextTickAsync(CancellationToken.None));
        throw new TimeoutException("condition on /api/health not met.\nstdout: " + StdOut + "\nstderr: " + StdErr);
    }

    /// <summary>Stops the host the hard way (SIGKILL): nothing gets a chance to flush but what was already journaled.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Http?.Dispose();
        _process.Dispose();
    }

    [GeneratedRegex(@"PlantTrust dashboard: (http://\S+)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"PlantTrust enrollment \(EST, BRSKI(?:, CMP)?\): (https://\S+)")]
    private static partial Regex EnrollmentLine();
}

public sealed record EntityDto(string Id, string Kind, string? KeyAlgorithm, string? CurrentSerial, bool? Reachable, string? CrlStatus, List<CertificateDto> Certificates);

public sealed record CertificateDto(string Serial, string Subject, string Issuer, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string KeyAlgorithm, string Status);

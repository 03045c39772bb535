using System.Diagnostics;
using System.Text;

namespace Twin.Tests.Support;

/// <summary>Runs an independent peer (openssl, node, tshark) as a child process and captures what it says.</summary>
public static class Peer
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string All => StdOut + StdErr;
    }

    /// <summary>Runs <paramref name="file"/> with arguments; the child is killed if it outlives <paramref name="timeout"/> (default 2 minutes).</summary>
    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, string? workingDirectory = null, TimeSpan? timeout = null, byte[]? stdin = null, IDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public static Task<Result> OpenSslAsync(params string[] args) => RunAsync("openssl", args);
}

/// <summary>Locations in the repository and scratch folders for tests.</summary>
public static class RepoPaths
{
    /// <summary>The repository root: the folder that holds PlantTrust.sln.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PlantTrust.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("PlantTrust.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// NIST PKITS, read in place (never copied into the repository): the folder named by PLANTTRUST_PKITS, else
    /// shared/conformance/PKITS in the nearest folder above the checkout that has one (the project's shared folder
    /// sits beside the checkout, or beside the folder that holds several worktrees). Missing data fails the tests
    /// that need it, naming where it was looked for.
    /// </summary>
    public static string Pkits { get; } = FindPkits();

    private static string FindPkits()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("PLANTTRUST_PKITS");
        if (!string.IsNullOrEmpty(fromEnvironment)) return Path.GetFullPath(fromEnvironment);
        for (var dir = new DirectoryInfo(Root); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "conformance", "PKITS");
            if (Directory.Exists(Path.Combine(candidate, "certs"))) return candidate;
        }
        return Path.GetFullPath(Path.Combine(Root, "..", "shared", "conformance", "PKITS"));
    }

    /// <summary>A fresh empty folder under the system temp folder, for one test.</summary>
    public static string NewScratch(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), "planttrust-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    public static string WriteText(string folder, string file, string text)
    {
        var path = Path.Combine(folder, file);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }
}

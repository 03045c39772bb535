using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Twin.Tests.Support;

/// <summary>
/// A private, throwaway PostgreSQL cluster for tests: initdb into a temp folder, pg_ctl start on
/// 127.0.0.1 at a free port (no Unix socket outside that folder, trust authentication for its one
/// role), stopped and deleted on dispose. The binaries come from the Debian postgresql package
/// (tests/peers/apt-packages.txt) under /usr/lib/postgresql/N/bin. PostgreSQL refuses to run as
/// root, so under root the server process runs as the package's postgres system user.
/// </summary>
public sealed class PostgreSqlServer : IDisposable
{
    private const string Role = "twin";
    private readonly string _bin;
    private readonly string _folder;
    private readonly string _data;
    private int _databases;

    private PostgreSqlServer(string bin, string folder, int port)
    {
        _bin = bin;
        _folder = folder;
        _data = Path.Combine(folder, "data");
        Port = port;
    }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The folder of the newest installed PostgreSQL's binaries; fails naming the package when none is installed.</summary>
    public static string FindBinaries()
    {
        var root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException("No PostgreSQL binaries under /usr/lib/postgresql/*/bin: install the apt package 'postgresql' (./test.sh does).");
    }

    /// <summary>Creates and starts a cluster; a port taken between choosing and binding is retried with another.</summary>
    public static PostgreSqlServer Start()
    {
        var bin = FindBinaries();
        var folder = Path.Combine(Path.GetTempPath(), "planttrust-pg", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var asRoot = Environment.UserName == "root";
        if (asRoot) Run("chown", ["postgres", folder], asPostgres: false);
        var data = Path.Combine(folder, "data");
        Run(Path.Combine(bin, "initdb"), ["-D", data, "-A", "trust", "-U", Role, "-E", "UTF8", "--no-sync", "--no-instructions"], asRoot);
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var server = new PostgreSqlServer(bin, folder, port);
            // fsync off: a throwaway cluster needs no durability across power loss, and tests run faster.
            var options = $"-h 127.0.0.1 -p {port} -k {folder} -F -c max_connections=200";
            var (code, output) = TryRun(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(folder, "server.log"), "-o", options, "-w", "-t", "60", "start"], asRoot);
            if (code == 0) return server;
            if (attempt == 3)
            {
                Directory.Delete(folder, recursive: true);
                throw new InvalidOperationException($"pg_ctl start failed (exit {code}): {output}");
            }
        }
    }

    /// <summary>Creates a fresh database and returns its Npgsql connection string.</summary>
    public string CreateDatabase(string prefix)
    {
        var name = $"{prefix.Replace('-', '_')}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..8]}";
        Run(Path.Combine(_bin, "createdb"), ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", Role, name], asPostgres: false);
        return ConnectionString(name);
    }

    /// <summary>The Npgsql connection string for <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username={Role};Database={database};Pooling=true;Maximum Pool Size=40";

    /// <summary>Stops the server at once and deletes its folder.</summary>
    public void Dispose()
    {
        TryRun(Path.Combine(_bin, "pg_ctl"), ["-D", _data, "-m", "immediate", "-w", "-t", "60", "stop"], Environment.UserName == "root");
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying backend: the temp folder is cleaned up by the system.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Run(string file, string[] args, bool asPostgres)
    {
        var (code, output) = TryRun(file, args, asPostgres);
        if (code != 0) throw new InvalidOperationException($"{Path.GetFileName(file)} failed (exit {code}): {output}");
    }

    private static (int Code, string Output) TryRun(string file, string[] args, bool asPostgres)
    {
        var psi = new ProcessStartInfo(asPostgres ? "runuser" : file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file }) psi.ArgumentList.Add(a);
        }
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        // pg_ctl leaves the server holding inherited pipes: read to the end only what the command itself wrote, with a bound.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{file} did not finish in time");
        }
        var output = (stdout.Wait(TimeSpan.FromSeconds(5)) ? stdout.Result : "") + (stderr.Wait(TimeSpan.FromSeconds(5)) ? stderr.Result : "");
        return (process.ExitCode, output);
    }
}

using System.Globalization;

/// <summary>One timed read run: rates, CPU per read on both sides, and (our client only) the wake-ups and bytes behind them.</summary>
internal sealed record ReadRun(double PerSecond, double CpuUs, double ClientCpuUs, double WorkItems, double Switches, double ServerSwitches, double AllocatedBytes, double Load)
{
    /// <summary>A run of node-opcua's client, which reports no per-read counters.</summary>
    public static ReadRun Rate(double perSecond, double cpuUs, double clientCpuUs, double load) => new(perSecond, cpuUs, clientCpuUs, double.NaN, double.NaN, double.NaN, double.NaN, load);
}

/// <summary>
/// Reads measured in interleaved rounds: for each figure, round 1 ours then node-opcua's, round 2 ours then node-opcua's, and
/// so on, each round a fresh session timed for the same seconds. One run of each server swings with the scheduler (node-opcua's
/// server alone moved ±20 % between runs on an idle machine); interleaving spreads that over both servers, and the medians of
/// the rounds are what the bench reports, with every round printed and the 1-minute load average beside it.
/// </summary>
internal sealed class ReadRounds
{
    private readonly List<(string Client, int Outstanding, string Server, ReadRun Run)> _runs = [];

    public int Rounds { get; }

    public ReadRounds(int rounds) => Rounds = rounds;

    /// <summary>Runs <paramref name="measure"/> for each server in turn, <see cref="Rounds"/> times, printing each round.</summary>
    public async Task MeasureAsync(string client, int outstanding, IReadOnlyList<string> servers, Func<string, Task<ReadRun>> measure)
    {
        for (var round = 1; round <= Rounds; round++)
        {
            var line = new List<string>();
            var round1 = new List<ReadRun>();
            foreach (var server in servers)
            {
                var run = await measure(server);
                _runs.Add((client, outstanding, server, run));
                round1.Add(run);
                line.Add(string.Create(CultureInfo.InvariantCulture, $"{server} {run.PerSecond:0} reads/s (server {run.CpuUs:0.0} µs, client {run.ClientCpuUs:0.0} µs per read{Counters(run)})"));
            }
            // Beside the ratio of the rates, which swings with the scheduler's treatment of node-opcua's single thread, the
            // ratio of the servers' CPU per read: what a read costs each server in this round, whatever the other's rate.
            if (round1.Count == 2)
                line.Add(string.Create(CultureInfo.InvariantCulture,
                    $"rate ratio {round1[0].PerSecond / round1[1].PerSecond:0.00}×, server CPU per read {servers[1]} / {servers[0]} {round1[1].CpuUs / round1[0].CpuUs:0.0}×"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {client}, {outstanding} outstanding, round {round}/{Rounds}, load {Load():0.00}: {string.Join("; ", line)}"));
        }
    }

    private static string Counters(ReadRun r) => double.IsNaN(r.WorkItems) ? "" :
        string.Create(CultureInfo.InvariantCulture, $", {r.WorkItems:0.00} pool items, {r.Switches:0.00} client / {r.ServerSwitches:0.00} server context switches, {r.AllocatedBytes:0} B");

    /// <summary>The 1-minute load average (/proc/loadavg).</summary>
    public static double Load() => File.Exists("/proc/loadavg")
        ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture) : double.NaN;

    /// <summary>The rounds of one figure on one server.</summary>
    public IReadOnlyList<ReadRun> Of(string client, int outstanding, string server) =>
        [.. _runs.Where(r => r.Client == client && r.Outstanding == outstanding && r.Server == server).Select(r => r.Run)];

    public bool Has(string client, int outstanding) => _runs.Any(r => r.Client == client && r.Outstanding == outstanding);

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>
    /// Markdown rows for one client: per outstanding count, the median rate of each server (min–max), the ratio of the medians,
    /// the range of the per-round ratios (round k of ours over round k of node-opcua's), and the medians of the per-read costs.
    /// </summary>
    public void Print(string client, string ours, string node)
    {
        foreach (var outstanding in new[] { 1, 16 })
        {
            if (!Has(client, outstanding)) continue;
            var (o, n) = (Of(client, outstanding, ours), Of(client, outstanding, node));
            var ratios = o.Zip(n, (a, b) => a.PerSecond / b.PerSecond).ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| reads/s, one session, {outstanding} outstanding, {client} (median of {o.Count}, min–max) | {Median(o.Select(r => r.PerSecond)):0} ({o.Min(r => r.PerSecond):0}–{o.Max(r => r.PerSecond):0}) | " +
                $"{Median(n.Select(r => r.PerSecond)):0} ({n.Min(r => r.PerSecond):0}–{n.Max(r => r.PerSecond):0}) | " +
                $"**{Median(o.Select(r => r.PerSecond)) / Median(n.Select(r => r.PerSecond)):0.00}** (rounds {ratios.Min():0.00}–{ratios.Max():0.00}) | ≥ 5 |"));
            Row($"server CPU per read (µs), {outstanding} outstanding, {client}", o, n, r => r.CpuUs, "0.0", ratio: true);
            Row($"client CPU per read (µs), {outstanding} outstanding, {client}", o, n, r => r.ClientCpuUs, "0.0", ratio: true);
            if (o.All(r => double.IsNaN(r.WorkItems))) continue;
            Row($"client pool work items per read, {outstanding} outstanding, {client}", o, n, r => r.WorkItems, "0.00", ratio: false);
            Row($"client context switches per read, {outstanding} outstanding, {client}", o, n, r => r.Switches, "0.00", ratio: false);
            Row($"server context switches per read, {outstanding} outstanding, {client}", o, n, r => r.ServerSwitches, "0.00", ratio: false);
            Row($"client bytes allocated per read, {outstanding} outstanding, {client}", o, n, r => r.AllocatedBytes, "0", ratio: false);
        }
    }

    /// <summary>
    /// One row per outstanding count: each server read by whichever of <paramref name="clients"/> gives it the higher median.
    /// Our client's paths suit the two servers differently (a receive thread that spins for its answer wins against a server
    /// that answers within the spin and costs a server that does not, on a machine of two CPUs), so each server is compared at
    /// its best.
    /// </summary>
    public void PrintBest(IReadOnlyList<string> clients, string ours, string node)
    {
        foreach (var outstanding in new[] { 1, 16 })
        {
            var present = clients.Where(c => Has(c, outstanding)).ToArray();
            if (present.Length == 0) continue;
            var (bestOurs, o) = Best(present, outstanding, ours);
            var (bestNode, n) = Best(present, outstanding, node);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| reads/s, one session, {outstanding} outstanding, each server with the better of our client's paths (ours: {bestOurs}; node-opcua's: {bestNode}) | {o:0} | {n:0} | **{o / n:0.00}** | ≥ 5 |"));
        }
    }

    private (string Client, double Median) Best(IEnumerable<string> clients, int outstanding, string server) =>
        clients.Select(c => (Client: c, Median: Median(Of(c, outstanding, server).Select(r => r.PerSecond)))).MaxBy(x => x.Median);

    private static void Row(string what, IReadOnlyList<ReadRun> o, IReadOnlyList<ReadRun> n, Func<ReadRun, double> of, string format, bool ratio)
    {
        var (mo, mn) = (Median(o.Select(of)), Median(n.Select(of)));
        var r = ratio ? (mo / mn).ToString("0.00", CultureInfo.InvariantCulture) : "";
        Console.WriteLine($"| {what} (median) | {mo.ToString(format, CultureInfo.InvariantCulture)} | {mn.ToString(format, CultureInfo.InvariantCulture)} | {r} | — |");
    }

    /// <summary>The range of the 1-minute load average over all rounds.</summary>
    public string LoadRange() => _runs.Count == 0 ? "n/a"
        : string.Create(CultureInfo.InvariantCulture, $"{_runs.Min(r => r.Run.Load):0.00}–{_runs.Max(r => r.Run.Load):0.00}");
}

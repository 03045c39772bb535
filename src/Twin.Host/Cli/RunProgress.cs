using Spectre.Console;
using Twin.Actors.Clock;

namespace Twin.Host.Cli;

/// <summary>
/// Shows how far simulated time has come while a run works towards its end: a Spectre.Console
/// progress bar on a terminal, a plain line every tenth of the way otherwise (logs, pipes, CI).
/// </summary>
internal static class RunProgress
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(250);

    /// <summary>True when stdout is an interactive terminal.</summary>
    public static bool IsTerminal => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Reports the clock's progress from <paramref name="start"/> to <paramref name="end"/> until <paramref name="work"/> completes, and returns its result.</summary>
    public static async Task<T> TrackAsync<T>(string label, SimulationClock clock, SimInstant start, SimInstant end, Task<T> work, Func<SimInstant, IReadOnlyList<string>>? news = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(work);
        var total = Math.Max(1, (end - start).TotalSeconds);
        double Fraction() => Math.Clamp((clock.Now - start).TotalSeconds / total, 0, 1);
        if (IsTerminal)
        {
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(label), maxValue: 100);
                    while (await Task.WhenAny(work, Task.Delay(Refresh)) != work)
                    {
                        foreach (var line in news?.Invoke(clock.Now) ?? []) AnsiConsole.MarkupLine(Markup.Escape(line));
                        task.Value = Fraction() * 100;
                        task.Description = Markup.Escape($"{label} {clock.Now}");
                    }
                    task.Value = 100;
                });
            return await work;
        }
        var reported = 0;
        while (await Task.WhenAny(work, Task.Delay(Refresh)) != work)
        {
            foreach (var line in news?.Invoke(clock.Now) ?? []) Console.WriteLine(line);
            var tenth = (int)(Fraction() * 10);
            if (tenth <= reported) continue;
            reported = tenth;
            Console.WriteLine($"progress {tenth * 10}% simulated {clock.Now}");
        }
        return await work;
    }
}

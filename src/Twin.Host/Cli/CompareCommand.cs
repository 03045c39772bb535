using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Twin.Actors.Scenarios;

namespace Twin.Host.Cli;

/// <summary>`compare FILE --vary KNOB=a,b,c ...`: runs every design variant (the cartesian product) and puts their metrics side by side.</summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "scenario file" };
        var vary = new Option<string[]>("--vary") { Description = "KNOB=a,b,c: a knob and the values to try (repeatable; every combination runs)", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var outDir = new Option<string?>("--out") { Description = "folder for compare.md/.csv/.svg/.json and one folder per variant (journal, report, log); default compare-RUN" };
        var seed = CommonOptions.Seed();
        var until = new Option<string?>("--until") { Description = "simulated time every variant runs (ISO 8601 duration; default: the scenario's duration)" };
        var command = new Command("compare", "Run design variants of a scenario in parallel and compare their metrics; exit 0 when every variant ran, 1 when one could not, 2 on bad input.")
        {
            file, vary, outDir, seed, until,
        };
        command.SetAction((r, token) => CompareAsync(r.GetValue(file)!, r.GetValue(vary) ?? [], r.GetValue(outDir), r.GetValue(seed), r.GetValue(until), token));
        return command;
    }

    /// <summary>One variant to run: its name, knob values and folder.</summary>
    internal sealed record Variant(string Name, IReadOnlyList<KeyValuePair<string, string>> Knobs, string Folder);

    /// <summary>Parses "KNOB=a,b,c".</summary>
    internal static (string Knob, IReadOnlyList<string> Values) ParseVary(string text)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        var values = eq < 0 ? [] : text[(eq + 1)..].Split(',', StringSplitOptions.TrimEntries);
        if (eq <= 0 || values.Length == 0 || values.Any(v => v.Length == 0))
            throw new UsageException($"--vary '{text}': expected KNOB=a,b,c such as crlInterval=PT6H,P1D.");
        var knob = text[..eq].Trim();
        try
        {
            ScenarioVariants.PathOf(knob);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--vary '{text}': {e.Message}");
        }
        if (values.Distinct(StringComparer.Ordinal).Count() != values.Length)
            throw new UsageException($"--vary '{text}': a value is listed twice.");
        return (knob, values);
    }

    private static async Task<int> CompareAsync(string file, string[] varyTexts, string? outDir, long? seed, string? untilText, CancellationToken token)
    {
        Scenario scenario;
        List<Variant> variants;
        TimeSpan until;
        string folder;
        try
        {
            if (varyTexts.Length == 0) throw new UsageException("compare needs at least one --vary KNOB=a,b,c.");
            var vary = varyTexts.Select(ParseVary).ToList();
            if (vary.Select(v => v.Knob).Distinct(StringComparer.Ordinal).Count() != vary.Count)
                throw new UsageException("--vary: a knob is varied twice; list all its values in one --vary.");
            scenario = ScenarioLoader.LoadFile(file);
            until = CommonOptions.ParseDuration(untilText, "--until") ?? scenario.Duration
                ?? throw new UsageException($"{file}: the variants need an end — give the scenario a duration or pass --until.");
            folder = Path.GetFullPath(outDir ?? "compare-" + scenario.Run.Value);
            var yaml = await File.ReadAllTextAsync(file, token);
            variants = [];
            var problems = new List<string>();
            foreach (var knobs in ScenarioVariants.Product(vary))
            {
                var name = string.Join(", ", knobs.Select(k => $"{k.Key}={k.Value}"));
                var variantFolder = Path.Combine(folder, FolderName(knobs));
                var variantFile = Path.Combine(variantFolder, "scenario.yaml");
                var text = ScenarioVariants.Apply(yaml, knobs);
                try
                {
                    ScenarioLoader.Load(text, $"{file} [{name}]");
                }
                catch (ScenarioException e)
                {
                    problems.AddRange(e.Problems.Select(p => p.ToString()));
                    continue;
                }
                Directory.CreateDirectory(variantFolder);
                await File.WriteAllTextAsync(variantFile, text, token);
                variants.Add(new Variant(name, knobs, variantFolder));
            }
            if (problems.Count > 0) throw new UsageException("a variant is not a valid scenario:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }
        catch (Exception e) when (e is UsageException or ScenarioException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"PlantTrust cannot compare: {e.Message}");
            return Program.BadInput;
        }

        var parallel = Math.Max(1, Math.Min(Environment.ProcessorCount, variants.Count));
        Console.WriteLine($"Comparing {variants.Count} variants of {scenario.Name} over {Iso.Format(until)}, {parallel} at a time; output in {folder}");
        using var gate = new SemaphoreSlim(parallel);
        var runs = variants.Select(async v =>
        {
            await gate.WaitAsync(token);
            try
            {
                var code = await RunVariantAsync(v, seed, until, token);
                // A run that ended without its report did not run to its end, whatever its exit code.
                if (code is 0 or 1 && !File.Exists(Path.Combine(v.Folder, "report.json"))) code = Program.RunFailed;
                Console.WriteLine($"{v.Name}: {(code switch { 0 => "every expectation holds", 1 => "an expectation failed", _ => $"did not run (exit {code}; see {Path.Combine(v.Folder, "run.log")})" })}");
                return (Variant: v, Code: code);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        var results = await Task.WhenAll(runs);
        var broken = results.Where(r => r.Code is not (0 or 1)).ToList();
        if (broken.Count > 0)
        {
            await Console.Error.WriteLineAsync($"{broken.Count} variant(s) did not run to their end: {string.Join("; ", broken.Select(b => b.Variant.Name))}.");
            return 1;
        }
        var comparison = CompareReport.Create(scenario, seed ?? scenario.Seed, untilText ?? Iso.Format(until),
            results.Select(r => (r.Variant, JsonDocument.Parse(File.ReadAllText(Path.Combine(r.Variant.Folder, "report.json"))).RootElement)).ToList());
        foreach (var written in comparison.Write(folder)) Console.WriteLine($"Wrote {written}");
        return 0;
    }

    private static string FolderName(IEnumerable<KeyValuePair<string, string>> knobs) =>
        string.Join("_", knobs.Select(k => k.Key + "-" + new string(k.Value.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-').ToArray())));

    // Each variant is a `run` of this same executable in its own process, with its own journal.
    private static async Task<int> RunVariantAsync(Variant v, long? seed, TimeSpan until, CancellationToken token)
    {
        var psi = SelfStartInfo();
        foreach (var a in new[] { "run", Path.Combine(v.Folder, "scenario.yaml"), "--db", Path.Combine(v.Folder, "run.db"), "--report", v.Folder, "--until", Iso.Format(until) })
            psi.ArgumentList.Add(a);
        if (seed is long s)
        {
            psi.ArgumentList.Add("--seed");
            psi.ArgumentList.Add(s.ToString(CultureInfo.InvariantCulture));
        }
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start a variant");
        await using var log = new StreamWriter(Path.Combine(v.Folder, "run.log"));
        var stdout = process.StandardOutput.ReadToEndAsync(token);
        var stderr = process.StandardError.ReadToEndAsync(token);
        try
        {
            await process.WaitForExitAsync(token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        await log.WriteAsync(await stdout + await stderr);
        return process.ExitCode;
    }

    /// <summary>How to start this executable again: the apphost, or dotnet with the entry assembly.</summary>
    internal static ProcessStartInfo SelfStartInfo()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("the executable's path is unknown");
        var psi = new ProcessStartInfo(process) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            psi.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        return psi;
    }
}

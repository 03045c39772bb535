using System.Diagnostics;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Twin.Pki.Bench;

// The CRL's size is a result too; BenchmarkDotNet measures time only, so it is measured once here.
if (args.Contains("--crl-size"))
{
    var ca = RevocationBenchmarks.BigCa();
    var watch = Stopwatch.StartNew();
    var crl = ca.IssueCrl(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(7));
    Console.WriteLine($"CRL entries={crl.Entries.Count} bytes={crl.GetDer().Length} first-issue-ms={watch.ElapsedMilliseconds}");
    return;
}

var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithId("short"));
BenchmarkSwitcher.FromAssembly(typeof(IssuanceBenchmarks).Assembly).Run(args, config);

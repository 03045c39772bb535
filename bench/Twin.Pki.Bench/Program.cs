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

// Short, but with enough iterations to ride out a shared 2-core machine; the whole run stays within a few minutes.
var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithIterationCount(10).WithId("short-10"));
BenchmarkSwitcher.FromAssembly(typeof(IssuanceBenchmarks).Assembly).Run(args, config);

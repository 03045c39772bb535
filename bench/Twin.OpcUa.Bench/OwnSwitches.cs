using System.Runtime.InteropServices;

/// <summary>
/// This process's context switches so far, threads that have ended included (getrusage, RUSAGE_SELF): summing the live
/// threads of /proc/self/task went backwards in a run whenever the thread pool retired a worker (a negative count per read).
/// </summary>
internal static class OwnSwitches
{
    private const int RusageSelf = 0;

    /// <summary>Voluntary + involuntary context switches of every thread this process has had; -1 if the call failed.</summary>
    public static long Count()
    {
        // struct rusage on 64-bit Linux: two timevals (4 longs), then 14 longs; ru_nvcsw and ru_nivcsw are the last two.
        var usage = new long[18];
        return GetRusage(RusageSelf, usage) == 0 ? usage[16] + usage[17] : -1;
    }

    [DllImport("libc", EntryPoint = "getrusage", SetLastError = false)]
    private static extern int GetRusage(int who, [Out] long[] usage);
}

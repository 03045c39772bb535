using Twin.Web.Live;

namespace Twin.Web.Tests.Live;

public sealed class ThrottleTests
{
    [Fact]
    public async Task The_first_change_is_passed_on_at_once_and_a_burst_after_it_waits_for_the_interval()
    {
        var calls = 0;
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var throttle = new Throttle(TimeSpan.FromHours(1), () =>
        {
            Interlocked.Increment(ref calls);
            first.TrySetResult();
            return Task.CompletedTask;
        });

        throttle.Signal();
        await first.Task.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 100; i++) throttle.Signal();

        // The burst is held for the rest of the hour-long interval: still exactly one callback.
        Assert.Equal(1, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task A_burst_after_a_callback_is_gathered_into_one_more_callback()
    {
        var calls = 0;
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var throttle = new Throttle(TimeSpan.FromMilliseconds(50), () =>
        {
            var n = Interlocked.Increment(ref calls);
            (n == 1 ? first : second).TrySetResult();
            return Task.CompletedTask;
        });

        throttle.Signal();
        await first.Task.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 100; i++) throttle.Signal();
        await second.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, Volatile.Read(ref calls));
    }
}

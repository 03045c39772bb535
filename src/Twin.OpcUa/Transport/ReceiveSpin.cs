namespace Twin.OpcUa.Transport;

/// <summary>The range every receive spin is given in: a receive thread's, a busy connection's, a server's or a client's.</summary>
internal static class ReceiveSpin
{
    /// <summary>The longest spin allowed: a spin buys back a wake-up of tens of µs, more only burns CPU.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromMilliseconds(1);

    /// <summary><paramref name="value"/> if it lies between 0 and <see cref="Max"/>; otherwise an error naming <paramref name="what"/>.</summary>
    public static TimeSpan Checked(TimeSpan value, string paramName, string what) =>
        value >= TimeSpan.Zero && value <= Max ? value
            : throw new ArgumentOutOfRangeException(paramName, value, $"{what} must lie between 0 and {Max.TotalMicroseconds:0} µs.");
}

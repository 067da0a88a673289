namespace TriageBot.Host.Workers;

/// <summary>
/// Counts the platforms' inbound requests (Slack events, commands and interactions, over HTTP or Socket Mode; Teams
/// activities) over the last second, so the queue worker can give the cores to acknowledgements during a burst. Slack shows the user an error when
/// an ack takes over 3 seconds, while the reply the worker posts to a response_url stays welcome for 30 minutes.
/// </summary>
/// <remarks>
/// Ten 100 ms buckets on the monotonic clock; a bucket is reset when it is reused. Counting is lock-free and may lose a
/// count at a bucket's rollover: it is a load signal, not a metric.
/// </remarks>
internal sealed class IngressPressure(TimeProvider time)
{
    private const int Buckets = 10;
    private readonly long[] _counts = new long[Buckets];
    private readonly long[] _slots = new long[Buckets];

    /// <summary>Paths whose requests are platform traffic with an acknowledgement deadline.</summary>
    public static bool IsPlatformPath(PathString path) =>
        path.StartsWithSegments("/slack", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/api/messages", StringComparison.OrdinalIgnoreCase);

    /// <summary>Counts one inbound request now.</summary>
    public void Record()
    {
        var slot = Slot();
        var i = (int)(slot % Buckets);
        var seen = Volatile.Read(ref _slots[i]);
        if (seen != slot && Interlocked.CompareExchange(ref _slots[i], slot, seen) == seen)
        {
            Interlocked.Exchange(ref _counts[i], 0);
        }

        Interlocked.Increment(ref _counts[i]);
    }

    /// <summary>Inbound requests in the last second (the current 100 ms bucket and the nine before it).</summary>
    public long LastSecond()
    {
        var now = Slot();
        long sum = 0;
        for (var i = 0; i < Buckets; i++)
        {
            var slot = Volatile.Read(ref _slots[i]);
            if (slot > now - Buckets && slot <= now)
            {
                sum += Volatile.Read(ref _counts[i]);
            }
        }

        return sum;
    }

    // The number of the 100 ms interval we are in, from the monotonic clock (a wall-clock jump does not matter).
    private long Slot() => (long)((double)time.GetTimestamp() * 10 / time.TimestampFrequency);
}

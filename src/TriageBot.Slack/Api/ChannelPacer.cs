namespace TriageBot.Slack.Api;

/// <summary>Spaces chat.postMessage calls to one channel (Slack allows about one message per second per channel).</summary>
public sealed class ChannelPacer
{
    private readonly Dictionary<string, DateTimeOffset> _next = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;

    /// <summary>Creates a pacer.</summary>
    public ChannelPacer(TimeProvider time, TimeSpan interval)
    {
        _time = time;
        _interval = interval;
    }

    /// <summary>Reserves the next slot for <paramref name="channel"/> and returns how long to wait for it.</summary>
    public TimeSpan Reserve(string channel)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_next.Count > 10_000)
            {
                // Forget channels that have been quiet; keeps memory bounded.
                foreach (var key in _next.Where(kv => kv.Value < now).Select(kv => kv.Key).ToList())
                {
                    _next.Remove(key);
                }
            }

            var slot = _next.TryGetValue(channel, out var next) && next > now ? next : now;
            _next[channel] = slot + _interval;
            return slot - now;
        }
    }

    /// <summary>Waits for the channel's next slot.</summary>
    public async Task WaitAsync(string channel, CancellationToken ct)
    {
        var delay = Reserve(channel);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _time, ct);
        }
    }
}

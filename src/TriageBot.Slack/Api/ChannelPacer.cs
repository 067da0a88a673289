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

    /// <summary>Most channels tracked at once.</summary>
    public const int MaxChannels = 10_000;

    /// <summary>Channels tracked now.</summary>
    internal int Count
    {
        get
        {
            lock (_gate)
            {
                return _next.Count;
            }
        }
    }

    /// <summary>Reserves the next slot for <paramref name="channel"/> and returns how long to wait for it.</summary>
    public TimeSpan Reserve(string channel)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_next.Count >= MaxChannels && !_next.ContainsKey(channel))
            {
                // Forget channels that have been quiet; if they are all busy, those whose next slot comes first (their
                // pacing is lost, memory stays bounded: channel ids come from request data).
                foreach (var key in _next.Where(kv => kv.Value < now).Select(kv => kv.Key).ToList())
                {
                    _next.Remove(key);
                }

                if (_next.Count >= MaxChannels)
                {
                    foreach (var key in _next.OrderBy(kv => kv.Value).Take(_next.Count - (MaxChannels * 9 / 10)).Select(kv => kv.Key).ToList())
                    {
                        _next.Remove(key);
                    }
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

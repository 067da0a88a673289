namespace TriageBot.Teams.Connector;

/// <summary>
/// Paces sends per conversation to Teams' documented bot limits: 7 per second, 60 per 30 seconds, 1800 per hour.
/// Each send reserves the earliest slot that keeps every window under its limit; callers wait until their slot.
/// Conversations come from request data, so at most <see cref="MaxConversations"/> are tracked: beyond it, idle ones are
/// forgotten first, then those whose last send is oldest.
/// </summary>
public sealed class ConversationRateLimiter
{
    private static readonly (int Max, TimeSpan Window)[] Limits =
    [
        (7, TimeSpan.FromSeconds(1)),
        (60, TimeSpan.FromSeconds(30)),
        (1800, TimeSpan.FromHours(1)),
    ];

    private static readonly TimeSpan Longest = TimeSpan.FromHours(1);

    private readonly TimeProvider _time;
    private readonly Dictionary<string, List<DateTimeOffset>> _slots = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _reservations;

    public ConversationRateLimiter(TimeProvider time)
        : this(time, DefaultMaxConversations)
    {
    }

    public ConversationRateLimiter(TimeProvider time, int maxConversations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConversations, 1);
        _time = time;
        MaxConversations = maxConversations;
    }

    /// <summary>Default for <see cref="MaxConversations"/>.</summary>
    public const int DefaultMaxConversations = 10_000;

    /// <summary>Most conversations tracked at once.</summary>
    public int MaxConversations { get; }

    /// <summary>Conversations tracked now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _slots.Count;
            }
        }
    }

    /// <summary>Reserves a send slot in the conversation and returns how long to wait before sending.</summary>
    public TimeSpan Reserve(string conversationId)
    {
        TryReserve(conversationId, TimeSpan.MaxValue, out var wait);
        return wait;
    }

    /// <summary>
    /// Reserves a send slot in the conversation when it comes within <paramref name="maxWait"/>; otherwise reserves
    /// nothing and returns false. <paramref name="wait"/> is how long to wait before sending (or would have been).
    /// </summary>
    public bool TryReserve(string conversationId, TimeSpan maxWait, out TimeSpan wait)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (++_reservations % 1024 == 0)
            {
                Sweep(now);
            }

            if (!_slots.TryGetValue(conversationId, out var slots))
            {
                if (_slots.Count >= MaxConversations)
                {
                    Evict(now);
                }

                slots = [];
                _slots[conversationId] = slots;
            }

            var expired = slots.FindIndex(s => s > now - Longest);
            if (expired < 0)
            {
                slots.Clear();
            }
            else if (expired > 0)
            {
                slots.RemoveRange(0, expired);
            }

            var at = now;
            foreach (var (max, window) in Limits)
            {
                if (slots.Count >= max)
                {
                    // The send max places back must leave the window before this one can go.
                    var candidate = slots[^max] + window;
                    if (candidate > at)
                    {
                        at = candidate;
                    }
                }
            }

            wait = at - now;
            if (wait > maxWait)
            {
                return false;
            }

            slots.Add(at);
            return true;
        }
    }

    /// <summary>Waits for a send slot in the conversation.</summary>
    public async Task WaitAsync(string conversationId, CancellationToken ct)
    {
        var wait = Reserve(conversationId);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits for a send slot in the conversation if it comes within <paramref name="maxWait"/> and returns null; when the
    /// pacing would hold the send longer, returns at once, reserving nothing, how long that would have been.
    /// </summary>
    public async Task<TimeSpan?> TryWaitAsync(string conversationId, TimeSpan maxWait, CancellationToken ct)
    {
        if (!TryReserve(conversationId, maxWait, out var wait))
        {
            return wait;
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, ct).ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>Makes room: idle conversations go first, then (down to 90% of the bound) those whose last send is oldest.</summary>
    private void Evict(DateTimeOffset now)
    {
        Sweep(now);
        if (_slots.Count < MaxConversations)
        {
            return;
        }

        var keep = MaxConversations * 9 / 10;
        foreach (var key in _slots.OrderBy(kv => kv.Value.Count == 0 ? DateTimeOffset.MinValue : kv.Value[^1]).Take(_slots.Count - keep).Select(kv => kv.Key).ToList())
        {
            _slots.Remove(key);
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var key in _slots.Where(kv => kv.Value.Count == 0 || kv.Value[^1] <= now - Longest).Select(kv => kv.Key).ToList())
        {
            _slots.Remove(key);
        }
    }
}

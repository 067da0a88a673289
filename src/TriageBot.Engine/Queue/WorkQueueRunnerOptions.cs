namespace TriageBot.Engine.Queue;

/// <summary>Tuning of the <see cref="WorkQueueRunner"/>.</summary>
public sealed record WorkQueueRunnerOptions
{
    /// <summary>
    /// How long a claimed item stays leased to this runner before another may claim it. Default 15 seconds: a live runner
    /// renews the leases of the items it is running every <see cref="HeartbeatInterval"/>, so the lease only decides how
    /// soon the work of a dead worker is taken over.
    /// </summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the leases of running items are renewed (see <see cref="WorkQueueRunner.RunHeartbeatAsync"/>). Default 5 seconds.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Most items claimed at once. Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Attempts before an item is dead. Default 8.</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>Delay after the first failed attempt; doubles each attempt. Default 2 seconds.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest delay between attempts. Default 10 minutes.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Fraction of the delay removed at random (0..1) so retries from many items spread out. Default 0.2.</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>
    /// Items handled at the same time. Default 64: most of an item's time is spent waiting (the platform's answer, a
    /// channel's pacing), not computing, and the platform's rate limits are enforced by the adapters' clients.
    /// </summary>
    public int MaxConcurrency { get; init; } = 64;

    /// <summary>Source of randomness for the jitter, in [0, 1); null uses <see cref="Random.Shared"/>. Tests pass a fixed one.</summary>
    public Func<double>? RandomSource { get; init; }
}

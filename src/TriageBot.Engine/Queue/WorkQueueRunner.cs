using TriageBot.Engine.Ports;

namespace TriageBot.Engine.Queue;

/// <summary>Tuning of the <see cref="WorkQueueRunner"/>.</summary>
public sealed record WorkQueueRunnerOptions
{
    /// <summary>How long a claimed item stays leased to this runner before another may claim it. Default 2 minutes.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Items claimed per run. Default 16.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Attempts before an item is dead. Default 8.</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>Delay after the first failed attempt; doubles each attempt. Default 2 seconds.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest delay between attempts. Default 10 minutes.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Fraction of the delay removed at random (0..1) so retries from many items spread out. Default 0.2.</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>Items of one batch handled at the same time. Default 4.</summary>
    public int MaxConcurrency { get; init; } = 4;

    /// <summary>Source of randomness for the jitter, in [0, 1); null uses <see cref="Random.Shared"/>. Tests pass a fixed one.</summary>
    public Func<double>? RandomSource { get; init; }
}

/// <summary>An item completed by its handler.</summary>
/// <param name="item">The item.</param>
/// <param name="elapsed">How long the handler ran.</param>
public sealed class WorkItemCompletedEventArgs(WorkItem item, TimeSpan elapsed) : EventArgs
{
    /// <summary>The item.</summary>
    public WorkItem Item { get; } = item;

    /// <summary>How long the handler ran.</summary>
    public TimeSpan Elapsed { get; } = elapsed;
}

/// <summary>An attempt that failed: retried at <see cref="RetryAt"/>, or dead.</summary>
/// <param name="item">The item.</param>
/// <param name="error">The failure (null when no handler exists).</param>
/// <param name="attempt">Which attempt failed (1-based).</param>
/// <param name="dead">True when the item will not be retried.</param>
/// <param name="retryAt">When it will be retried (meaningless when dead).</param>
/// <param name="reason">A short text for logs.</param>
public sealed class WorkItemFailedEventArgs(WorkItem item, Exception? error, int attempt, bool dead, DateTimeOffset retryAt, string reason) : EventArgs
{
    /// <summary>The item.</summary>
    public WorkItem Item { get; } = item;

    /// <summary>The failure; null when no handler exists for the kind.</summary>
    public Exception? Error { get; } = error;

    /// <summary>Which attempt failed (1-based).</summary>
    public int Attempt { get; } = attempt;

    /// <summary>True when the item will not be retried.</summary>
    public bool Dead { get; } = dead;

    /// <summary>When it will be retried.</summary>
    public DateTimeOffset RetryAt { get; } = retryAt;

    /// <summary>Short reason for logs (exception type and message, or "no handler").</summary>
    public string Reason { get; } = reason;
}

/// <summary>
/// Runs the durable work queue: claims ready items under a lease, hands each to the first <see cref="IWorkHandler"/> that
/// can handle its kind, completes it, or records the failure with exponential backoff (base × 2^(attempt−1), capped, with
/// jitter). <see cref="PermanentWorkException"/>, a missing handler or the last allowed attempt make the item dead.
/// BCL only: the host observes <see cref="ItemCompleted"/> and <see cref="ItemFailed"/> to log and measure.
/// </summary>
public sealed class WorkQueueRunner
{
    private const int MaxErrorLength = 2000;

    private readonly IWorkQueue _queue;
    private readonly IReadOnlyList<IWorkHandler> _handlers;
    private readonly TimeProvider _time;
    private readonly WorkQueueRunnerOptions _options;
    private readonly Func<double> _random;

    /// <summary>Creates the runner.</summary>
    public WorkQueueRunner(IWorkQueue queue, IEnumerable<IWorkHandler> handlers, TimeProvider time, WorkQueueRunnerOptions? options = null)
    {
        _queue = queue ?? throw new ArgumentNullException(nameof(queue));
        _handlers = (handlers ?? throw new ArgumentNullException(nameof(handlers))).ToList();
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _options = options ?? new WorkQueueRunnerOptions();
        if (_options.BatchSize < 1 || _options.MaxAttempts < 1 || _options.MaxConcurrency < 1 || _options.LeaseDuration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Batch size, attempts, concurrency and lease must be positive.");
        }

        _random = _options.RandomSource ?? Random.Shared.NextDouble;
    }

    /// <summary>Raised after an item completed.</summary>
    public event EventHandler<WorkItemCompletedEventArgs>? ItemCompleted;

    /// <summary>Raised after an attempt failed (retried or dead).</summary>
    public event EventHandler<WorkItemFailedEventArgs>? ItemFailed;

    /// <summary>
    /// Claims up to one batch of ready items for <paramref name="owner"/> and runs them. Returns how many items were claimed
    /// (0 means the queue had nothing ready: the caller may wait before polling again). Cancellation stops between items;
    /// an item interrupted by cancellation is left to its lease and retried later.
    /// </summary>
    public async Task<int> RunOnceAsync(string owner, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        var now = _time.GetUtcNow();
        var items = await _queue.ClaimAsync(owner, _options.BatchSize, now, now + _options.LeaseDuration, ct);
        if (items.Count == 0)
        {
            return 0;
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = ct };
        await Parallel.ForEachAsync(items, parallel, async (item, token) => await RunItemAsync(item, token));
        return items.Count;
    }

    /// <summary>The delay before retrying after attempt <paramref name="attempt"/> (1-based) failed, before jitter.</summary>
    public TimeSpan BackoffFor(int attempt)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ticks = _options.BackoffBase.Ticks * Math.Pow(2, exponent);
        return ticks >= _options.BackoffMax.Ticks ? _options.BackoffMax : TimeSpan.FromTicks((long)ticks);
    }

    private async Task RunItemAsync(WorkItem item, CancellationToken ct)
    {
        var attempt = item.Attempts + 1;
        var handler = _handlers.FirstOrDefault(h => h.CanHandle(item.Kind));
        if (handler is null)
        {
            var reason = $"no handler for kind '{item.Kind}'";
            await _queue.FailAsync(item.Id, reason, _time.GetUtcNow(), dead: true, CancellationToken.None);
            Raise(ItemFailed, new WorkItemFailedEventArgs(item, null, attempt, true, _time.GetUtcNow(), reason));
            return;
        }

        var started = _time.GetTimestamp();
        try
        {
            await handler.HandleAsync(item, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the lease expires and another run picks the item up; this attempt does not count.
            throw;
        }
        catch (PermanentWorkException ex)
        {
            await FailAsync(item, attempt, ex, dead: true);
            return;
        }
        catch (Exception ex)
        {
            await FailAsync(item, attempt, ex, dead: attempt >= _options.MaxAttempts);
            return;
        }

        await _queue.CompleteAsync(item.Id, CancellationToken.None);
        Raise(ItemCompleted, new WorkItemCompletedEventArgs(item, _time.GetElapsedTime(started)));
    }

    private async Task FailAsync(WorkItem item, int attempt, Exception error, bool dead)
    {
        var delay = BackoffFor(attempt);
        var jitter = Math.Clamp(_options.Jitter, 0, 1) * Math.Clamp(_random(), 0, 1);
        var retryAt = _time.GetUtcNow() + TimeSpan.FromTicks((long)(delay.Ticks * (1 - jitter)));
        var reason = $"{error.GetType().Name}: {error.Message}";
        if (reason.Length > MaxErrorLength)
        {
            reason = reason[..MaxErrorLength];
        }

        // The outcome must be recorded even when the caller is shutting down, or the attempt is lost.
        await _queue.FailAsync(item.Id, reason, retryAt, dead, CancellationToken.None);
        Raise(ItemFailed, new WorkItemFailedEventArgs(item, error, attempt, dead, retryAt, reason));
    }

    private void Raise<T>(EventHandler<T>? handler, T args)
    {
        try
        {
            handler?.Invoke(this, args);
        }
        catch (Exception)
        {
            // An observer's failure (a logging sink) must never change the queue's outcome.
        }
    }
}

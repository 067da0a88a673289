using TriageBot.Engine.Ports;

namespace TriageBot.Engine.Queue;

/// <summary>
/// Runs the durable work queue: claims ready items under a lease, hands each to the first <see cref="IWorkHandler"/> that
/// can handle its kind, completes it, or records the failure with exponential backoff (base × 2^(attempt−1), capped, with
/// jitter). <see cref="PermanentWorkException"/>, a missing handler or the last allowed attempt make the item dead.
/// BCL only: the host observes <see cref="ItemCompleted"/> and <see cref="ItemFailed"/> to log and measure.
/// <para>
/// Two ways to run: <see cref="RunOnceAsync"/> claims a batch and waits for all of it (tests, tools);
/// <see cref="FillAsync(string, CancellationToken, CancellationToken)"/> keeps up to <see cref="WorkQueueRunnerOptions.MaxConcurrency"/> items in flight and claims more
/// as soon as any finishes (the host's worker), so one slow item (a paced channel, a slow API) never holds the others
/// back. Either way the items in flight are renewed by <see cref="RunHeartbeatAsync"/>.
/// </para>
/// </summary>
public sealed class WorkQueueRunner
{
    private const int MaxErrorLength = 2000;

    private readonly IWorkQueue _queue;
    private readonly IReadOnlyList<IWorkHandler> _handlers;
    private readonly TimeProvider _time;
    private readonly WorkQueueRunnerOptions _options;
    private readonly Func<double> _random;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, byte> _inFlight = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, byte> _running = new();
    private readonly Slots _slots;

    /// <summary>Creates the runner.</summary>
    public WorkQueueRunner(IWorkQueue queue, IEnumerable<IWorkHandler> handlers, TimeProvider time, WorkQueueRunnerOptions? options = null)
    {
        _queue = queue ?? throw new ArgumentNullException(nameof(queue));
        _handlers = (handlers ?? throw new ArgumentNullException(nameof(handlers))).ToList();
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _options = options ?? new WorkQueueRunnerOptions();
        if (_options.BatchSize < 1 || _options.MaxAttempts < 1 || _options.MaxConcurrency < 1 || _options.LeaseDuration <= TimeSpan.Zero
            || _options.HeartbeatInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Batch size, attempts, concurrency, lease and heartbeat must be positive.");
        }

        if (_options.HeartbeatInterval * 2 > _options.LeaseDuration)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "The heartbeat must be at most half the lease, or a live worker's lease can run out.");
        }

        _slots = new Slots(_options.MaxConcurrency);

        _random = _options.RandomSource ?? Random.Shared.NextDouble;
    }

    /// <summary>Raised after an item completed.</summary>
    public event EventHandler<WorkItemCompletedEventArgs>? ItemCompleted;

    /// <summary>Raised after an attempt failed (retried or dead).</summary>
    public event EventHandler<WorkItemFailedEventArgs>? ItemFailed;

    /// <summary>Raised when an item's run ended without a recorded outcome (the database was unreachable) or a heartbeat failed; the item keeps its lease and is retried.</summary>
    public event EventHandler<WorkRunFaultedEventArgs>? RunFaulted;

    /// <summary>Items being handled now (claimed and not finished).</summary>
    public int InFlight => _inFlight.Count;

    /// <summary>
    /// Claims up to one batch of ready items for <paramref name="owner"/> and runs them. Returns how many items were claimed
    /// (0 means the queue had nothing ready: the caller may wait before polling again). Cancellation stops between items;
    /// an item interrupted by cancellation is left to its lease and retried later.
    /// </summary>
    public async Task<int> RunOnceAsync(string owner, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        var items = await ClaimAsync(owner, _options.BatchSize, ct);
        if (items.Count == 0)
        {
            return 0;
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = ct };
        await Parallel.ForEachAsync(items, parallel, async (item, token) => await RunTrackedAsync(item, token));
        return items.Count;
    }

    /// <summary>
    /// Waits until at least one of the <see cref="WorkQueueRunnerOptions.MaxConcurrency"/> slots is free (or
    /// <paramref name="stopClaiming"/> fires), claims as many ready items as there are free slots (at most a batch) and
    /// starts them without waiting for them to finish. Returns how many were claimed: 0 means nothing was ready, so the
    /// caller waits for new work before calling again. Items run with <paramref name="workToken"/>, which only a hard stop
    /// should cancel; <see cref="DrainAsync"/> waits for them.
    /// </summary>
    public Task<int> FillAsync(string owner, CancellationToken stopClaiming, CancellationToken workToken) =>
        FillAsync(owner, int.MaxValue, stopClaiming, workToken);

    /// <summary>
    /// As <see cref="FillAsync(string, CancellationToken, CancellationToken)"/>, claiming at most
    /// <paramref name="maxClaim"/> items (the host claims one at a time while acknowledgements need the cores).
    /// </summary>
    public async Task<int> FillAsync(string owner, int maxClaim, CancellationToken stopClaiming, CancellationToken workToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxClaim, 1);
        await _slots.WaitAsync(stopClaiming);
        var free = 1;
        var limit = Math.Min(_options.BatchSize, maxClaim);
        while (free < limit && _slots.TryTake())
        {
            free++;
        }

        IReadOnlyList<WorkItem> items;
        try
        {
            items = await ClaimAsync(owner, free, stopClaiming);
        }
        catch
        {
            _slots.Release(free);
            throw;
        }

        if (free > items.Count)
        {
            _slots.Release(free - items.Count);
        }

        foreach (var item in items)
        {
            Track(RunInSlotAsync(item, workToken));
        }

        return items.Count;
    }

    /// <summary>Waits for every item started by <see cref="FillAsync(string, CancellationToken, CancellationToken)"/> to finish (or to be cut by its token).</summary>
    public Task DrainAsync() => Task.WhenAll(_running.Keys);

    /// <summary>
    /// Renews the leases of the items this runner is handling now, to <see cref="WorkQueueRunnerOptions.LeaseDuration"/>
    /// from now. Returns how many leases were extended.
    /// </summary>
    public async Task<int> RenewLeasesAsync(string owner, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        var ids = _inFlight.Keys.ToList();
        return ids.Count == 0 ? 0 : await _queue.RenewAsync(owner, ids, _time.GetUtcNow() + _options.LeaseDuration, ct);
    }

    /// <summary>
    /// The heartbeat: every <see cref="WorkQueueRunnerOptions.HeartbeatInterval"/> renews the leases of the items in
    /// flight, until <paramref name="ct"/> fires. A failed renewal is reported by <see cref="RunFaulted"/> and tried again
    /// at the next beat.
    /// </summary>
    public async Task RunHeartbeatAsync(string owner, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.HeartbeatInterval, _time, ct);
                await RenewLeasesAsync(owner, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Raise(RunFaulted, new WorkRunFaultedEventArgs(null, ex));
            }
        }
    }

    /// <summary>
    /// Gives back at once every lease <paramref name="owner"/> still holds: called when a worker with a stable identity
    /// starts, so what its previous life was running (killed mid-item) is retried now rather than when the leases run out.
    /// </summary>
    public Task<int> ReleaseOwnLeasesAsync(string owner, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        return _queue.ReleaseAsync(owner, _time.GetUtcNow(), ct);
    }

    private async Task<IReadOnlyList<WorkItem>> ClaimAsync(string owner, int max, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var items = await _queue.ClaimAsync(owner, max, now, now + _options.LeaseDuration, ct);
        foreach (var item in items)
        {
            _inFlight[item.Id] = 0;
        }

        return items;
    }

    private void Track(Task task)
    {
        _running[task] = 0;
        _ = task.ContinueWith(static (t, state) => ((System.Collections.Concurrent.ConcurrentDictionary<Task, byte>)state!).TryRemove(t, out _),
            _running, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task RunInSlotAsync(WorkItem item, CancellationToken ct)
    {
        try
        {
            await Task.Yield();
            await RunTrackedAsync(item, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Hard stop: the item keeps its lease and runs again elsewhere (as an unknown outcome).
        }
        catch (Exception ex)
        {
            // The outcome could not be recorded (database unreachable): the lease runs out and the item is retried.
            Raise(RunFaulted, new WorkRunFaultedEventArgs(item, ex));
        }
        finally
        {
            _slots.Release(1);
        }
    }

    private async Task RunTrackedAsync(WorkItem item, CancellationToken ct)
    {
        try
        {
            await RunItemAsync(item, ct);
        }
        finally
        {
            _inFlight.TryRemove(item.Id, out _);
        }
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

    // A counting gate without a disposable (SemaphoreSlim would make the runner IDisposable).
    private sealed class Slots(int count)
    {
        private readonly Lock _gate = new();
        private int _free = count;
        private TaskCompletionSource? _freed;

        public async Task WaitAsync(CancellationToken ct)
        {
            while (true)
            {
                Task freed;
                lock (_gate)
                {
                    if (_free > 0)
                    {
                        _free--;
                        return;
                    }

                    _freed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    freed = _freed.Task;
                }

                await freed.WaitAsync(ct);
            }
        }

        public bool TryTake()
        {
            lock (_gate)
            {
                if (_free == 0)
                {
                    return false;
                }

                _free--;
                return true;
            }
        }

        public void Release(int n)
        {
            TaskCompletionSource? freed;
            lock (_gate)
            {
                _free += n;
                freed = _freed;
                _freed = null;
            }

            freed?.TrySetResult();
        }
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

using Microsoft.Extensions.Options;
using TriageBot.Engine.Queue;
using TriageBot.Host.Configuration;
using TriageBot.Host.Observability;
using TriageBot.Host.Storage;

namespace TriageBot.Host.Workers;

/// <summary>
/// Runs the durable work queue: wakes at once when this process enqueues work, otherwise polls (items enqueued by other
/// replicas, retries coming due). Up to <c>Workers:QueueConcurrency</c> items run at once and a free slot is refilled at
/// once; a heartbeat renews the running items' short leases. On start it releases the leases its identity held before a
/// restart. On shutdown it stops claiming and lets the items in flight finish until the host's shutdown timeout;
/// anything unfinished keeps its lease and is claimed again by another run.
/// </summary>
internal sealed partial class QueueWorkerService : BackgroundService
{
    private readonly WorkQueueRunner _runner;
    private readonly WorkSignal _signal;
    private readonly WorkerIdentity _identity;
    private readonly TriageBotMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly IngressPressure _pressure;
    private readonly WorkerOptions _options;
    private readonly ILogger<QueueWorkerService> _logger;
    private readonly CancellationTokenSource _hardStop = new();

    public QueueWorkerService(
        WorkQueueRunner runner,
        WorkSignal signal,
        WorkerIdentity identity,
        TriageBotMetrics metrics,
        TimeProvider time,
        IngressPressure pressure,
        IOptions<WorkerOptions> options,
        ILogger<QueueWorkerService> logger)
    {
        _runner = runner;
        _signal = signal;
        _identity = identity;
        _metrics = metrics;
        _time = time;
        _pressure = pressure;
        _options = options.Value;
        _logger = logger;
        _runner.ItemCompleted += OnCompleted;
        _runner.ItemFailed += OnFailed;
        _runner.RunFaulted += OnFaulted;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // cancellationToken fires when the host's ShutdownTimeout is over: only then interrupt the running batch.
        using var registration = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _hardStop);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _runner.ItemCompleted -= OnCompleted;
        _runner.ItemFailed -= OnFailed;
        _runner.RunFaulted -= OnFaulted;
        _hardStop.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            // A web-only replica (TriageBot:Workers:Enabled=false): another process runs the background work.
            return;
        }

        var owner = _identity.QueueOwner;
        LogStarted(_logger, owner);
        await ReleaseOwnLeasesAsync(owner, stoppingToken).ConfigureAwait(false);

        // The heartbeat renews the leases of running items until every one of them has finished (also during shutdown).
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = _runner.RunHeartbeatAsync(owner, heartbeatStop.Token);
        try
        {
            await ClaimLoopAsync(owner, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            // Stop claiming, let the items in flight finish (a hard stop cuts them: they keep their leases).
            await _runner.DrainAsync().ConfigureAwait(false);
            await heartbeatStop.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
        }

        LogStopped(_logger, owner);
    }

    private async Task ClaimLoopAsync(string owner, CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Take the wake-up before looking at the queue so an enqueue during the claim is not missed.
            var wake = _signal.Next;
            var busy = Busy();
            int claimed;
            try
            {
                // Waits for a free slot, claims as many items as there are free slots (one during a burst of platform
                // requests) and starts them.
                claimed = await _runner.FillAsync(owner, busy ? 1 : int.MaxValue, stoppingToken, _hardStop.Token).ConfigureAwait(false);
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested || _hardStop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The database is down or a bug: back off (up to 30 s) and try again; leases protect the items.
                failures++;
                _metrics.WorkerFailed("queue");
                var backoff = TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, Math.Min(failures, 5))));
                LogRunFailed(_logger, ex, backoff.TotalSeconds);
                await DelayAsync(Task.Delay(backoff, _time, stoppingToken)).ConfigureAwait(false);
                continue;
            }

            if (busy)
            {
                // Acknowledgements first: one item per interval keeps the replies moving until the burst is over.
                await DelayAsync(Task.Delay(_options.BusyClaimInterval, _time, stoppingToken)).ConfigureAwait(false);
                continue;
            }

            if (claimed > 0)
            {
                continue; // more may be ready
            }

            await DelayAsync(Task.WhenAny(wake, Task.Delay(_options.QueuePollInterval, _time, stoppingToken))).ConfigureAwait(false);
        }
    }

    private bool Busy() => _options.YieldAbovePerSecond > 0 && _pressure.LastSecond() >= _options.YieldAbovePerSecond;

    private async Task ReleaseOwnLeasesAsync(string owner, CancellationToken ct)
    {
        try
        {
            var released = await _runner.ReleaseOwnLeasesAsync(owner, ct).ConfigureAwait(false);
            if (released > 0)
            {
                LogReleased(_logger, owner, released);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not fatal: those leases run out on their own (TriageBot:Workers:QueueLease).
            LogReleaseFailed(_logger, ex, owner);
        }
    }

    private static async Task DelayAsync(Task wait)
    {
        try
        {
            await wait.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private void OnCompleted(object? sender, WorkItemCompletedEventArgs e)
    {
        _metrics.WorkProcessed(1);
        LogItemCompleted(_logger, e.Item.Kind, e.Item.Id, e.Item.Tenant, e.Elapsed.TotalMilliseconds);
    }

    private void OnFailed(object? sender, WorkItemFailedEventArgs e)
    {
        if (e.Dead)
        {
            LogItemDead(_logger, e.Error, e.Item.Kind, e.Item.Id, e.Item.Tenant, e.Attempt, e.Reason);
        }
        else
        {
            LogItemRetry(_logger, e.Item.Kind, e.Item.Id, e.Item.Tenant, e.Attempt, e.RetryAt, e.Reason);
        }
    }

    private void OnFaulted(object? sender, WorkRunFaultedEventArgs e)
    {
        _metrics.WorkerFailed("queue");
        if (e.Item is { } item)
        {
            LogItemFaulted(_logger, e.Error, item.Kind, item.Id, item.Tenant);
        }
        else
        {
            LogHeartbeatFailed(_logger, e.Error);
        }
    }

    [LoggerMessage(7, LogLevel.Information, "Queue worker {Owner} released {Count} leases it held before a restart; those items run again now")]
    private static partial void LogReleased(ILogger logger, string owner, int count);

    [LoggerMessage(8, LogLevel.Warning, "Queue worker {Owner} could not release the leases of its previous run; they run out on their own")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string owner);

    [LoggerMessage(9, LogLevel.Error, "Work item {Kind} {ItemId} ({Tenant}) ran but its outcome could not be recorded; it is retried when its lease runs out")]
    private static partial void LogItemFaulted(ILogger logger, Exception exception, string kind, Guid itemId, string tenant);

    [LoggerMessage(10, LogLevel.Warning, "Renewing the queue leases failed; retrying at the next heartbeat")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(1, LogLevel.Information, "Queue worker {Owner} started")]
    private static partial void LogStarted(ILogger logger, string owner);

    [LoggerMessage(2, LogLevel.Information, "Queue worker {Owner} stopped")]
    private static partial void LogStopped(ILogger logger, string owner);

    [LoggerMessage(3, LogLevel.Error, "Queue run failed; retrying in {BackoffSeconds} s")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, double backoffSeconds);

    [LoggerMessage(4, LogLevel.Debug, "Work item {Kind} {ItemId} ({Tenant}) done in {ElapsedMs:F0} ms")]
    private static partial void LogItemCompleted(ILogger logger, string kind, Guid itemId, string tenant, double elapsedMs);

    [LoggerMessage(5, LogLevel.Error, "Work item {Kind} {ItemId} ({Tenant}) failed for good after attempt {Attempt}: {Reason}")]
    private static partial void LogItemDead(ILogger logger, Exception? exception, string kind, Guid itemId, string tenant, int attempt, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Work item {Kind} {ItemId} ({Tenant}) attempt {Attempt} failed, retry at {RetryAt:O}: {Reason}")]
    private static partial void LogItemRetry(ILogger logger, string kind, Guid itemId, string tenant, int attempt, DateTimeOffset retryAt, string reason);
}

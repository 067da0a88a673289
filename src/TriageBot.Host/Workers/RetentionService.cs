using Microsoft.Extensions.Options;
using TriageBot.Engine.Ports;
using TriageBot.Host.Configuration;

namespace TriageBot.Host.Workers;

/// <summary>
/// Keeps the bookkeeping tables bounded: every <see cref="WorkerOptions.RetentionInterval"/> it forgets processed event
/// ids and finished queue items older than their retention windows. Requests, decisions and time entries are the
/// Leads' history and are never deleted here. Safe on several replicas at once (each delete is idempotent).
/// </summary>
internal sealed partial class RetentionService(
    IEventDeduplicator events,
    IWorkQueue queue,
    TimeProvider time,
    IOptions<WorkerOptions> options,
    ILogger<RetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            // A web-only replica: the process that runs the workers does this.
            return;
        }

        using var timer = new PeriodicTimer(settings.RetentionInterval, time);
        do
        {
            try
            {
                await PurgeOnceAsync(settings, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The next round tries again; nothing here is urgent.
                LogPurgeFailed(logger, ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    internal async Task<(int Events, int WorkItems)> PurgeOnceAsync(WorkerOptions settings, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var eventsPurged = await events.PurgeAsync(now - settings.EventRetention, ct).ConfigureAwait(false);
        var itemsPurged = await queue.PurgeAsync(now - settings.CompletedWorkRetention, now - settings.DeadWorkRetention, ct).ConfigureAwait(false);
        if (eventsPurged + itemsPurged > 0)
        {
            LogPurged(logger, eventsPurged, itemsPurged);
        }

        return (eventsPurged, itemsPurged);
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Retention: forgot {Events} processed event ids and {WorkItems} finished queue items")]
    private static partial void LogPurged(ILogger logger, int events, int workItems);

    [LoggerMessage(2, LogLevel.Warning, "Retention purge failed; retrying at the next interval")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}

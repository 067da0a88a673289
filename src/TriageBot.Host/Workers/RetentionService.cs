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
    ILogger<RetentionService> logger) : PeriodicWorker(time)
{
    // A web-only replica (Workers:Enabled=false) leaves this to the process that runs the workers.
    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Interval => options.Value.RetentionInterval;

    protected override Task RunPassAsync(CancellationToken ct) => PurgeOnceAsync(options.Value, ct);

    // The next round tries again; nothing here is urgent.
    protected override void OnPassFailed(Exception exception) => LogPurgeFailed(logger, exception);

    internal async Task<(int Events, int WorkItems)> PurgeOnceAsync(WorkerOptions settings, CancellationToken ct)
    {
        var now = Time.GetUtcNow();
        var eventsPurged = await events.PurgeAsync(now - settings.EventRetention, ct).ConfigureAwait(false);
        var itemsPurged = await queue.PurgeAsync(now - settings.CompletedWorkRetention, now - settings.DeadWorkRetention, ct).ConfigureAwait(false);
        if (eventsPurged + itemsPurged > 0)
        {
            LogPurged(logger, eventsPurged, itemsPurged);
        }

        return (eventsPurged, itemsPurged);
    }

    [LoggerMessage(1, LogLevel.Information, "Retention: forgot {Events} processed event ids and {WorkItems} finished queue items")]
    private static partial void LogPurged(ILogger logger, int events, int workItems);

    [LoggerMessage(2, LogLevel.Warning, "Retention purge failed; retrying at the next interval")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}

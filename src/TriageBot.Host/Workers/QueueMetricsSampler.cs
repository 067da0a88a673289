using Microsoft.Extensions.Options;
using TriageBot.Engine.Ports;
using TriageBot.Host.Configuration;
using TriageBot.Host.Observability;

namespace TriageBot.Host.Workers;

/// <summary>Samples queue depth and age for the metrics gauges (gauge callbacks must not query the database).</summary>
internal sealed partial class QueueMetricsSampler(
    IWorkQueue queue,
    TriageBotMetrics metrics,
    TimeProvider time,
    IOptions<WorkerOptions> options,
    ILogger<QueueMetricsSampler> logger) : PeriodicWorker(time)
{
    protected override TimeSpan Interval => options.Value.MetricsInterval;

    protected override async Task RunPassAsync(CancellationToken ct) =>
        metrics.SetQueue(await queue.GetStatsAsync(ct).ConfigureAwait(false), Time.GetUtcNow());

    protected override void OnPassFailed(Exception exception) => LogSampleFailed(logger, exception);

    [LoggerMessage(1, LogLevel.Warning, "Sampling the work queue for metrics failed")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception);
}

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
    ILogger<QueueMetricsSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.MetricsInterval, time);
        do
        {
            try
            {
                metrics.SetQueue(await queue.GetStatsAsync(stoppingToken).ConfigureAwait(false), time.GetUtcNow());
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogSampleFailed(logger, ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
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

    [LoggerMessage(1, LogLevel.Warning, "Sampling the work queue for metrics failed")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception);
}

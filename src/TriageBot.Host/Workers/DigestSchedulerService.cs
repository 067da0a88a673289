using Microsoft.Extensions.Options;
using TriageBot.Engine.Digest;
using TriageBot.Engine.Ports;
using TriageBot.Host.Configuration;
using TriageBot.Host.Observability;

namespace TriageBot.Host.Workers;

/// <summary>
/// Sends due weekly digests: once at start (catching up digests missed while down) and then every minute. Claims in the
/// store make each Lead's digest go out once per week however many replicas run this.
/// </summary>
internal sealed partial class DigestSchedulerService : PeriodicWorker
{
    private readonly DigestDispatcher _dispatcher;
    private readonly WorkerIdentity _identity;
    private readonly TriageBotMetrics _metrics;
    private readonly WorkerOptions _options;
    private readonly ILogger<DigestSchedulerService> _logger;
    private readonly CancellationTokenSource _hardStop = new();

    public DigestSchedulerService(
        DigestDispatcher dispatcher,
        WorkerIdentity identity,
        TriageBotMetrics metrics,
        TimeProvider time,
        IOptions<WorkerOptions> options,
        ILogger<DigestSchedulerService> logger)
        : base(time)
    {
        _dispatcher = dispatcher;
        _identity = identity;
        _metrics = metrics;
        _options = options.Value;
        _logger = logger;
        _dispatcher.DeliveryCompleted += OnDelivery;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _hardStop);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _dispatcher.DeliveryCompleted -= OnDelivery;
        _hardStop.Dispose();
        base.Dispose();
    }

    protected override bool Enabled => _options.Enabled; // false on a web-only replica

    protected override TimeSpan Interval => _options.DigestInterval;

    // The running pass finishes its current Lead on shutdown (hard stop only after ShutdownTimeout).
    protected override CancellationToken PassToken(CancellationToken stoppingToken) => _hardStop.Token;

    protected override async Task RunPassAsync(CancellationToken ct)
    {
        var sent = await _dispatcher.RunDueAsync(_identity.Owner, ct).ConfigureAwait(false);
        _metrics.DigestsSent(sent);
        if (sent > 0)
        {
            LogSent(_logger, sent);
        }
    }

    protected override void OnPassFailed(Exception exception)
    {
        _metrics.WorkerFailed("digest");
        LogRunFailed(_logger, exception);
    }

    private void OnDelivery(object? sender, DigestDeliveryEventArgs e)
    {
        if (e.Status == DigestDeliveryStatus.Failed)
        {
            LogDeliveryFailed(_logger, e.Error, e.LeadId, e.Tenant, e.IsoWeek, e.Detail);
        }
        else
        {
            LogDelivery(_logger, e.LeadId, e.Tenant, e.IsoWeek, e.Status, e.Detail);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Digest scheduler sent {Count} digest(s)")]
    private static partial void LogSent(ILogger logger, int count);

    [LoggerMessage(2, LogLevel.Error, "Digest scheduler run failed; next try in a minute")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);

    [LoggerMessage(3, LogLevel.Information, "Digest for {LeadId} ({Tenant}) week {IsoWeek}: {Status} {Detail}")]
    private static partial void LogDelivery(ILogger logger, string leadId, string tenant, string isoWeek, DigestDeliveryStatus status, string? detail);

    [LoggerMessage(4, LogLevel.Warning, "Digest for {LeadId} ({Tenant}) week {IsoWeek} failed and will be retried: {Detail}")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception? exception, string leadId, string tenant, string isoWeek, string? detail);
}

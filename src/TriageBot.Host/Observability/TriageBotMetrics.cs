using System.Diagnostics.Metrics;
using TriageBot.Engine.Ports;

namespace TriageBot.Host.Observability;

/// <summary>
/// The host's instruments on the shared "TriageBot" meter (the adapters add <c>triagebot.ack.duration</c> and
/// <c>triagebot.outbound.calls</c> to the same meter). Exported at <c>/metrics</c> in Prometheus format.
/// </summary>
public sealed class TriageBotMetrics
{
    /// <summary>The meter every TriageBot component uses.</summary>
    public const string MeterName = "TriageBot";

    private readonly Counter<long> _triaged;
    private readonly Counter<long> _actions;
    private readonly Counter<long> _digests;
    private readonly Counter<long> _corrections;
    private readonly Counter<long> _workItems;
    private readonly Counter<long> _workerFailures;
    private volatile QueueSample _queue = new(0, 0, 0);

    public TriageBotMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _triaged = meter.CreateCounter<long>("triagebot.requests.triaged", "{request}", "Requests triaged, by decision and platform.");
        _actions = meter.CreateCounter<long>("triagebot.requests.actions", "{action}", "Lead actions on decision cards (take, redirect, clarify, override, done), by platform.");
        _corrections = meter.CreateCounter<long>("triagebot.topics.corrected", "{correction}", "Topics the Leads corrected on decision cards (or picked after clarify), by the topic chosen.");
        _digests = meter.CreateCounter<long>("triagebot.digests.sent", "{digest}", "Weekly digests delivered by this instance.");
        _workItems = meter.CreateCounter<long>("triagebot.queue.processed", "{item}", "Queued work items processed by this instance.");
        _workerFailures = meter.CreateCounter<long>("triagebot.worker.failures", "{failure}", "Background loop failures (queue worker, digest scheduler), by worker.");
        meter.CreateObservableGauge("triagebot.queue.depth", () => (long)_queue.Pending, "{item}", "Work items waiting in the durable queue (sampled).");
        meter.CreateObservableGauge("triagebot.queue.dead", () => (long)_queue.Dead, "{item}", "Work items that exhausted their attempts (sampled).");
        meter.CreateObservableGauge("triagebot.queue.oldest_age", () => _queue.OldestAgeSeconds, "s", "Age of the oldest pending work item (sampled).");
    }

    /// <summary>Counts a triaged request.</summary>
    public void Triaged(string decision, Platform platform) => _triaged.Add(
        1,
        new KeyValuePair<string, object?>("decision", decision),
        new KeyValuePair<string, object?>("platform", PlatformTag(platform)));

    /// <summary>Counts an action a Lead took on a card, by the platform its request came from (as <see cref="Triaged"/>).</summary>
    public void Action(string action, Platform platform) => _actions.Add(
        1,
        new KeyValuePair<string, object?>("action", action),
        new KeyValuePair<string, object?>("platform", PlatformTag(platform)));

    /// <summary>Counts an action by the tenant's platform (time logged, which may be on no request).</summary>
    public void Action(string action, string tenant) => _actions.Add(
        1,
        new KeyValuePair<string, object?>("action", action),
        new KeyValuePair<string, object?>("platform", PlatformOfTenant(tenant)));

    /// <summary>Counts digests sent.</summary>
    public void TopicCorrected(string topicId) => _corrections.Add(1, new KeyValuePair<string, object?>("topic", topicId));

    public void DigestsSent(int count)
    {
        if (count > 0)
        {
            _digests.Add(count);
        }
    }

    /// <summary>Counts processed work items.</summary>
    public void WorkProcessed(int count)
    {
        if (count > 0)
        {
            _workItems.Add(count);
        }
    }

    /// <summary>Counts a background loop failure.</summary>
    public void WorkerFailed(string worker) => _workerFailures.Add(1, new KeyValuePair<string, object?>("worker", worker));

    /// <summary>Publishes the latest queue figures.</summary>
    public void SetQueue(QueueStats stats, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var age = stats.OldestPendingAt is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0;
        _queue = new QueueSample(stats.Pending, stats.Dead, age);
    }

    /// <summary>The latest queue figures (for tests and the playground).</summary>
    public (int Pending, int Dead, double OldestAgeSeconds) Queue => (_queue.Pending, _queue.Dead, _queue.OldestAgeSeconds);

    internal static string PlatformTag(Platform platform) => platform switch
    {
        Platform.Slack => "slack",
        Platform.Teams => "teams",
        Platform.Api => "api",
        _ => "local",
    };

    internal static string PlatformOfTenant(string tenant) =>
        TenantKey.TryParse(tenant, out var key) && key.Platform is { } platform ? PlatformTag(platform) : "local";

    private sealed record QueueSample(int Pending, int Dead, double OldestAgeSeconds);
}

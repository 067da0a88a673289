using System.Diagnostics.Metrics;

namespace TriageBot.Slack;

/// <summary>
/// The adapter's instruments on the shared "TriageBot" meter. <c>triagebot.requests.triaged</c> (platform, decision) is counted once,
/// by the host's use-case decorator, so the adapter does not count it again.
/// </summary>
public sealed class SlackMetrics
{
    /// <summary>Meter name the host exports.</summary>
    public const string MeterName = "TriageBot";

    private static readonly KeyValuePair<string, object?> PlatformTag = new("platform", "slack");
    private readonly Histogram<double> _ack;
    private readonly Counter<long> _outbound;

    /// <summary>Creates the instruments from the host's meter factory.</summary>
    public SlackMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _ack = meter.CreateHistogram<double>("triagebot.ack.duration", "ms", "Time from receiving a chat request to acknowledging it.");
        _outbound = meter.CreateCounter<long>("triagebot.outbound.calls", description: "Calls to chat platform APIs.");
    }

    /// <summary>Records an ack.</summary>
    public void Ack(TimeSpan elapsed) => _ack.Record(elapsed.TotalMilliseconds, PlatformTag);

    /// <summary>Records an outbound Web API call.</summary>
    public void Outbound(string method, string status) =>
        _outbound.Add(1, PlatformTag, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("status", status));
}

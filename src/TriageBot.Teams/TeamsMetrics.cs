using System.Diagnostics.Metrics;

namespace TriageBot.Teams;

/// <summary>The adapter's metrics on the shared "TriageBot" meter.</summary>
public sealed class TeamsMetrics
{
    /// <summary>Meter name shared by all TriageBot components.</summary>
    public const string MeterName = "TriageBot";

    private readonly Histogram<double> _ack;
    private readonly Counter<long> _outbound;

    public TeamsMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _ack = meter.CreateHistogram<double>("triagebot.ack.duration", "ms", "Time from receiving a platform request to answering it.");
        _outbound = meter.CreateCounter<long>("triagebot.outbound.calls", description: "Calls to platform APIs by method and status.");
    }

    /// <summary>Records how long answering an activity took.</summary>
    public void Ack(double milliseconds) => _ack.Record(milliseconds, new KeyValuePair<string, object?>("platform", "teams"));

    /// <summary>Counts a connector call.</summary>
    public void OutboundCall(string method, string status) => _outbound.Add(
        1,
        new KeyValuePair<string, object?>("platform", "teams"),
        new KeyValuePair<string, object?>("method", method),
        new KeyValuePair<string, object?>("status", status));
}

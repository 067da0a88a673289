using TriageBot.Engine.Ports;

namespace TriageBot.Engine.Digest;

/// <summary>Hours of one help kind.</summary>
/// <param name="Kind">Help kind.</param>
/// <param name="Hours">Logged hours.</param>
public sealed record KindHours(HelpKind Kind, double Hours);

/// <summary>Hours and requests on one topic.</summary>
/// <param name="TopicId">Topic id ("(none)" for time not tied to a topic).</param>
/// <param name="TopicName">Display name.</param>
/// <param name="Hours">Logged hours.</param>
/// <param name="Requests">Requests received on it this week.</param>
public sealed record TopicHours(string TopicId, string TopicName, double Hours, int Requests);

/// <summary>A requester and how many requests they sent this week.</summary>
/// <param name="RequesterId">Org id or outsider id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Requests">Requests this week.</param>
/// <param name="Hours">Hours the Lead logged on their requests.</param>
public sealed record RequesterCount(string RequesterId, string Name, int Requests, double Hours);

/// <summary>A topic that keeps coming back: a write-up or group session candidate.</summary>
/// <param name="TopicId">Topic id.</param>
/// <param name="TopicName">Display name.</param>
/// <param name="CountInWindow">Requests on it in the repeat window (4 weeks).</param>
/// <param name="Suggestion">What to do about it.</param>
public sealed record RepeatedTopic(string TopicId, string TopicName, int CountInWindow, string Suggestion);

/// <summary>Someone the Lead redirected requests to, and how often.</summary>
/// <param name="OwnerId">Person or team id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Count">Redirects this week.</param>
public sealed record RedirectTarget(string OwnerId, string Name, int Count);

/// <summary>Logged hours on one local day, split by help kind (for the stacked chart).</summary>
/// <param name="Day">Local date in the Lead's timezone.</param>
/// <param name="Teach">Teaching hours.</param>
/// <param name="Do">Doing hours.</param>
/// <param name="Review">Reviewing hours.</param>
public sealed record DailyHours(DateOnly Day, double Teach, double Do, double Review)
{
    /// <summary>Total hours that day.</summary>
    public double Total => Teach + Do + Review;
}

/// <summary>One week's headline figures, for the trend.</summary>
/// <param name="IsoWeek">ISO week id, e.g. "2026-W48".</param>
/// <param name="Hours">Logged help hours.</param>
/// <param name="Received">Requests received.</param>
/// <param name="Taken">Requests taken.</param>
public sealed record WeekTrend(string IsoWeek, double Hours, int Received, int Taken);

/// <summary>
/// A Lead's weekly help digest, chat-neutral: both chat adapters, the playground, the CLI's text/CSV/JSON and the chart render this model.
/// </summary>
/// <param name="Tenant">Tenant key.</param>
/// <param name="LeadId">Lead's org id.</param>
/// <param name="LeadName">Lead's display name.</param>
/// <param name="IsoWeek">ISO week id, e.g. "2026-W48".</param>
/// <param name="WeekStart">Monday of the week (local date).</param>
/// <param name="TimeZone">The Lead's IANA timezone used for the week boundaries.</param>
/// <param name="HoursSpent">Logged help hours this week.</param>
/// <param name="EstimatedHours">Hours estimated at Take for requests taken this week.</param>
/// <param name="BudgetHours">Weekly help budget.</param>
/// <param name="ShareOfWeek">HoursSpent / 40, as a fraction.</param>
/// <param name="Received">Requests received this week.</param>
/// <param name="Taken">Taken (including done).</param>
/// <param name="Redirected">Redirected.</param>
/// <param name="Clarified">Clarified.</param>
/// <param name="HoursByKind">Hours per help kind.</param>
/// <param name="HoursByTopic">Hours and requests per topic, most hours first.</param>
/// <param name="TopRequesters">Top requesters, most requests first (at most 5).</param>
/// <param name="RepeatedTopics">Write-up candidates.</param>
/// <param name="RedirectedTo">Who the Lead redirected to, most first.</param>
/// <param name="HoursGuided">Estimated hours of requesters' work guided by the help (leverage numerator).</param>
/// <param name="Leverage">HoursGuided / HoursSpent (0 when no hours were spent).</param>
/// <param name="Daily">Seven local days, Monday first.</param>
/// <param name="Trend">The previous four weeks, oldest first.</param>
/// <param name="Highlights">Short sentences summarising the week (over budget, trend, write-up candidates…).</param>
public sealed record WeeklyDigest(
    string Tenant,
    string LeadId,
    string LeadName,
    string IsoWeek,
    DateOnly WeekStart,
    string TimeZone,
    double HoursSpent,
    double EstimatedHours,
    double BudgetHours,
    double ShareOfWeek,
    int Received,
    int Taken,
    int Redirected,
    int Clarified,
    IReadOnlyList<KindHours> HoursByKind,
    IReadOnlyList<TopicHours> HoursByTopic,
    IReadOnlyList<RequesterCount> TopRequesters,
    IReadOnlyList<RepeatedTopic> RepeatedTopics,
    IReadOnlyList<RedirectTarget> RedirectedTo,
    double HoursGuided,
    double Leverage,
    IReadOnlyList<DailyHours> Daily,
    IReadOnlyList<WeekTrend> Trend,
    IReadOnlyList<string> Highlights)
{
    /// <summary>Requests of the week that TriageBot could not place in a topic when they arrived (it answered clarify).</summary>
    public int NoTopicAtTriage { get; init; }

    /// <summary>Requests of the week whose topic the Lead corrected on the card (each one teaches the bot).</summary>
    public int TopicCorrections { get; init; }
}

/// <summary>Writes the digest as a CSV table (for spreadsheets). Implemented outside the engine.</summary>
public interface IDigestCsvWriter
{
    /// <summary>The digest as CSV text (RFC 4180, CRLF line endings, no byte-order mark).</summary>
    string Write(WeeklyDigest digest);
}

/// <summary>Renders the digest chart (hours per day stacked by help kind, with the budget line) as PNG. Implemented outside the engine.</summary>
public interface IDigestChartRenderer
{
    /// <summary>Renders the chart as PNG bytes.</summary>
    byte[] RenderPng(WeeklyDigest digest);
}

/// <summary>A digest ready to deliver: the model, its plain-text rendering and the chart.</summary>
/// <param name="Digest">The model.</param>
/// <param name="PlainText">Plain-text rendering (fallback text, notifications).</param>
/// <param name="ChartPng">The chart as PNG, or null when it could not be rendered.</param>
public sealed record DigestMessage(WeeklyDigest Digest, string PlainText, byte[]? ChartPng);

/// <summary>Outcome of one delivery attempt.</summary>
public enum DigestSendResult
{
    /// <summary>Delivered.</summary>
    Sent,
    /// <summary>The user blocked or removed the app; do not retry this week.</summary>
    Blocked,
    /// <summary>This sender cannot reach the Lead (no installation, no mapping, no reference).</summary>
    NotReachable,
}

/// <summary>Delivers digests on one platform. Implemented by each chat adapter; the scheduler picks the sender by tenant.</summary>
public interface IDigestSender
{
    /// <summary>The platform this sender serves; tenants are matched by their <see cref="Ports.Platform"/>.</summary>
    Platform Platform { get; }

    /// <summary>Sends the digest to the Lead in the tenant. Throws on transient failures (the caller retries later).</summary>
    Task<DigestSendResult> SendAsync(string tenant, Org.Person lead, DigestMessage message, CancellationToken ct = default);
}

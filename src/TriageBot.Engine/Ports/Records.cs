using TriageBot.Engine.Decisions;

namespace TriageBot.Engine.Ports;

/// <summary>Where a request came from.</summary>
public enum Platform
{
    /// <summary>Slack.</summary>
    Slack,
    /// <summary>Microsoft Teams.</summary>
    Teams,
    /// <summary>The local playground page or the CLI.</summary>
    Local,
    /// <summary>The public HTTP API (<c>/api/v1</c>), used by tools that are not chat apps.</summary>
    Api,
}

/// <summary>The final outcome of a request, as the Lead settled it.</summary>
public enum RequestStatus
{
    /// <summary>Triaged, no action yet.</summary>
    Open,
    /// <summary>The Lead took it.</summary>
    Taken,
    /// <summary>Redirected to a better owner.</summary>
    Redirected,
    /// <summary>The requester was asked for details.</summary>
    Clarified,
    /// <summary>Dropped without action.</summary>
    Dropped,
    /// <summary>Taken and finished.</summary>
    Done,
}

/// <summary>Kind of help a time entry records.</summary>
public enum HelpKind
{
    /// <summary>Teaching.</summary>
    Teach,
    /// <summary>Doing it.</summary>
    Do,
    /// <summary>Reviewing or deciding.</summary>
    Review,
}

/// <summary>
/// A stored help request. Every record belongs to a tenant (a Slack workspace/enterprise, a Teams tenant, or "local"),
/// and every store query is scoped by it.
/// </summary>
/// <param name="Id">Request id.</param>
/// <param name="Tenant">Tenant key, e.g. "slack:T123", "teams:&lt;tenant guid&gt;", "local".</param>
/// <param name="Platform">Where it came from.</param>
/// <param name="Channel">Channel or conversation id where the request was posted (may be empty).</param>
/// <param name="MessageRef">Platform reference to the original message (Slack ts, Teams activity id), for thread replies.</param>
/// <param name="MessageLink">Permalink to the original message, if known.</param>
/// <param name="RequesterId">Org person id, or the platform user id for outsiders.</param>
/// <param name="RequesterName">Display name of the requester.</param>
/// <param name="LeadId">Org person id of the Lead.</param>
/// <param name="Text">The request text.</param>
/// <param name="ReceivedAt">When it was received.</param>
/// <param name="TopicId">Top topic id, null when none matched.</param>
/// <param name="Status">Current outcome.</param>
/// <param name="OwnerType">When redirected: person or team.</param>
/// <param name="OwnerId">When redirected: the owner's id.</param>
/// <param name="UpdatedAt">Last change.</param>
public sealed record RequestRecord(
    Guid Id,
    string Tenant,
    Platform Platform,
    string Channel,
    string? MessageRef,
    string? MessageLink,
    string RequesterId,
    string RequesterName,
    string LeadId,
    string Text,
    DateTimeOffset ReceivedAt,
    string? TopicId,
    RequestStatus Status,
    OwnerType? OwnerType,
    string? OwnerId,
    DateTimeOffset UpdatedAt);

/// <summary>One version of the decision on a request. Version 1 is the bot's; later versions follow the Lead's overrides. All are kept.</summary>
/// <param name="RequestId">The request.</param>
/// <param name="Version">1, 2, 3…</param>
/// <param name="Decision">The decision.</param>
/// <param name="Overrides">The answers the Lead had overridden for this version.</param>
/// <param name="CreatedAt">When it was made.</param>
public sealed record DecisionRecord(Guid RequestId, int Version, Decision Decision, IReadOnlyDictionary<Question, AnswerValue> Overrides, DateTimeOffset CreatedAt);

/// <summary>Time a Lead spent (or estimates to spend) on help.</summary>
/// <param name="Id">Entry id.</param>
/// <param name="Tenant">Tenant key.</param>
/// <param name="LeadId">Whose time.</param>
/// <param name="RequestId">Which request, if any.</param>
/// <param name="Minutes">Minutes (positive).</param>
/// <param name="Kind">Teach, do or review.</param>
/// <param name="IsEstimate">True for an estimate given at Take; false for logged time.</param>
/// <param name="TopicId">Topic of the request, if known.</param>
/// <param name="RequesterId">Requester of the request, if known.</param>
/// <param name="At">When the time was spent (or logged).</param>
/// <param name="Note">Free note.</param>
public sealed record TimeEntry(
    Guid Id,
    string Tenant,
    string LeadId,
    Guid? RequestId,
    int Minutes,
    HelpKind Kind,
    bool IsEstimate,
    string? TopicId,
    string? RequesterId,
    DateTimeOffset At,
    string? Note);

/// <summary>A Lead's own settings; each null field falls back to the org file, then the configured default.</summary>
/// <param name="Tenant">Tenant key.</param>
/// <param name="LeadId">Lead's org id.</param>
/// <param name="BudgetHours">Weekly help budget.</param>
/// <param name="DigestDay">Digest day.</param>
/// <param name="DigestTime">Digest local time.</param>
/// <param name="TimeZone">IANA timezone.</param>
public sealed record LeadSettings(string Tenant, string LeadId, double? BudgetHours, DayOfWeek? DigestDay, TimeOnly? DigestTime, string? TimeZone);

/// <summary>An installation of the app in a Slack workspace/enterprise or a Teams tenant.</summary>
/// <param name="Tenant">Tenant key.</param>
/// <param name="Platform">Platform.</param>
/// <param name="BotUserId">The bot's own user id there (to ignore its own messages).</param>
/// <param name="ProtectedToken">The bot token, already encrypted by the adapter (the store never sees it in clear).</param>
/// <param name="InstalledBy">User who installed it.</param>
/// <param name="InstalledAt">When.</param>
/// <param name="MetadataJson">Adapter-specific extra data (scopes, enterprise id…), JSON.</param>
public sealed record Installation(string Tenant, Platform Platform, string? BotUserId, string? ProtectedToken, string? InstalledBy, DateTimeOffset InstalledAt, string? MetadataJson);

/// <summary>A Teams conversation reference (or any platform's DM address) for proactive messages to a user.</summary>
/// <param name="Tenant">Tenant key.</param>
/// <param name="UserKey">Platform user id (Teams: AAD object id or 29:… id).</param>
/// <param name="PersonId">Org person id, if mapped.</param>
/// <param name="ReferenceJson">Adapter-specific JSON (serviceUrl, conversation, bot, user, channelId).</param>
/// <param name="Blocked">True once the user blocked or removed the app (stop sending, keep the data).</param>
/// <param name="UpdatedAt">Last change.</param>
public sealed record ConversationReference(string Tenant, string UserKey, string? PersonId, string ReferenceJson, bool Blocked, DateTimeOffset UpdatedAt);

/// <summary>A unit of slow work acknowledged to a platform and finished later, durably.</summary>
/// <param name="Id">Item id.</param>
/// <param name="Tenant">Tenant key.</param>
/// <param name="Kind">Handler key, e.g. "slack.post-thread-reply", "teams.send", "digest.deliver".</param>
/// <param name="PayloadJson">Handler-specific JSON.</param>
/// <param name="Attempts">Attempts made so far.</param>
/// <param name="NotBefore">Not to be run before this moment.</param>
/// <param name="CreatedAt">When enqueued.</param>
/// <param name="DedupKey">Optional key: enqueuing the same key twice for a tenant stores one item.</param>
public sealed record WorkItem(Guid Id, string Tenant, string Kind, string PayloadJson, int Attempts, DateTimeOffset NotBefore, DateTimeOffset CreatedAt, string? DedupKey = null)
{
    /// <summary>
    /// How many times the item was claimed before this claim (0 on its first run). More claims than
    /// <see cref="Attempts"/> means an earlier run ended without recording an outcome (its worker died or was stopped, or
    /// its lease ran out): whatever it was sending may or may not have gone out, so a handler whose effect is not
    /// idempotent checks before doing it again.
    /// </summary>
    public int PreviousClaims { get; init; }

    /// <summary>True when an earlier run of this item may have done (part of) its effect: it was claimed before.</summary>
    public bool MayHaveRunBefore => PreviousClaims > 0;
}

/// <summary>Queue depth and the age of its oldest ready item, for metrics and readiness.</summary>
/// <param name="Pending">Items not yet completed (including dead ones excluded).</param>
/// <param name="OldestPendingAt">Creation time of the oldest pending item.</param>
/// <param name="Dead">Items that exhausted their attempts.</param>
public sealed record QueueStats(int Pending, DateTimeOffset? OldestPendingAt, int Dead);

/// <summary>Status of a digest delivery for one Lead and ISO week.</summary>
public enum DigestDeliveryStatus
{
    /// <summary>Claimed by an instance, being sent.</summary>
    Claimed,
    /// <summary>Sent.</summary>
    Sent,
    /// <summary>Could not be sent (e.g. the user blocked the bot); not retried.</summary>
    Skipped,
    /// <summary>Failed; may be retried.</summary>
    Failed,
}

using TriageBot.Engine.Decisions;

namespace TriageBot.Engine.Ports;

/// <summary>Stores requests and every version of their decisions. All methods are scoped by tenant.</summary>
public interface IRequestStore
{
    /// <summary>Stores a new request with its first decision (version 1), atomically.</summary>
    Task AddAsync(RequestRecord request, DecisionRecord decision, CancellationToken ct = default);

    /// <summary>Gets a request, or null when it does not exist in this tenant.</summary>
    Task<RequestRecord?> GetAsync(string tenant, Guid requestId, CancellationToken ct = default);

    /// <summary>The latest decision version of a request, or null.</summary>
    Task<DecisionRecord?> GetLatestDecisionAsync(string tenant, Guid requestId, CancellationToken ct = default);

    /// <summary>All decision versions of a request, oldest first.</summary>
    Task<IReadOnlyList<DecisionRecord>> GetDecisionsAsync(string tenant, Guid requestId, CancellationToken ct = default);

    /// <summary>Adds a new decision version (after an override). The version number must be the next one; a clash throws.</summary>
    Task AddDecisionAsync(string tenant, DecisionRecord decision, CancellationToken ct = default);

    /// <summary>Sets the outcome of a request (status, owner).</summary>
    Task UpdateStatusAsync(string tenant, Guid requestId, RequestStatus status, OwnerType? ownerType, string? ownerId, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>Requests sent to a Lead received in [fromUtc, toUtc), oldest first.</summary>
    Task<IReadOnlyList<RequestRecord>> ListForLeadAsync(string tenant, string leadId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken ct = default);

    /// <summary>A Lead's requests with the given status, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<RequestRecord>> ListByStatusAsync(string tenant, string leadId, RequestStatus status, int limit, CancellationToken ct = default);

    /// <summary>
    /// How many requests on <paramref name="topicId"/> reached the Lead in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>),
    /// counting no further than <paramref name="atMost"/> (so the cost stays bounded however long the history).
    /// </summary>
    Task<int> CountTopicForLeadAsync(string tenant, string leadId, string topicId, DateTimeOffset fromUtc, DateTimeOffset toUtc, int atMost, CancellationToken ct = default);

    /// <summary>Redirects per person owner since <paramref name="sinceUtc"/> (for owner tie-breaks).</summary>
    Task<IReadOnlyDictionary<string, int>> CountRedirectsByOwnerAsync(string tenant, DateTimeOffset sinceUtc, CancellationToken ct = default);

    /// <summary>
    /// The tenants in which at least one request was sent to the Lead, in ordinal order (the one read across tenants:
    /// tools such as the CLI use it to find where a Lead's data is when no tenant was named).
    /// </summary>
    Task<IReadOnlyList<string>> ListTenantsForLeadAsync(string leadId, CancellationToken ct = default);
}

/// <summary>The time ledger: help time entries, scoped by tenant.</summary>
public interface ITimeLedger
{
    /// <summary>Adds an entry.</summary>
    Task AddAsync(TimeEntry entry, CancellationToken ct = default);

    /// <summary>A Lead's entries with <c>At</c> in [fromUtc, toUtc), oldest first.</summary>
    Task<IReadOnlyList<TimeEntry>> ListForLeadAsync(string tenant, string leadId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken ct = default);

    /// <summary>Logged (non-estimate) minutes per Lead in [fromUtc, toUtc).</summary>
    Task<IReadOnlyDictionary<string, int>> LoggedMinutesByLeadAsync(string tenant, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken ct = default);

    /// <summary>The tenants in which the Lead has at least one time entry (logged or estimate), in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListTenantsForLeadAsync(string leadId, CancellationToken ct = default);
}

/// <summary>Remembers processed platform event ids so retries and duplicates are processed once.</summary>
public interface IEventDeduplicator
{
    /// <summary>Records the event as processed. Returns true the first time, false for a duplicate (atomic across processes).</summary>
    Task<bool> TryMarkProcessedAsync(string tenant, string eventId, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>
    /// Claims an event for processing until <paramref name="leaseUntil"/> (atomic across processes). The caller that gets
    /// <see cref="EventClaim.Claimed"/> processes it, then calls <see cref="CompleteAsync"/>, or <see cref="ReleaseAsync"/>
    /// when it failed so a retry can process it. A claim whose lease ran out without completing (its process died) can be
    /// claimed again, so an event is never lost to the deduplicator.
    /// </summary>
    Task<EventClaim> TryClaimAsync(string tenant, string eventId, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct = default);

    /// <summary>
    /// Marks a claimed event processed: every later claim gets <see cref="EventClaim.Done"/>. Only the claim made with
    /// <paramref name="leaseUntil"/> is completed: if its lease ran out and another delivery took the event over, that
    /// delivery's claim is left alone.
    /// </summary>
    Task CompleteAsync(string tenant, string eventId, DateTimeOffset leaseUntil, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>Gives up the unfinished claim made with <paramref name="leaseUntil"/> so the next delivery of the event is processed.</summary>
    Task ReleaseAsync(string tenant, string eventId, DateTimeOffset leaseUntil, CancellationToken ct = default);

    /// <summary>Forgets ids older than <paramref name="olderThanUtc"/>.</summary>
    Task<int> PurgeAsync(DateTimeOffset olderThanUtc, CancellationToken ct = default);
}

/// <summary>The outcome of <see cref="IEventDeduplicator.TryClaimAsync"/>.</summary>
public enum EventClaim
{
    /// <summary>This caller processes the event.</summary>
    Claimed,

    /// <summary>Another claim is processing it and its lease is still running.</summary>
    InProgress,

    /// <summary>Already processed: a duplicate.</summary>
    Done,
}

/// <summary>A durable work queue in the store: slow work acknowledged to a platform is finished even if the process dies.</summary>
public interface IWorkQueue
{
    /// <summary>Enqueues an item. With a <see cref="WorkItem.DedupKey"/> already present for the tenant, does nothing and returns false.</summary>
    Task<bool> EnqueueAsync(WorkItem item, CancellationToken ct = default);

    /// <summary>Claims up to <paramref name="max"/> ready items for <paramref name="owner"/> until <paramref name="leaseUntil"/>; expired leases are claimable again.</summary>
    Task<IReadOnlyList<WorkItem>> ClaimAsync(string owner, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct = default);

    /// <summary>
    /// Extends the leases of <paramref name="ids"/> held by <paramref name="owner"/> to <paramref name="leaseUntil"/> (the
    /// heartbeat of a live worker). Items no longer leased to the owner (finished, or taken over after the lease ran out)
    /// are left alone. Returns how many leases were extended.
    /// </summary>
    Task<int> RenewAsync(string owner, IReadOnlyCollection<Guid> ids, DateTimeOffset leaseUntil, CancellationToken ct = default);

    /// <summary>
    /// Ends every lease held by <paramref name="owner"/> now: a restarted worker with the same identity gives back what its
    /// previous life was running, so those items are retried at once instead of after their leases run out. Returns the count.
    /// </summary>
    Task<int> ReleaseAsync(string owner, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Marks an item done (removes it from the pending set).</summary>
    Task CompleteAsync(Guid id, CancellationToken ct = default);

    /// <summary>Records a failed attempt: retried at <paramref name="retryAt"/>, or dead when <paramref name="dead"/>.</summary>
    Task FailAsync(Guid id, string error, DateTimeOffset retryAt, bool dead, CancellationToken ct = default);

    /// <summary>Depth and age figures.</summary>
    Task<QueueStats> GetStatsAsync(CancellationToken ct = default);

    /// <summary>
    /// Deletes finished items: done ones last updated before <paramref name="doneBefore"/> (their dedup keys become free
    /// again) and dead ones before <paramref name="deadBefore"/>. Pending items are never touched. Returns the count.
    /// </summary>
    Task<int> PurgeAsync(DateTimeOffset doneBefore, DateTimeOffset deadBefore, CancellationToken ct = default);
}

/// <summary>App installations per tenant (tokens arrive already encrypted).</summary>
public interface IInstallationStore
{
    /// <summary>Inserts or replaces the installation for its tenant.</summary>
    Task SaveAsync(Installation installation, CancellationToken ct = default);

    /// <summary>Gets the installation of a tenant, or null.</summary>
    Task<Installation?> GetAsync(string tenant, CancellationToken ct = default);

    /// <summary>Removes a tenant's installation (uninstall, tokens revoked).</summary>
    Task DeleteAsync(string tenant, CancellationToken ct = default);

    /// <summary>All installations (for the digest scheduler).</summary>
    Task<IReadOnlyList<Installation>> ListAsync(CancellationToken ct = default);
}

/// <summary>Conversation references for proactive messages.</summary>
public interface IConversationReferenceStore
{
    /// <summary>Inserts or replaces the reference for (tenant, user). Saving clears <c>Blocked</c>.</summary>
    Task SaveAsync(ConversationReference reference, CancellationToken ct = default);

    /// <summary>Gets a reference by platform user key.</summary>
    Task<ConversationReference?> GetAsync(string tenant, string userKey, CancellationToken ct = default);

    /// <summary>Gets a reference by org person id.</summary>
    Task<ConversationReference?> FindByPersonAsync(string tenant, string personId, CancellationToken ct = default);

    /// <summary>Marks a user as having blocked or removed the app.</summary>
    Task MarkBlockedAsync(string tenant, string userKey, DateTimeOffset at, CancellationToken ct = default);
}

/// <summary>Leads' own settings that override the org file.</summary>
public interface ILeadSettingsStore
{
    /// <summary>Gets a Lead's settings, or null.</summary>
    Task<LeadSettings?> GetAsync(string tenant, string leadId, CancellationToken ct = default);

    /// <summary>Inserts or replaces a Lead's settings.</summary>
    Task SaveAsync(LeadSettings settings, CancellationToken ct = default);
}

/// <summary>Digest deliveries: claims make each Lead's digest go out exactly once per ISO week, across instances.</summary>
public interface IDigestDeliveryStore
{
    /// <summary>
    /// Claims the delivery of (tenant, lead, week) for <paramref name="owner"/>. Returns true for exactly one caller
    /// across all processes; a claim whose lease expired without completion can be claimed again.
    /// </summary>
    Task<bool> TryClaimAsync(string tenant, string leadId, string isoWeek, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct = default);

    /// <summary>Records the outcome of a claimed delivery.</summary>
    Task CompleteAsync(string tenant, string leadId, string isoWeek, DigestDeliveryStatus status, string? detail, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>Status of a delivery, or null when never claimed.</summary>
    Task<DigestDeliveryStatus?> GetStatusAsync(string tenant, string leadId, string isoWeek, CancellationToken ct = default);

    /// <summary>Tenants that have seen any activity (requests, time, installations), for the scheduler.</summary>
    Task<IReadOnlyList<string>> ListActiveTenantsAsync(CancellationToken ct = default);
}

/// <summary>Applies the schema migrations and reports readiness.</summary>
public interface IStorageMigrator
{
    /// <summary>Applies pending migrations; safe to run twice and from several processes at once. Returns how many were applied.</summary>
    Task<int> MigrateAsync(CancellationToken ct = default);

    /// <summary>True when the database is reachable and every migration is applied.</summary>
    Task<bool> IsReadyAsync(CancellationToken ct = default);
}

using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ports;

namespace TriageBot.Cli;

/// <summary>
/// The stores of a dry run when there is no database yet: every read is empty (no hours, no history, no settings) and a
/// write is a bug (a dry run never creates the database), so it throws.
/// </summary>
internal sealed class NoStore : IRequestStore, ITimeLedger, ILeadSettingsStore
{
    public static NoStore Instance { get; } = new();

    private NoStore()
    {
    }

    Task IRequestStore.AddAsync(RequestRecord request, DecisionRecord decision, CancellationToken ct) => throw Write();

    Task ITimeLedger.AddAsync(TimeEntry entry, CancellationToken ct) => throw Write();

    public Task AddDecisionAsync(string tenant, DecisionRecord decision, CancellationToken ct = default) => throw Write();

    public Task UpdateStatusAsync(string tenant, Guid requestId, RequestStatus status, OwnerType? ownerType, string? ownerId, DateTimeOffset at, CancellationToken ct = default) =>
        throw Write();

    public Task SaveAsync(LeadSettings settings, CancellationToken ct = default) => throw Write();

    Task<RequestRecord?> IRequestStore.GetAsync(string tenant, Guid requestId, CancellationToken ct) => Task.FromResult<RequestRecord?>(null);

    Task<LeadSettings?> ILeadSettingsStore.GetAsync(string tenant, string leadId, CancellationToken ct) => Task.FromResult<LeadSettings?>(null);

    public Task<DecisionRecord?> GetLatestDecisionAsync(string tenant, Guid requestId, CancellationToken ct = default) => Task.FromResult<DecisionRecord?>(null);

    public Task<IReadOnlyList<DecisionRecord>> GetDecisionsAsync(string tenant, Guid requestId, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<DecisionRecord>>([]);

    Task<IReadOnlyList<RequestRecord>> IRequestStore.ListForLeadAsync(string tenant, string leadId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<RequestRecord>>([]);

    Task<IReadOnlyList<TimeEntry>> ITimeLedger.ListForLeadAsync(string tenant, string leadId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<TimeEntry>>([]);

    public Task<IReadOnlyList<RequestRecord>> ListByStatusAsync(string tenant, string leadId, RequestStatus status, int limit, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<RequestRecord>>([]);

    public Task<int> CountTopicForLeadAsync(string tenant, string leadId, string topicId, DateTimeOffset fromUtc, DateTimeOffset toUtc, int atMost, CancellationToken ct = default) =>
        Task.FromResult(0);

    public Task<IReadOnlyDictionary<string, int>> CountRedirectsByOwnerAsync(string tenant, DateTimeOffset sinceUtc, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyDictionary<string, int>>(new Dictionary<string, int>(StringComparer.Ordinal));

    public Task<IReadOnlyDictionary<string, int>> LoggedMinutesByLeadAsync(string tenant, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyDictionary<string, int>>(new Dictionary<string, int>(StringComparer.Ordinal));

    Task<IReadOnlyList<string>> IRequestStore.ListTenantsForLeadAsync(string leadId, CancellationToken ct) => Task.FromResult<IReadOnlyList<string>>([]);

    Task<IReadOnlyList<string>> ITimeLedger.ListTenantsForLeadAsync(string leadId, CancellationToken ct) => Task.FromResult<IReadOnlyList<string>>([]);

    private static InvalidOperationException Write() => new("a dry run without a database wrote to the store");
}

/// <summary>A clock stopped at one instant: the moment a dry run is evaluated at (<c>--at</c>).</summary>
internal sealed class StoppedClock(DateTimeOffset at) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => at;
}

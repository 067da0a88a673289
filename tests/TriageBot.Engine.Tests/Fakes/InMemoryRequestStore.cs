using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ports;

namespace TriageBot.Engine.Tests.Fakes;

/// <summary>A stateful in-memory <see cref="IRequestStore"/>, faithful to the port's documentation (tenant scoping, version clashes).</summary>
public sealed class InMemoryRequestStore : IRequestStore
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Tenant, Guid Id), RequestRecord> _requests = [];
    private readonly Dictionary<(string Tenant, Guid Id), List<DecisionRecord>> _decisions = [];

    /// <summary>Runs before each <see cref="AddDecisionAsync"/> (outside the lock): tests use it to simulate a concurrent writer.</summary>
    public Func<DecisionRecord, Task>? BeforeAddDecision { get; set; }

    public IReadOnlyList<RequestRecord> All
    {
        get
        {
            lock (_gate)
            {
                return _requests.Values.ToList();
            }
        }
    }

    /// <summary>Seeds a request directly (tests of history), with an optional decision.</summary>
    public void Seed(RequestRecord request, DecisionRecord? decision = null)
    {
        lock (_gate)
        {
            _requests[(request.Tenant, request.Id)] = request;
            _decisions[(request.Tenant, request.Id)] = decision is null ? [] : [decision];
        }
    }

    public Task AddAsync(RequestRecord request, DecisionRecord decision, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (decision.Version != 1 || decision.RequestId != request.Id)
            {
                throw new InvalidOperationException("The first decision must be version 1 of the same request.");
            }

            if (!_requests.TryAdd((request.Tenant, request.Id), request))
            {
                throw new InvalidOperationException("Duplicate request id.");
            }

            _decisions[(request.Tenant, request.Id)] = [decision];
        }

        return Task.CompletedTask;
    }

    public Task<RequestRecord?> GetAsync(string tenant, Guid requestId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_requests.GetValueOrDefault((tenant, requestId)));
        }
    }

    public Task<DecisionRecord?> GetLatestDecisionAsync(string tenant, Guid requestId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_decisions.TryGetValue((tenant, requestId), out var list) && list.Count > 0 ? list[^1] : null);
        }
    }

    public Task<IReadOnlyList<DecisionRecord>> GetDecisionsAsync(string tenant, Guid requestId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            IReadOnlyList<DecisionRecord> result = _decisions.TryGetValue((tenant, requestId), out var list) ? list.ToList() : [];
            return Task.FromResult(result);
        }
    }

    public async Task AddDecisionAsync(string tenant, DecisionRecord decision, CancellationToken ct = default)
    {
        if (BeforeAddDecision is { } hook)
        {
            await hook(decision);
        }

        lock (_gate)
        {
            if (!_decisions.TryGetValue((tenant, decision.RequestId), out var list))
            {
                throw new InvalidOperationException("Unknown request.");
            }

            var expected = list.Count == 0 ? 1 : list[^1].Version + 1;
            if (decision.Version != expected)
            {
                throw new InvalidOperationException($"Version clash: expected {expected}, got {decision.Version}.");
            }

            list.Add(decision);
        }
    }

    public Task UpdateStatusAsync(string tenant, Guid requestId, RequestStatus status, OwnerType? ownerType, string? ownerId, DateTimeOffset at, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (!_requests.TryGetValue((tenant, requestId), out var request))
            {
                throw new InvalidOperationException("Unknown request.");
            }

            _requests[(tenant, requestId)] = request with { Status = status, OwnerType = ownerType, OwnerId = ownerId, UpdatedAt = at };
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RequestRecord>> ListForLeadAsync(string tenant, string leadId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken ct = default)
    {
        lock (_gate)
        {
            IReadOnlyList<RequestRecord> result = _requests.Values
                .Where(r => r.Tenant == tenant && r.LeadId == leadId && r.ReceivedAt >= fromUtc && r.ReceivedAt < toUtc)
                .OrderBy(r => r.ReceivedAt)
                .ToList();
            return Task.FromResult(result);
        }
    }

    public Task<IReadOnlyList<RequestRecord>> ListByStatusAsync(string tenant, string leadId, RequestStatus status, int limit, CancellationToken ct = default)
    {
        lock (_gate)
        {
            IReadOnlyList<RequestRecord> result = _requests.Values
                .Where(r => r.Tenant == tenant && r.LeadId == leadId && r.Status == status)
                .OrderByDescending(r => r.UpdatedAt)
                .ThenByDescending(r => r.ReceivedAt)
                .Take(limit)
                .ToList();
            return Task.FromResult(result);
        }
    }

    public Task<int> CountTopicForLeadAsync(string tenant, string leadId, string topicId, DateTimeOffset fromUtc, DateTimeOffset toUtc, int atMost, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var count = _requests.Values.Count(r => r.Tenant == tenant && r.LeadId == leadId && r.TopicId == topicId && r.ReceivedAt >= fromUtc && r.ReceivedAt < toUtc);
            return Task.FromResult(Math.Min(count, Math.Max(0, atMost)));
        }
    }

    public Task<IReadOnlyDictionary<string, int>> CountRedirectsByOwnerAsync(string tenant, DateTimeOffset sinceUtc, CancellationToken ct = default)
    {
        lock (_gate)
        {
            IReadOnlyDictionary<string, int> result = _requests.Values
                .Where(r => r.Tenant == tenant && r.Status == RequestStatus.Redirected && r.OwnerType == OwnerType.Person && r.OwnerId is not null && r.UpdatedAt >= sinceUtc)
                .GroupBy(r => r.OwnerId!)
                .ToDictionary(g => g.Key, g => g.Count());
            return Task.FromResult(result);
        }
    }

    public Task<IReadOnlyList<string>> ListTenantsForLeadAsync(string leadId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            IReadOnlyList<string> result = [.. _requests.Values.Where(r => r.LeadId == leadId).Select(r => r.Tenant).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            return Task.FromResult(result);
        }
    }
}

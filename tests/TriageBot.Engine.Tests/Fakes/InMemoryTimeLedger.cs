using TriageBot.Engine.Ports;

namespace TriageBot.Engine.Tests.Fakes;

/// <summary>A stateful in-memory <see cref="ITimeLedger"/>.</summary>
public sealed class InMemoryTimeLedger : ITimeLedger
{
    private readonly object _gate = new();
    private readonly List<TimeEntry> _entries = [];

    public IReadOnlyList<TimeEntry> All
    {
        get
        {
            lock (_gate)
            {
                return _entries.ToList();
            }
        }
    }

    public Task AddAsync(TimeEntry entry, CancellationToken ct = default)
    {
        if (entry.Minutes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(entry), "Minutes must be positive.");
        }

        lock (_gate)
        {
            // Like the real stores: an id is unique per tenant.
            if (_entries.Any(e => e.Tenant == entry.Tenant && e.Id == entry.Id))
            {
                throw new StoreConflictException($"Time entry {entry.Id} already exists.");
            }

            _entries.Add(entry);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<TimeEntry>> ListForLeadAsync(string tenant, string leadId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken ct = default)
    {
        lock (_gate)
        {
            IReadOnlyList<TimeEntry> result = _entries
                .Where(e => e.Tenant == tenant && e.LeadId == leadId && e.At >= fromUtc && e.At < toUtc)
                .OrderBy(e => e.At)
                .ToList();
            return Task.FromResult(result);
        }
    }

    public Task<IReadOnlyDictionary<string, int>> LoggedMinutesByLeadAsync(string tenant, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken ct = default)
    {
        lock (_gate)
        {
            IReadOnlyDictionary<string, int> result = _entries
                .Where(e => e.Tenant == tenant && !e.IsEstimate && e.At >= fromUtc && e.At < toUtc)
                .GroupBy(e => e.LeadId)
                .ToDictionary(g => g.Key, g => g.Sum(e => e.Minutes));
            return Task.FromResult(result);
        }
    }

    public Task<IReadOnlyList<string>> ListTenantsForLeadAsync(string leadId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            IReadOnlyList<string> result = [.. _entries.Where(e => e.LeadId == leadId).Select(e => e.Tenant).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            return Task.FromResult(result);
        }
    }
}

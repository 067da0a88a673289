using TriageBot.Engine.Ports;

namespace TriageBot.Engine.Tests.Fakes;

/// <summary>A stateful in-memory <see cref="IWorkQueue"/>: leases, dedup keys, attempts, retry times and dead items as the port documents.</summary>
public sealed class InMemoryWorkQueue : IWorkQueue
{
    private readonly object _gate = new();
    private readonly Dictionary<Guid, Entry> _items = [];

    public sealed record Entry(WorkItem Item, string? LeaseOwner, DateTimeOffset? LeaseUntil, bool Completed, bool Dead, string? LastError, int Claims = 0);

    public Entry Get(Guid id)
    {
        lock (_gate)
        {
            return _items[id];
        }
    }

    public Task<bool> EnqueueAsync(WorkItem item, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (item.DedupKey is not null && _items.Values.Any(e => e.Item.Tenant == item.Tenant && e.Item.DedupKey == item.DedupKey))
            {
                return Task.FromResult(false);
            }

            _items[item.Id] = new Entry(item, null, null, false, false, null);
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<WorkItem>> ClaimAsync(string owner, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var ready = _items.Values
                .Where(e => !e.Completed && !e.Dead && e.Item.NotBefore <= now && (e.LeaseUntil is null || e.LeaseUntil <= now))
                .OrderBy(e => e.Item.NotBefore)
                .ThenBy(e => e.Item.CreatedAt)
                .Take(max)
                .ToList();
            var result = new List<WorkItem>(ready.Count);
            foreach (var e in ready)
            {
                var claimed = e with { LeaseOwner = owner, LeaseUntil = leaseUntil, Claims = e.Claims + 1 };
                _items[e.Item.Id] = claimed;
                result.Add(e.Item with { PreviousClaims = e.Claims });
            }

            return Task.FromResult<IReadOnlyList<WorkItem>>(result);
        }
    }

    /// <summary>Leases renewed so far, per call (for heartbeat tests).</summary>
    public List<IReadOnlyCollection<Guid>> Renewals { get; } = [];

    public Task<int> RenewAsync(string owner, IReadOnlyCollection<Guid> ids, DateTimeOffset leaseUntil, CancellationToken ct = default)
    {
        lock (_gate)
        {
            Renewals.Add(ids.ToList());
            var renewed = 0;
            foreach (var id in ids.Distinct())
            {
                if (_items.TryGetValue(id, out var e) && !e.Completed && !e.Dead && e.LeaseOwner == owner)
                {
                    _items[id] = e with { LeaseUntil = leaseUntil };
                    renewed++;
                }
            }

            return Task.FromResult(renewed);
        }
    }

    public Task<int> ReleaseAsync(string owner, DateTimeOffset now, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var mine = _items.Values.Where(e => !e.Completed && !e.Dead && e.LeaseOwner == owner && e.LeaseUntil > now).ToList();
            foreach (var e in mine)
            {
                _items[e.Item.Id] = e with { LeaseUntil = now };
            }

            return Task.FromResult(mine.Count);
        }
    }

    public Task CompleteAsync(Guid id, CancellationToken ct = default)
    {
        lock (_gate)
        {
            _items[id] = _items[id] with { Completed = true, LeaseOwner = null, LeaseUntil = null };
        }

        return Task.CompletedTask;
    }

    public Task FailAsync(Guid id, string error, DateTimeOffset retryAt, bool dead, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var e = _items[id];
            _items[id] = e with
            {
                Item = e.Item with { Attempts = e.Item.Attempts + 1, NotBefore = retryAt },
                LeaseOwner = null,
                LeaseUntil = null,
                Dead = dead,
                LastError = error,
            };
        }

        return Task.CompletedTask;
    }

    public Task<QueueStats> GetStatsAsync(CancellationToken ct = default)
    {
        lock (_gate)
        {
            var pending = _items.Values.Where(e => !e.Completed && !e.Dead).ToList();
            return Task.FromResult(new QueueStats(pending.Count, pending.Count == 0 ? null : pending.Min(e => e.Item.CreatedAt), _items.Values.Count(e => e.Dead)));
        }
    }

    // The fake keeps no clock of its own, so an item's age is taken from its creation time.
    public Task<int> PurgeAsync(DateTimeOffset doneBefore, DateTimeOffset deadBefore, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var purged = _items.Values
                .Where(e => (e.Completed && e.Item.CreatedAt < doneBefore) || (e.Dead && e.Item.CreatedAt < deadBefore))
                .Select(e => e.Item.Id)
                .ToList();
            foreach (var id in purged)
            {
                _items.Remove(id);
            }

            return Task.FromResult(purged.Count);
        }
    }
}

using TriageBot.Engine.Understanding;

namespace TriageBot.Engine.Tests.Fakes;

/// <summary>A hand-written stateful fake of the learned-example store (one example per request, newest win).</summary>
public sealed class InMemoryLearnedExampleStore : ILearnedExampleStore
{
    private readonly Lock _lock = new();
    private readonly List<LearnedExample> _examples = [];
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);

    public int ListCalls { get; private set; }

    public IReadOnlyList<LearnedExample> All
    {
        get
        {
            lock (_lock)
            {
                return [.. _examples];
            }
        }
    }

    public Task UpsertAsync(LearnedExample example, int maxPerTenant, CancellationToken ct = default)
    {
        lock (_lock)
        {
            _examples.RemoveAll(e => e.Tenant == example.Tenant && e.RequestId == example.RequestId);
            _examples.Add(example);
            var tenant = _examples.Where(e => e.Tenant == example.Tenant).OrderByDescending(e => e.At).ToList();
            foreach (var old in tenant.Skip(maxPerTenant))
            {
                _examples.Remove(old);
            }

            _versions[example.Tenant] = _versions.GetValueOrDefault(example.Tenant) + 1;
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<LearnedExample>> ListAsync(string tenant, int limit, CancellationToken ct = default)
    {
        lock (_lock)
        {
            ListCalls++;
            return Task.FromResult<IReadOnlyList<LearnedExample>>([.. _examples.Where(e => e.Tenant == tenant).OrderByDescending(e => e.At).Take(limit)]);
        }
    }

    public Task<long> VersionAsync(string tenant, CancellationToken ct = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_versions.GetValueOrDefault(tenant));
        }
    }

    public Task<bool> RemoveForRequestAsync(string tenant, Guid requestId, CancellationToken ct = default)
    {
        lock (_lock)
        {
            var removed = _examples.RemoveAll(e => e.Tenant == tenant && e.RequestId == requestId) > 0;
            if (removed)
            {
                _versions[tenant] = _versions.GetValueOrDefault(tenant) + 1;
            }

            return Task.FromResult(removed);
        }
    }
}

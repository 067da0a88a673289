using System.Collections.Concurrent;

namespace TriageBot.Engine.Understanding;

/// <summary>
/// The examples the Leads taught, per tenant, kept ready for matching. A replica's own additions are used at once;
/// another replica's within <see cref="RefreshInterval"/> (the store's change counter is read at most that often).
/// The number of cached tenants is bounded; the least recently used is dropped.
/// </summary>
public sealed class LearnedExamples
{
    /// <summary>The longest text kept for an example.</summary>
    public const int MaxTextLength = 2_000;

    /// <summary>How often the store is asked whether another replica added examples.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);

    private const int MaxCachedTenants = 1_000;

    private readonly ILearnedExampleStore _store;
    private readonly TimeProvider _time;
    private readonly UnderstandingOptions _options;
    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);

    /// <summary>Creates the cache over a store.</summary>
    public LearnedExamples(ILearnedExampleStore store, TimeProvider time, UnderstandingOptions? options = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _options = options ?? UnderstandingOptions.Default;
    }

    /// <summary>The tenant's examples prepared for <paramref name="embedder"/>.</summary>
    public async Task<LearnedSet> GetAsync(string tenant, ITextEmbedder? embedder, CancellationToken ct = default)
    {
        var now = _time.GetUtcNow();
        var sameModel = _cache.TryGetValue(tenant, out var cached) && cached.Model == embedder?.ModelId;
        if (sameModel && now - cached!.CheckedAt < RefreshInterval)
        {
            cached.UsedAt = now;
            return cached.Set;
        }

        // One read of the change counter decides whether the cached set is still current.
        var v = await _store.VersionAsync(tenant, ct);
        if (sameModel && v == cached!.Version)
        {
            cached.CheckedAt = now;
            cached.UsedAt = now;
            return cached.Set;
        }

        var examples = await _store.ListAsync(tenant, _options.MaxLearnedPerTenant, ct);
        var set = LearnedSet.Prepare(examples, embedder, _options.ModelInputChars);
        if (sameModel)
        {
            set.Replaces(cached!.Set);
        }

        _cache[tenant] = new Entry(set, v, embedder?.ModelId) { CheckedAt = now, UsedAt = now };
        Trim();
        return set;
    }

    /// <summary>Stores an example and makes it visible to this replica's next request at once.</summary>
    public async Task LearnAsync(LearnedExample example, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(example);
        var text = example.Text.Length > MaxTextLength ? example.Text[..MaxTextLength] : example.Text;
        await _store.UpsertAsync(example with { Text = text }, _options.MaxLearnedPerTenant, ct);
        MarkStale(example.Tenant);
    }

    /// <summary>Forgets the example learned from a request.</summary>
    public async Task ForgetAsync(string tenant, Guid requestId, CancellationToken ct = default)
    {
        if (await _store.RemoveForRequestAsync(tenant, requestId, ct))
        {
            MarkStale(tenant);
        }
    }

    // The next request reloads the examples; the stale set stays as the one the new set replaces, so its classifier keeps
    // serving while the new one trains.
    private void MarkStale(string tenant)
    {
        if (_cache.TryGetValue(tenant, out var cached))
        {
            _cache.TryUpdate(tenant, new Entry(cached.Set, StaleVersion, cached.Model) { UsedAt = cached.UsedAt }, cached);
        }
    }

    private const long StaleVersion = long.MinValue;

    private void Trim()
    {
        if (_cache.Count <= MaxCachedTenants)
        {
            return;
        }

        foreach (var stale in _cache.OrderBy(kv => kv.Value.UsedAt).Take(_cache.Count - MaxCachedTenants).ToList())
        {
            _cache.TryRemove(stale.Key, out _);
        }
    }

    private sealed class Entry(LearnedSet set, long version, string? model)
    {
        public LearnedSet Set { get; } = set;

        public long Version { get; } = version;

        public string? Model { get; } = model;

        public DateTimeOffset CheckedAt { get; set; }

        public DateTimeOffset UsedAt { get; set; }
    }
}

using TriageBot.Engine.Ports;

namespace TriageBot.Engine.Tests.Fakes;

/// <summary>
/// A stateful in-memory <see cref="IDigestDeliveryStore"/> with the port's claim semantics: one winner per (tenant, lead, week);
/// a claim whose lease expired without completion, or a failed delivery, can be claimed again; sent and skipped are final.
/// Thread-safe, so two dispatchers can share it.
/// </summary>
public sealed class InMemoryDigestDeliveryStore : IDigestDeliveryStore
{
    private readonly object _gate = new();
    private readonly Dictionary<(string, string, string), Row> _rows = [];
    private readonly SortedSet<string> _tenants = new(StringComparer.Ordinal);

    public InMemoryDigestDeliveryStore(params string[] activeTenants)
    {
        foreach (var tenant in activeTenants)
        {
            _tenants.Add(tenant);
        }
    }

    public int ClaimCalls { get; private set; }

    public sealed record Row(string Owner, DateTimeOffset LeaseUntil, DigestDeliveryStatus Status, string? Detail, int Claims);

    public Row? Find(string tenant, string leadId, string week)
    {
        lock (_gate)
        {
            return _rows.GetValueOrDefault((tenant, leadId, week));
        }
    }

    public Task<bool> TryClaimAsync(string tenant, string leadId, string isoWeek, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct = default)
    {
        lock (_gate)
        {
            ClaimCalls++;
            var key = (tenant, leadId, isoWeek);
            if (_rows.TryGetValue(key, out var row))
            {
                var claimable = row.Status == DigestDeliveryStatus.Failed || (row.Status == DigestDeliveryStatus.Claimed && row.LeaseUntil <= now);
                if (!claimable)
                {
                    return Task.FromResult(false);
                }
            }

            _rows[key] = new Row(owner, leaseUntil, DigestDeliveryStatus.Claimed, null, (row?.Claims ?? 0) + 1);
            return Task.FromResult(true);
        }
    }

    public Task CompleteAsync(string tenant, string leadId, string isoWeek, DigestDeliveryStatus status, string? detail, DateTimeOffset at, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var key = (tenant, leadId, isoWeek);
            if (!_rows.TryGetValue(key, out var row))
            {
                throw new InvalidOperationException("Completing a delivery that was never claimed.");
            }

            _rows[key] = row with { Status = status, Detail = detail };
        }

        return Task.CompletedTask;
    }

    public Task<DigestDeliveryStatus?> GetStatusAsync(string tenant, string leadId, string isoWeek, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_rows.TryGetValue((tenant, leadId, isoWeek), out var row) ? row.Status : (DigestDeliveryStatus?)null);
        }
    }

    public Task<IReadOnlyList<string>> ListActiveTenantsAsync(CancellationToken ct = default)
    {
        lock (_gate)
        {
            IReadOnlyList<string> result = _tenants.ToList();
            return Task.FromResult(result);
        }
    }
}

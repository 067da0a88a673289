using TriageBot.Engine.Ports;

namespace TriageBot.Host.Storage;

/// <summary>The store's work queue, plus a wake-up for the local worker when an item is enqueued.</summary>
internal sealed class SignalingWorkQueue(IWorkQueue inner, WorkSignal signal) : IWorkQueue
{
    public async Task<bool> EnqueueAsync(WorkItem item, CancellationToken ct = default)
    {
        var added = await inner.EnqueueAsync(item, ct).ConfigureAwait(false);
        if (added)
        {
            signal.Notify();
        }

        return added;
    }

    public Task<IReadOnlyList<WorkItem>> ClaimAsync(string owner, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct = default) =>
        inner.ClaimAsync(owner, max, now, leaseUntil, ct);

    public Task<int> RenewAsync(string owner, IReadOnlyCollection<Guid> ids, DateTimeOffset leaseUntil, CancellationToken ct = default) =>
        inner.RenewAsync(owner, ids, leaseUntil, ct);

    public Task<int> ReleaseAsync(string owner, DateTimeOffset now, CancellationToken ct = default) => inner.ReleaseAsync(owner, now, ct);

    public Task CompleteAsync(Guid id, CancellationToken ct = default) => inner.CompleteAsync(id, ct);

    public Task FailAsync(Guid id, string error, DateTimeOffset retryAt, bool dead, CancellationToken ct = default) =>
        inner.FailAsync(id, error, retryAt, dead, ct);

    public Task<QueueStats> GetStatsAsync(CancellationToken ct = default) => inner.GetStatsAsync(ct);

    public Task<int> PurgeAsync(DateTimeOffset doneBefore, DateTimeOffset deadBefore, CancellationToken ct = default) =>
        inner.PurgeAsync(doneBefore, deadBefore, ct);
}

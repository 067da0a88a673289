namespace TriageBot.Engine.Ports;

/// <summary>
/// Runs the handling of a platform event or message once across deliveries and replicas, on top of
/// <see cref="IEventDeduplicator"/>: claim (with a lease), do the work, then complete the claim; if the work throws,
/// release the claim so the platform's redelivery does it, unless the work said its effects are already committed
/// (<see cref="Handle.EffectsCommitted"/>), in which case the claim is completed so they are not repeated. A claim
/// whose process died expires with its lease and is taken over by the next delivery.
/// </summary>
/// <param name="dedup">The claims store.</param>
/// <param name="time">Clock for leases.</param>
/// <param name="lease">How long a claim blocks other deliveries.</param>
/// <param name="settleFailed">Told when completing or releasing a claim failed (best effort: the lease then decides).</param>
public sealed class EventOnce(IEventDeduplicator dedup, TimeProvider time, TimeSpan lease, Action<string, Exception>? settleFailed = null)
{
    /// <summary>What the work can tell about itself while it runs.</summary>
    public sealed class Handle
    {
        internal bool Committed { get; private set; }

        /// <summary>Effects that must not happen twice have committed: a later failure keeps the claim.</summary>
        public void EffectsCommitted() => Committed = true;
    }

    /// <summary>
    /// Runs <paramref name="work"/> if this delivery wins the claim for <paramref name="key"/>. Returns
    /// <see cref="EventClaim.Claimed"/> when it ran, otherwise why not (<see cref="EventClaim.Done"/>: a duplicate;
    /// <see cref="EventClaim.InProgress"/>: another delivery holds it). Exceptions of the work are rethrown after the claim
    /// is settled.
    /// </summary>
    public async Task<EventClaim> RunAsync(string tenant, string key, Func<Handle, Task> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(work);
        var now = time.GetUtcNow();
        var leaseUntil = now + lease;
        var claim = await dedup.TryClaimAsync(tenant, key, now, leaseUntil, ct).ConfigureAwait(false);
        if (claim != EventClaim.Claimed)
        {
            return claim;
        }

        var handle = new Handle();
        try
        {
            await work(handle).ConfigureAwait(false);
        }
        catch
        {
            await SettleAsync(tenant, key, leaseUntil, complete: handle.Committed).ConfigureAwait(false);
            throw;
        }

        await SettleAsync(tenant, key, leaseUntil, complete: true).ConfigureAwait(false);
        return EventClaim.Claimed;
    }

    private async Task SettleAsync(string tenant, string key, DateTimeOffset leaseUntil, bool complete)
    {
        try
        {
            if (complete)
            {
                await dedup.CompleteAsync(tenant, key, leaseUntil, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await dedup.ReleaseAsync(tenant, key, leaseUntil, CancellationToken.None).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // Best effort: otherwise the lease runs out and a later delivery decides.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            settleFailed?.Invoke(key, ex);
        }
    }
}

using Microsoft.Extensions.Logging;
using TriageBot.Engine.Ports;

namespace TriageBot.Teams.App;

/// <summary>
/// Runs work once per key across deliveries and replicas: claimed first, completed after the work, released if it
/// throws so a redelivery does it (a claim whose process died expires with its lease). The claim's handle is passed to
/// the work, which marks it once an effect that must not be repeated has committed.
/// </summary>
public sealed class TeamsClaims
{
    /// <summary>How long a claim on an activity blocks redeliveries of it.</summary>
    internal static readonly TimeSpan ActivityClaimLease = TimeSpan.FromSeconds(30);

    private readonly EventOnce? _once;

    /// <summary>Creates the claims; without a deduplicator every delivery runs.</summary>
    public TeamsClaims(TimeProvider time, ILogger<TeamsClaims> logger, IEventDeduplicator? dedup = null)
    {
        _once = dedup is null ? null : new EventOnce(dedup, time, ActivityClaimLease,
            (claimKey, ex) => logger.LogWarning(ex, "Could not settle the claim {Key}; its lease decides", claimKey));
    }

    /// <summary>Runs <paramref name="work"/> once per <paramref name="key"/>; false when another delivery has it (done or in progress).</summary>
    public async Task<bool> OnceAsync(string tenant, string key, Func<EventOnce.Handle?, Task> work, CancellationToken ct)
    {
        if (_once is null)
        {
            await work(null).ConfigureAwait(false);
            return true;
        }

        var outcome = await _once.RunAsync(tenant, key, handle => work(handle), ct).ConfigureAwait(false);
        return outcome == EventClaim.Claimed;
    }
}

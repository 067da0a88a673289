using TriageBot.Slack.Api;

namespace TriageBot.Slack.App;

/// <summary>
/// Bounds a Web API call made before Slack gets its answer. Slack waits 3 s for an acknowledgement and a trigger_id dies
/// 3 s after the click, so a rate-limited or slow call there must give up in time rather than retry for a minute.
/// </summary>
internal static class AckDeadline
{
    /// <summary>views.open / views.push: the trigger_id is only good for 3 s after the click.</summary>
    public static readonly TimeSpan OpenView = TimeSpan.FromSeconds(2.5);

    /// <summary>
    /// Everything done before an interaction's ack: Slack shows an error when the answer takes 3 s or more. Counted from
    /// the handler's start, a few milliseconds after Slack's clock started (network, signature, body), hence the margin.
    /// </summary>
    public static readonly TimeSpan Interaction = TimeSpan.FromSeconds(2.5);

    /// <summary>Under this much time left, a Web API call is not tried before the ack but queued for after it.</summary>
    public static readonly TimeSpan MinimumCall = TimeSpan.FromMilliseconds(250);

    /// <summary>users.info while answering: long enough for a healthy Slack, short enough to leave time for the rest.</summary>
    public static readonly TimeSpan UserLookup = TimeSpan.FromSeconds(1.5);

    /// <summary>Runs <paramref name="call"/>; past <paramref name="limit"/> it is cancelled and reported as a <c>timeout</c> <see cref="SlackApiException"/>.</summary>
    public static async Task<T> RunAsync<T>(string method, TimeSpan limit, TimeProvider time, Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        // On the injected clock, the one the ack's budget is measured with.
        using var timer = new CancellationTokenSource(limit, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        try
        {
            return await call(deadline.Token);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new SlackApiException(method, "timeout", null, ex);
        }
    }
}

using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace TriageBot.Slack.Api;

/// <summary>
/// The Web API's retry rules: a 429 is retried after the server's <c>Retry-After</c> (when it is short enough to wait for in-process),
/// 502/503/504 and network failures with exponential backoff. Other statuses are not retried here (the durable queue may retry the work).
/// </summary>
public static class SlackRetryPolicy
{
    /// <summary>Adds the retry (and a per-attempt timeout) to an HTTP resilience pipeline.</summary>
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, TimeSpan maxInProcessRetryAfter, int maxAttempts = 3)
    {
        builder.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = maxAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(300),
            ShouldRetryAfterHeader = false,
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, maxInProcessRetryAfter, args.Context.GetRequestMessage())),
            DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } r ? RetryAfter(r) : null),
        });
        builder.AddTimeout(TimeSpan.FromSeconds(10));
    }

    /// <summary>True when the outcome should be retried in-process.</summary>
    /// <remarks>
    /// Posting methods are not idempotent: a timeout or a connection dropped after sending may mean Slack already posted,
    /// so for them only failures to connect (nothing was sent) are retried; otherwise the same reply could appear twice.
    /// </remarks>
    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, TimeSpan maxInProcessRetryAfter, HttpRequestMessage? request = null)
    {
        if (outcome.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError })
        {
            return true;
        }

        if (outcome.Exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException)
        {
            return !IsPosting(request);
        }

        if (outcome.Result is not { } response)
        {
            return false;
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var wait = RetryAfter(response) ?? TimeSpan.FromSeconds(1);
            return wait <= maxInProcessRetryAfter;
        }

        return response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;
    }

    /// <summary>True for Web API methods whose repetition would post twice.</summary>
    public static bool IsPosting(HttpRequestMessage? request)
    {
        var path = request?.RequestUri?.AbsolutePath;
        return path is not null && (path.EndsWith("/chat.postMessage", StringComparison.Ordinal)
            || path.EndsWith("/chat.postEphemeral", StringComparison.Ordinal)
            || path.EndsWith("/files.completeUploadExternal", StringComparison.Ordinal)
            // response_url (hooks.slack.com/actions/… and /commands/…): a notice POSTed twice shows twice.
            || path.StartsWith("/actions/", StringComparison.Ordinal)
            || path.StartsWith("/commands/", StringComparison.Ordinal));
    }

    /// <summary>The response's Retry-After (seconds or date), if any.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date && response.Headers.Date is { } now)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}

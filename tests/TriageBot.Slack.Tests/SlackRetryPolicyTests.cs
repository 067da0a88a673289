using System.Net;
using Polly;
using Polly.Timeout;
using TriageBot.Slack.Api;

namespace TriageBot.Slack.Tests;

public sealed class SlackRetryPolicyTests
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    private static HttpRequestMessage Call(string method) => new(HttpMethod.Post, new Uri($"http://127.0.0.1:1/api/{method}"));

    [Theory]
    [InlineData("chat.postMessage")]
    [InlineData("chat.postEphemeral")]
    [InlineData("files.completeUploadExternal")]
    public void ShouldRetry_TimeoutOnPostingMethod_NotRetried(string method)
    {
        var outcome = Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException());

        Assert.False(SlackRetryPolicy.ShouldRetry(outcome, MaxWait, Call(method)));
    }

    [Fact]
    public void ShouldRetry_TimeoutOnReadMethod_Retried()
    {
        var outcome = Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException());

        Assert.True(SlackRetryPolicy.ShouldRetry(outcome, MaxWait, Call("users.info")));
    }

    [Fact]
    public void ShouldRetry_ConnectionRefusedOnPostingMethod_Retried()
    {
        var outcome = Outcome.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "refused"));

        Assert.True(SlackRetryPolicy.ShouldRetry(outcome, MaxWait, Call("chat.postMessage")));
    }

    [Fact]
    public void ShouldRetry_ResponseEndedAfterSendOnPostingMethod_NotRetried()
    {
        var outcome = Outcome.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ResponseEnded, "ended"));

        Assert.False(SlackRetryPolicy.ShouldRetry(outcome, MaxWait, Call("chat.postMessage")));
    }

    [Fact]
    public void ShouldRetry_429WithShortRetryAfter_Retried()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1));

        Assert.True(SlackRetryPolicy.ShouldRetry(Outcome.FromResult(response), MaxWait, Call("chat.postMessage")));
    }
}

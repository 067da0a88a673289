using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Slack.Api;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TriageBot.Slack.Tests;

public sealed class ApiClientTests : IDisposable
{
    private readonly FakeSlack _slack = new();
    private readonly ServiceProvider _services;
    private readonly SlackApiClient _api;

    public ApiClientTests()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TriageBot:Slack:ApiBaseUrl"] = _slack.ApiBaseUrl,
            ["TriageBot:Slack:PostMessageInterval"] = "00:00:00.010",
        }).Build();
        _services = new ServiceCollection().AddLogging().AddSlack(config).BuildServiceProvider();
        _api = _services.GetRequiredService<SlackApiClient>();
    }

    public void Dispose()
    {
        _services.Dispose();
        _slack.Dispose();
    }

    [Fact]
    public async Task PostMessage_SendsBearerJsonAndReadsTs()
    {
        var response = await _api.PostMessageAsync("xoxb-t1", new ChatPostMessageRequest { Channel = "C1", Text = "hi", ThreadTs = "1.2" });
        Assert.Equal("1700000000.000100", response.Ts);
        var call = Assert.Single(_slack.Calls("chat.postMessage"));
        Assert.Equal("Bearer xoxb-t1", call.RequestMessage.Headers!["Authorization"].Single());
        Assert.StartsWith("application/json", call.RequestMessage.Headers["Content-Type"].Single(), StringComparison.Ordinal);
        var body = FakeSlack.Json(call);
        Assert.Equal("C1", (string)body["channel"]!);
        Assert.Equal("1.2", (string)body["thread_ts"]!);
        Assert.False(body.ContainsKey("blocks"));
    }

    [Fact]
    public async Task Call_OkFalse_ThrowsWithSlackError()
    {
        _slack.Ok("chat.update", """{"ok":false,"error":"channel_not_found"}""", priority: 1);
        var ex = await Assert.ThrowsAsync<SlackApiException>(() => _api.UpdateMessageAsync("xoxb-t1", new ChatUpdateRequest { Channel = "C9", Ts = "1.1", Text = "x" }));
        Assert.Equal("channel_not_found", ex.Error);
        Assert.True(ex.IsPermanent);
    }

    [Fact]
    public async Task Call_429WithRetryAfter_WaitsThenSucceeds()
    {
        _slack.Server.Given(Request.Create().WithPath("/api/views.publish").UsingPost()).AtPriority(1)
            .InScenario("rate").WillSetStateTo("limited-once")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1"));
        _slack.Server.Given(Request.Create().WithPath("/api/views.publish").UsingPost()).AtPriority(1)
            .InScenario("rate").WhenStateIs("limited-once")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"ok":true,"view":{"id":"V9"}}"""));

        var clock = Stopwatch.StartNew();
        var response = await _api.PublishViewAsync("xoxb-t1", new ViewsPublishRequest { UserId = "U1", View = new() { ["type"] = "home" } });
        Assert.Equal("V9", response.View!.Id);
        Assert.Equal(2, _slack.Calls("views.publish").Count);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), "the retry waited for Retry-After");
    }

    [Fact]
    public async Task Call_429WithLongRetryAfter_NotRetriedInProcess()
    {
        _slack.Server.Given(Request.Create().WithPath("/api/chat.postEphemeral").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "120"));
        var ex = await Assert.ThrowsAsync<SlackApiException>(() => _api.PostEphemeralAsync("xoxb-t1", new ChatPostEphemeralRequest { Channel = "C1", User = "U1", Text = "x" }));
        Assert.Equal("ratelimited", ex.Error);
        Assert.Equal(TimeSpan.FromSeconds(120), ex.RetryAfter);
        Assert.False(ex.IsPermanent);
        Assert.Single(_slack.Calls("chat.postEphemeral"));
    }

    [Fact]
    public async Task UploadFile_UsesExternalUploadFlow()
    {
        var id = await _api.UploadFileAsync("xoxb-t1", "chart.png", [1, 2, 3, 4], "Chart", "D0DM");
        Assert.Equal("F123", id);
        var ticket = FakeSlack.Form(Assert.Single(_slack.Calls("files.getUploadURLExternal")));
        Assert.Equal("chart.png", ticket["filename"]);
        Assert.Equal("4", ticket["length"]);
        var upload = Assert.Single(_slack.Server.LogEntries, e => e.RequestMessage.Path == "/upload/F123");
        Assert.Equal([1, 2, 3, 4], upload.RequestMessage.BodyAsBytes);
        Assert.False(upload.RequestMessage.Headers!.ContainsKey("Authorization"));
        var complete = FakeSlack.Form(Assert.Single(_slack.Calls("files.completeUploadExternal")));
        Assert.Equal("D0DM", complete["channel_id"]);
        Assert.Contains("\"id\":\"F123\"", complete["files"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task OAuthAccess_UsesBasicClientCredentials()
    {
        _slack.Ok("oauth.v2.access", """{"ok":true,"access_token":"xoxb-new","bot_user_id":"UBOT","team":{"id":"T9","name":"Nine"},"is_enterprise_install":false}""");
        var response = await _api.OAuthV2AccessAsync("123.456", "s3cret", "code-1", "https://bot.example/slack/oauth_redirect");
        Assert.Equal("xoxb-new", response.AccessToken);
        var call = Assert.Single(_slack.Calls("oauth.v2.access"));
        var expected = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("123.456:s3cret"));
        Assert.Equal(expected, call.RequestMessage.Headers!["Authorization"].Single());
        Assert.Equal("code-1", FakeSlack.Form(call)["code"]);
    }

    [Fact]
    public async Task PostMessage_SameChannel_IsPaced()
    {
        await _api.PostMessageAsync("xoxb-t1", new ChatPostMessageRequest { Channel = "CP", Text = "1" });
        await _api.PostMessageAsync("xoxb-t1", new ChatPostMessageRequest { Channel = "CP", Text = "2" });
        var calls = _slack.Calls("chat.postMessage");
        Assert.Equal(2, calls.Count);
        Assert.True(calls[1].RequestMessage.DateTime - calls[0].RequestMessage.DateTime >= TimeSpan.FromMilliseconds(9));
    }

    [Theory]
    [InlineData("https://evil.example.com/actions/T1/1/x")]
    [InlineData("http://hooks.slack.com/actions/T1/1/x")] // not https
    [InlineData("https://hooks.slack.com.evil.example/actions/T1/1/x")]
    [InlineData("not a url")]
    public async Task Respond_UntrustedResponseUrl_RefusedWithoutACall(string url)
    {
        var ex = await Assert.ThrowsAsync<SlackApiException>(() => _api.RespondAsync(url, new ResponseUrlMessage { Text = "hi" }));

        Assert.Equal("untrusted_response_url", ex.Error);
        Assert.True(ex.IsPermanent); // retrying cannot make the URL trusted: the outbox gives up at once
        Assert.Empty(_slack.Server.LogEntries);
    }

    [Fact]
    public async Task Respond_ExpiredResponseUrl_PermanentFailure()
    {
        _slack.Server.Given(Request.Create().WithPath("/actions/T0E2E/gone").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(404).WithBody("expired_url"));

        var ex = await Assert.ThrowsAsync<SlackApiException>(() => _api.RespondAsync(_slack.ResponseUrl("gone"), new ResponseUrlMessage { Text = "hi" }));

        Assert.Equal("http_404", ex.Error);
        Assert.True(ex.IsPermanent);
    }

    [Fact]
    public async Task Respond_TrustedUrl_PostsEphemeralJsonWithoutToken()
    {
        await _api.RespondAsync(_slack.ResponseUrl("ok1"), new ResponseUrlMessage { ReplaceOriginal = true, Text = "done" });

        var call = Assert.Single(await _slack.WaitForResponsesAsync(1));
        Assert.False(call.RequestMessage.Headers!.ContainsKey("Authorization"));
        var body = FakeSlack.Json(call);
        Assert.True((bool)body["replace_original"]!);
        Assert.Equal("ephemeral", (string)body["response_type"]!);
        Assert.Equal("done", (string)body["text"]!);
    }
}

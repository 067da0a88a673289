using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Teams.Auth;
using TriageBot.Teams.Connector;
using TriageBot.Teams.Protocol;
using TriageBot.Teams.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace TriageBot.Teams.Tests;

public sealed class ConnectorClientTests : IDisposable
{
    private const string Conversation = "19:abc@thread.tacv2;messageid=123";
    private readonly WireMockServer _server = LocalServers.Start();
    private readonly ServiceProvider _provider;
    private readonly string _serviceUrl;
    private readonly RecordingHandler _recorder = new();

    public ConnectorClientTests()
    {
        _serviceUrl = _server.Urls[0] + "/amer/";
        _server.Given(Request.Create().WithPath("/token").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"outbound-token-1"}"""));
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TriageBot:Teams:AppId"] = "app-id",
            ["TriageBot:Teams:AppPassword"] = "secret",
            ["TriageBot:Teams:TenantId"] = "tenant-1",
            ["TriageBot:Teams:TokenEndpoint"] = _server.Urls[0] + "/token",
            ["TriageBot:Teams:RetryBaseDelay"] = "00:00:00.010",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTeams(config);
        services.AddHttpClient("teams-connector").AddHttpMessageHandler(() => _recorder);
        _provider = services.BuildServiceProvider();
        _provider.GetRequiredService<TrustedServiceUrls>().Add(_serviceUrl);
    }

    public void Dispose()
    {
        _provider.Dispose();
        _server.Stop();
        _server.Dispose();
    }

    private ConnectorClient Client => _provider.GetRequiredService<ConnectorClient>();

    private static Activity Message(string text) => new() { Type = "message", Text = text };

    [Fact]
    public async Task ReplyAsync_PostsToEncodedConversationWithBearerToken()
    {
        _server.Given(Request.Create().UsingPost().WithPath(p => p.StartsWith("/amer/v3/conversations/", StringComparison.Ordinal)))
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"1:reply"}"""));

        var result = await Client.ReplyAsync(_serviceUrl, Conversation, "1764", Message("hi"), default);

        Assert.Equal("1:reply", result.Id);
        var call = Assert.Single(_server.LogEntries, e => e.RequestMessage.Path.StartsWith("/amer/v3/", StringComparison.Ordinal));
        // ':', '@' and ';' '=' are percent-encoded; no double slash from the serviceUrl's trailing slash.
        Assert.Equal(_server.Urls[0] + "/amer/v3/conversations/19%3Aabc%40thread.tacv2%3Bmessageid%3D123/activities/1764", Assert.Single(_recorder.Uris));
        Assert.Equal("Bearer outbound-token-1", call.RequestMessage.Headers!["Authorization"].Single());
        Assert.Equal("hi", JsonDocument.Parse(call.RequestMessage.Body!).RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task SendAsync_CancelledWhileOnTheWire_WaitsForTheAnswerSoTheOutcomeIsKnown()
    {
        _server.Given(Request.Create().UsingPost().WithPath("/amer/v3/conversations/a:9/activities"))
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"1:sent"}""").WithDelay(TimeSpan.FromMilliseconds(300)));
        using var stopping = new CancellationTokenSource();

        var send = Client.SendAsync(_serviceUrl, "a:9", Message("x"), stopping.Token);
        var arrived = await WaitForRequestAsync("/amer/v3/conversations/a%3A9/activities");
        await stopping.CancelAsync();

        Assert.True(arrived);
        Assert.Equal("1:sent", (await send).Id);
    }

    [Fact]
    public async Task SendAsync_CancelledBeforeSending_SendsNothing()
    {
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client.SendAsync(_serviceUrl, "a:10", Message("x"), stopping.Token));

        Assert.DoesNotContain(_server.LogEntries, e => e.RequestMessage.Path.Contains("a:10", StringComparison.Ordinal));
    }

    // Waits until the server has seen a request to the path (the deadline only guards against a hang).
    private async Task<bool> WaitForRequestAsync(string path)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!deadline.IsCancellationRequested)
        {
            if (_recorder.Uris.Any(u => u.EndsWith(path, StringComparison.Ordinal)))
            {
                return true;
            }

            await Task.Delay(5, CancellationToken.None);
        }

        return false;
    }

    [Fact]
    public async Task SendAsync_429WithRetryAfterThenSuccess_Retries()
    {
        _server.Given(Request.Create().UsingPost().WithPath("/amer/v3/conversations/a:1/activities")).InScenario("throttle").WillSetStateTo("second")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "0"));
        _server.Given(Request.Create().UsingPost().WithPath("/amer/v3/conversations/a:1/activities")).InScenario("throttle").WhenStateIs("second")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"id":"ok"}"""));

        var result = await Client.SendAsync(_serviceUrl, "a:1", Message("x"), default);

        Assert.Equal("ok", result.Id);
        Assert.Equal(2, _server.LogEntries.Count(e => e.RequestMessage.Path.Contains("/v3/", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(412)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task SendAsync_TransientStatusThenSuccess_Retries(int status)
    {
        _server.Given(Request.Create().UsingPost().WithPath("/amer/v3/conversations/a:2/activities")).InScenario("t").WillSetStateTo("ok")
            .RespondWith(Response.Create().WithStatusCode(status));
        _server.Given(Request.Create().UsingPost().WithPath("/amer/v3/conversations/a:2/activities")).InScenario("t").WhenStateIs("ok")
            .RespondWith(Response.Create().WithStatusCode(202));

        var result = await Client.SendAsync(_serviceUrl, "a:2", Message("x"), default);

        Assert.Null(result.Id);
        Assert.Equal(2, _server.LogEntries.Count(e => e.RequestMessage.Path.Contains("/v3/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SendAsync_403Blocked_ThrowsBlockedWithoutRetry()
    {
        _server.Given(Request.Create().UsingPost().WithPath("/amer/v3/conversations/a:3/activities"))
            .RespondWith(Response.Create().WithStatusCode(403).WithBody("""{"error":{"code":"ConversationBlockedByUser","message":"User blocked the conversation with the bot."}}"""));

        var ex = await Assert.ThrowsAsync<ConnectorException>(() => Client.SendAsync(_serviceUrl, "a:3", Message("x"), default));

        Assert.True(ex.IsBlocked);
        Assert.Equal("ConversationBlockedByUser", ex.Code);
        Assert.Single(_server.LogEntries, e => e.RequestMessage.Path.Contains("/v3/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_TooLarge_RefusedBeforeSending()
    {
        var big = Message(new string('x', TeamsLimits.MaxMessageBytes + 1));
        var ex = await Assert.ThrowsAsync<ConnectorException>(() => Client.SendAsync(_serviceUrl, "a:4", big, default));
        Assert.Equal("MessageSizeTooBig", ex.Code);
        Assert.DoesNotContain(_server.LogEntries, e => e.RequestMessage.Path.Contains("/v3/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_CountedAsTeamsDoes_Utf16TextAndNotTheImages()
    {
        // 60,000 characters are 60 KB in UTF-8 but 120 KB as Teams counts them (UTF-16): refused before sending.
        var ex = await Assert.ThrowsAsync<ConnectorException>(() => Client.SendAsync(_serviceUrl, "a:6", Message(new string('x', 60_000)), default));
        Assert.Equal("MessageSizeTooBig", ex.Code);

        // A large base64 image does not count: sent.
        _server.Given(Request.Create().UsingPost().WithPath("/amer/v3/conversations/a:6/activities"))
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"1:6"}"""));
        var withImage = Message("chart below");
        withImage.Attachments = [new Attachment { ContentType = "image/png", ContentUrl = "data:image/png;base64," + Convert.ToBase64String(new byte[150_000]) }];
        await Client.SendAsync(_serviceUrl, "a:6", withImage, default);
        Assert.Single(_server.LogEntries, e => e.RequestMessage.Path.EndsWith("6/activities", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"text\":\"ab\"}", 26)]
    [InlineData("{\"u\":\"data:image/png;base64,QUJD\\u002B/w==\"}", 16)]
    public void MessageSize_TwoBytesPerCharWithoutDataUris(string json, int expected)
    {
        Assert.Equal(expected, TeamsLimits.MessageSize(json));
    }

    [Fact]
    public async Task SendAsync_UntrustedServiceUrl_Refused()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => Client.SendAsync(_server.Urls[0] + "/emea/", "a:5", Message("x"), default));
        Assert.Empty(_server.LogEntries);
    }

    [Fact]
    public async Task CreateConversationAsync_PostsBotMembersAndTenant()
    {
        _server.Given(Request.Create().UsingPost().WithPath("/amer/v3/conversations"))
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"a:new-1on1"}"""));

        var created = await Client.CreateConversationAsync(_serviceUrl, new ConversationParameters
        {
            Bot = new ChannelAccount { Id = "28:bot" },
            Members = [new ChannelAccount { Id = "29:user" }],
            ChannelData = new TeamsChannelData { Tenant = new IdName { Id = "tenant-1" } },
        }, default);

        Assert.Equal("a:new-1on1", created.Id);
        var body = JsonNode.Parse(_server.LogEntries.Single(e => e.RequestMessage.Path == "/amer/v3/conversations").RequestMessage.Body!)!;
        Assert.Equal("28:bot", (string?)body["bot"]!["id"]);
        Assert.Equal("29:user", (string?)body["members"]![0]!["id"]);
        Assert.Equal("tenant-1", (string?)body["channelData"]!["tenant"]!["id"]);
    }

    [Fact]
    public async Task GetTokenAsync_CachesUntilShortlyBeforeExpiry()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        using var http = new HttpClient();
        var options = Options.Create(new TeamsOptions { AppId = "app", AppPassword = "pw", TenantId = "t", TokenEndpoint = _server.Urls[0] + "/token" });
        using var tokens = new BotTokenClient(http, options, time, NullLogger<BotTokenClient>.Instance);

        Assert.Equal("outbound-token-1", await tokens.GetTokenAsync(default));
        Assert.Equal("outbound-token-1", await tokens.GetTokenAsync(default));
        Assert.Equal(1, tokens.RequestCount);

        time.Advance(TimeSpan.FromSeconds(3599) - BotTokenClient.RenewBefore - TimeSpan.FromSeconds(1));
        await tokens.GetTokenAsync(default);
        Assert.Equal(1, tokens.RequestCount);

        time.Advance(TimeSpan.FromSeconds(2));
        await tokens.GetTokenAsync(default);
        Assert.Equal(2, tokens.RequestCount);

        var form = _server.LogEntries.First(e => e.RequestMessage.Path == "/token").RequestMessage.Body!;
        Assert.Contains("grant_type=client_credentials", form, StringComparison.Ordinal);
        Assert.Contains("client_id=app", form, StringComparison.Ordinal);
        Assert.Contains("scope=https%3A%2F%2Fapi.botframework.com%2F.default", form, StringComparison.Ordinal);
    }

    [Fact]
    public void EffectiveTokenEndpoint_SingleTenantDefault_UsesTenant()
    {
        Assert.Equal("https://login.microsoftonline.com/contoso-tenant/oauth2/v2.0/token", new TeamsOptions { TenantId = "contoso-tenant" }.EffectiveTokenEndpoint);
    }

    [Fact]
    public void RetryAfter_DeltaAndDate_Honoured()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        using var delta = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        delta.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(3), ConnectorRetry.RetryAfter(delta, time));

        using var date = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        date.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(time.GetUtcNow().AddSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(10), ConnectorRetry.RetryAfter(date, time));

        // Longer than we block: not retried in-process (the durable queue retries later).
        using var tooLong = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        tooLong.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromMinutes(5));
        Assert.False(ConnectorRetry.ShouldRetry(tooLong, TimeSpan.FromSeconds(60), time));
        using var notFound = new HttpResponseMessage(HttpStatusCode.NotFound);
        Assert.False(ConnectorRetry.ShouldRetry(notFound, TimeSpan.FromSeconds(60), time));
    }

    [Fact]
    public void Reserve_SevenPerSecondSixtyPerThirtySeconds_Paced()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        var limiter = new ConversationRateLimiter(time);

        var waits = Enumerable.Range(0, 8).Select(_ => limiter.Reserve("c1")).ToList();
        Assert.All(waits.Take(7), w => Assert.Equal(TimeSpan.Zero, w));
        Assert.Equal(TimeSpan.FromSeconds(1), waits[7]);

        // Another conversation is not affected.
        Assert.Equal(TimeSpan.Zero, limiter.Reserve("c2"));

        // 60 in 30 s: the 61st send waits until the first leaves the window.
        var limiter2 = new ConversationRateLimiter(time);
        TimeSpan last = TimeSpan.Zero;
        for (var i = 0; i < 61; i++)
        {
            last = limiter2.Reserve("c");
        }

        Assert.Equal(TimeSpan.FromSeconds(30), last);
    }

    [Fact]
    public void Reserve_1800PerHour_Paced()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        var limiter = new ConversationRateLimiter(time);
        TimeSpan last = TimeSpan.Zero;
        for (var i = 0; i < 1801; i++)
        {
            last = limiter.Reserve("c");
        }

        Assert.True(last >= TimeSpan.FromHours(1), $"the 1801st send must wait an hour, waited {last}");
    }

    [Fact]
    public void Normalize_TrailingSlashAndCase_Equivalent()
    {
        var trusted = new TrustedServiceUrls();
        trusted.Add("https://SMBA.trafficmanager.net/amer/");
        Assert.True(trusted.IsTrusted("https://smba.trafficmanager.net/amer"));
        Assert.False(trusted.IsTrusted("https://smba.trafficmanager.net/emea/"));
    }
}

using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Engine.UseCases;
using TriageBot.Slack.Api;
using TriageBot.Slack.App;

namespace TriageBot.Slack.Tests;

/// <summary>A post whose earlier run ended without an outcome is looked up (by its metadata) before it is posted again.</summary>
public sealed class ExactlyOnceTests : IDisposable
{
    private static readonly DateTimeOffset Created = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeSlack _slack = new();
    private readonly ServiceProvider _services;
    private readonly SlackWorkHandler _handler;

    public ExactlyOnceTests()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TriageBot:Slack:ApiBaseUrl"] = _slack.ApiBaseUrl,
            ["TriageBot:Slack:BotToken"] = "xoxb-once",
            ["TriageBot:Slack:SigningSecret"] = "secret",
            ["TriageBot:Slack:PostMessageInterval"] = "00:00:00.001",
        }).Build();
        // Only posts run here: the use cases, the org and the queue are never reached.
        _services = new ServiceCollection().AddLogging().AddSlack(config)
            .AddSingleton(Mock.Of<ITriageUseCases>())
            .AddSingleton<IOrgProvider>(new StaticOrgProvider(OrgDirectory.Empty))
            .AddSingleton(Mock.Of<IWorkQueue>())
            .BuildServiceProvider();
        _handler = _services.GetRequiredService<SlackWorkHandler>();
    }

    public void Dispose()
    {
        _services.Dispose();
        _slack.Dispose();
    }

    private static WorkItem Post(string channel = "C1", string? threadTs = null, int previousClaims = 0) =>
        new(Guid.CreateVersion7(Created), "slack:T1", SlackWorkKinds.PostMessage,
            $$"""{"channel":"{{channel}}","thread_ts":{{(threadTs is null ? "null" : $"\"{threadTs}\"")}},"text":"Redirected to Omar"}""", 0, Created, Created)
        { PreviousClaims = previousClaims };

    private static string History(params Guid[] ids) =>
        new JsonObject
        {
            ["ok"] = true,
            ["has_more"] = false,
            ["messages"] = new JsonArray(ids.Select((id, n) => (JsonNode)new JsonObject
            {
                ["ts"] = $"1764925200.00010{n}",
                ["metadata"] = new JsonObject { ["event_type"] = "triagebot_work_item", ["event_payload"] = new JsonObject { ["work_item_id"] = id.ToString("D") } },
            }).Prepend(new JsonObject { ["ts"] = "1764925100.000001", ["text"] = "someone else" }).ToArray()),
        }.ToJsonString();

    [Fact]
    public async Task HandleAsync_FirstRun_PostsWithTheItemIdInMetadataWithoutLookingUp()
    {
        var item = Post();

        await _handler.HandleAsync(item, CancellationToken.None);

        var body = FakeSlack.Json(Assert.Single(_slack.Calls("chat.postMessage")));
        Assert.Equal("triagebot_work_item", (string?)body["metadata"]!["event_type"]);
        Assert.Equal(item.Id.ToString("D"), (string?)body["metadata"]!["event_payload"]!["work_item_id"]);
        Assert.Empty(_slack.Calls("conversations.history"));
    }

    [Fact]
    public async Task HandleAsync_RetryAfterLostLease_AlreadyPosted_DoesNotPostAgain()
    {
        var item = Post(previousClaims: 1);
        _slack.Ok("conversations.history", History(Guid.NewGuid(), item.Id), priority: 1);

        await _handler.HandleAsync(item, CancellationToken.None);

        Assert.Empty(_slack.Calls("chat.postMessage"));
        var form = FakeSlack.Form(Assert.Single(_slack.Calls("conversations.history")));
        Assert.Equal("C1", form["channel"]);
        Assert.Equal("true", form["include_all_metadata"]);
        Assert.Equal(SlackApiClient.SlackTs(Created - SlackWorkHandler.LookupMargin), form["oldest"]);
    }

    [Fact]
    public async Task HandleAsync_RetryAfterLostLease_NotPostedYet_PostsOnce()
    {
        var item = Post(previousClaims: 1);
        _slack.Ok("conversations.history", History(Guid.NewGuid()), priority: 1);

        await _handler.HandleAsync(item, CancellationToken.None);

        Assert.Single(_slack.Calls("conversations.history"));
        Assert.Single(_slack.Calls("chat.postMessage"));
    }

    [Fact]
    public async Task HandleAsync_RetryOfAThreadReply_LooksInTheThread()
    {
        var item = Post(threadTs: "1764925000.000500", previousClaims: 2);
        _slack.Ok("conversations.replies", History(item.Id), priority: 1);

        await _handler.HandleAsync(item, CancellationToken.None);

        Assert.Empty(_slack.Calls("chat.postMessage"));
        var form = FakeSlack.Form(Assert.Single(_slack.Calls("conversations.replies")));
        Assert.Equal("1764925000.000500", form["ts"]);
        Assert.Equal("true", form["include_all_metadata"]);
    }

    [Fact]
    public async Task HandleAsync_RetryWithMorePages_FollowsTheCursor()
    {
        var item = Post(previousClaims: 1);
        _slack.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/api/conversations.history").UsingPost().WithBody(b => b != null && !b.Contains("cursor=", StringComparison.Ordinal)))
            .AtPriority(1)
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithHeader("Content-Type", "application/json")
                .WithBody("""{"ok":true,"has_more":true,"messages":[{"ts":"1.1"}],"response_metadata":{"next_cursor":"page2"}}"""));
        _slack.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/api/conversations.history").UsingPost().WithBody(b => b != null && b.Contains("cursor=page2", StringComparison.Ordinal)))
            .AtPriority(1)
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithHeader("Content-Type", "application/json").WithBody(History(item.Id)));

        await _handler.HandleAsync(item, CancellationToken.None);

        Assert.Equal(2, _slack.Calls("conversations.history").Count);
        Assert.Empty(_slack.Calls("chat.postMessage"));
    }

    [Fact]
    public async Task HandleAsync_LookupRefusedForGood_PostsAnyway()
    {
        var item = Post(previousClaims: 1);
        _slack.Ok("conversations.history", """{"ok":false,"error":"missing_scope","needed":"channels:history"}""", priority: 1);

        await _handler.HandleAsync(item, CancellationToken.None);

        Assert.Single(_slack.Calls("chat.postMessage"));
    }

    [Fact]
    public async Task HandleAsync_LookupFailsForNow_RetriesLaterWithoutPosting()
    {
        var item = Post(previousClaims: 1);
        _slack.Ok("conversations.history", """{"ok":false,"error":"internal_error"}""", priority: 1);

        await Assert.ThrowsAsync<SlackApiException>(() => _handler.HandleAsync(item, CancellationToken.None));

        Assert.Empty(_slack.Calls("chat.postMessage"));
    }

    [Fact]
    public void SlackTs_Moment_SecondsAndMicroseconds() =>
        Assert.Equal("1764925200.000123", SlackApiClient.SlackTs(DateTimeOffset.FromUnixTimeSeconds(1764925200).AddTicks(1234)));
}

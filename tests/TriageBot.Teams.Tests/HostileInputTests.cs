using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Queue;
using TriageBot.Teams.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace TriageBot.Teams.Tests;

/// <summary>Input a hostile or broken caller can send in test mode (no app id, loopback): a 4xx or a handled reply, never a 500.</summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly WireMockServer _connector = LocalServers.Start();
    private readonly LoopbackTeamsApp _app = new();
    private readonly HttpClient _client;

    public HostileInputTests()
    {
        _connector.Given(Request.Create().UsingAnyMethod()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"id":"1:sent"}"""));
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
        _connector.Stop();
        _connector.Dispose();
    }

    private string ServiceUrl => _connector.Urls[0] + "/amer/";

    private JsonObject Activity(string fixture, string? serviceUrl = null)
    {
        var activity = JsonNode.Parse(Fixtures.Load(fixture, serviceUrl ?? ServiceUrl, Guid.NewGuid()))!.AsObject();
        activity["id"] = "hostile-" + Guid.NewGuid().ToString("N")[..12];
        return activity;
    }

    private List<WireMock.Logging.ILogEntry> ConnectorCalls() =>
        _connector.LogEntries.Where(e => e.RequestMessage.Path.Contains("/v3/", StringComparison.Ordinal)).ToList();

    private async Task<QueueStats> QueueAsync() => await _app.Services.GetRequiredService<IWorkQueue>().GetStatsAsync();

    [Fact]
    public async Task Post_ActivityIdOf120000Characters_400AndNothingSent()
    {
        var message = Activity("message-personal.json");
        message["text"] = "help";
        message["id"] = new string('7', 120_000);

        var response = await _app.PostAsync(_client, message.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(ConnectorCalls());
    }

    [Fact]
    public async Task Post_ConversationIdOf120000Characters_400AndNothingSent()
    {
        var message = Activity("message-personal.json");
        message["text"] = "help";
        message["conversation"]!["id"] = "a:" + new string('c', 120_000);

        var response = await _app.PostAsync(_client, message.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(ConnectorCalls());
    }

    [Fact]
    public async Task Reply_SenderNameOf300000Characters_SentWithTheNameShortened()
    {
        var message = Activity("message-personal.json");
        message["text"] = "help";
        message["from"]!["name"] = new string('n', 300_000);

        var response = await _app.PostAsync(_client, message.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = JsonNode.Parse(Assert.Single(ConnectorCalls()).RequestMessage.Body!)!;
        Assert.True(((string?)reply["recipient"]!["name"])!.Length <= 256);
    }

    [Fact]
    public async Task Reply_ConnectorRefusesWith414_AnsweredAndNotQueued()
    {
        _connector.Given(Request.Create().UsingPost().WithPath(p => p.Contains("/activities/", StringComparison.Ordinal))).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(414));
        var message = Activity("message-personal.json");
        message["text"] = "help";

        var response = await _app.PostAsync(_client, message.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(ConnectorCalls());
        Assert.Equal(0, (await QueueAsync()).Pending);
    }

    [Fact]
    public async Task Post_InvalidUtf8ByteInActionSubmitValue_400()
    {
        var submit = Activity("message-actionSubmit.json");
        submit["value"]!["verb"] = "take@@";
        var bytes = Encoding.UTF8.GetBytes(submit.ToJsonString());
        var at = Encoding.UTF8.GetString(bytes).IndexOf("@@", StringComparison.Ordinal);
        bytes[at] = 0xC3; // a lead byte followed by '@': not UTF-8
        bytes[at + 1] = 0xFF;

        var response = await _app.PostAsync(_client, bytes);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(ConnectorCalls());
    }

    [Theory]
    [InlineData("message-actionSubmit.json")]
    [InlineData("invoke-adaptiveCard-action.json")]
    public async Task Post_LoneSurrogateInCardData_400(string fixture)
    {
        var activity = Activity(fixture);
        var json = activity.ToJsonString().Replace("\"verb\":\"", "\"verb\":\"\\ud800", StringComparison.Ordinal);

        var response = await _app.PostAsync(_client, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(ConnectorCalls());
    }

    [Fact]
    public async Task Post_DuplicateKeyInActionData_400()
    {
        var invoke = Activity("invoke-adaptiveCard-action.json");
        var json = invoke.ToJsonString().Replace("\"question\":\"Skill\"", "\"question\":\"Skill\",\"question\":\"Team\"", StringComparison.Ordinal);
        Assert.Contains("\"question\":\"Team\"", json, StringComparison.Ordinal);

        var response = await _app.PostAsync(_client, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("repeats a property name", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_MembersAddedWithNullItems_200AndNullsIgnored()
    {
        var update = Activity("conversationUpdate-botAdded.json");
        update["membersAdded"] = new JsonArray(null, null);
        Assert.Equal(HttpStatusCode.OK, (await _app.PostAsync(_client, update.ToJsonString())).StatusCode);
        Assert.Empty(ConnectorCalls());

        // A null next to the bot still greets.
        var withBot = Activity("conversationUpdate-botAdded.json");
        withBot["membersAdded"]!.AsArray().Insert(0, null);
        Assert.Equal(HttpStatusCode.OK, (await _app.PostAsync(_client, withBot.ToJsonString())).StatusCode);
        Assert.Single(ConnectorCalls());
    }

    [Fact]
    public async Task Install_ServiceUrlUnreachable_GreetingQueuedAndSentByTheQueueLater()
    {
        // A connector that is down when the install arrives, and up again later on the same address.
        var down = LocalServers.Start();
        var address = down.Urls[0];
        down.Stop();
        down.Dispose();
        var update = Activity("conversationUpdate-botAdded.json", serviceUrl: address + "/amer/");

        var response = await _app.PostAsync(_client, update.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await QueueAsync()).Pending);

        using var up = WireMockServer.Start(new WireMockServerSettings { Urls = [address], StartAdminInterface = false });
        up.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"id":"1:greeted"}"""));
        await _app.Services.GetRequiredService<WorkQueueRunner>().RunOnceAsync("hostile-test", CancellationToken.None);

        var greeting = Assert.Single(up.LogEntries);
        Assert.Equal("/amer/v3/conversations/a:1Xy7Z-PersonalConversationWithAna/activities", greeting.RequestMessage.Path);
        Assert.StartsWith("Hi, I'm TriageBot", (string?)JsonNode.Parse(greeting.RequestMessage.Body!)!["text"], StringComparison.Ordinal);
        Assert.Equal(0, (await QueueAsync()).Pending);
    }
}

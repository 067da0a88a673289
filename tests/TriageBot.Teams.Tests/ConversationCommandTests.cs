using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Engine.Ports;
using TriageBot.Teams.Tests.Support;

namespace TriageBot.Teams.Tests;

/// <summary>The engine's command table through Teams: the Lead gate, stats, settings errors on their field.</summary>
public sealed class ConversationCommandTests : IClassFixture<TeamsAppFactory>
{
    private const string Tenant = "teams:72f988bf-86f1-41af-91ab-2d7cd011db47";
    private const string Elena = "00000000-0000-0000-0000-000000000005"; // a manager, not a Lead, in the sample org

    private readonly TeamsAppFactory _app;
    private readonly HttpClient _client;

    public ConversationCommandTests(TeamsAppFactory app)
    {
        _app = app;
        _app.ResetFake();
        _client = app.CreateClient();
    }

    private static IEnumerable<JsonObject> All(JsonNode? node) => CardJson.All(node);

    private async Task<JsonNode> SendAsync(string text, string? aadObjectId = null)
    {
        _app.ConnectorAcceptsEverything();
        var message = _app.Activity("message-personal.json");
        message["text"] = text;
        if (aadObjectId is not null)
        {
            message["from"]!["aadObjectId"] = aadObjectId;
        }

        Assert.Equal(HttpStatusCode.OK, (await _app.PostActivityAsync(_client, message)).StatusCode);
        return JsonNode.Parse(_app.ConnectorCalls()[^1].Body!)!;
    }

    [Theory]
    [InlineData("log 30m")]
    [InlineData("done")]
    [InlineData("stats")]
    public async Task Message_NonLeadLeadOnlyCommand_RefusedUpFrontLikeSlack(string text)
    {
        var reply = await SendAsync(text, Elena);

        var answer = (string?)reply["text"];
        Assert.Contains("That command is for Leads", answer, StringComparison.Ordinal);
        Assert.Contains("teams_id", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("I don't know a Lead", answer, StringComparison.Ordinal);
        var ledger = _app.Services.GetRequiredService<ITimeLedger>();
        Assert.Empty(await ledger.ListForLeadAsync(Tenant, "elena", DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1)));
    }

    [Fact]
    public async Task Message_Stats_FactSetWithThisWeeksCounts()
    {
        var reply = await SendAsync("stats");

        var card = reply["attachments"]![0]!["content"]!;
        var facts = All(card).Single(o => (string?)o["type"] == "FactSet")["facts"]!.AsArray();
        Assert.Equal(["Requests received", "Taken", "Redirected", "Help hours"], facts.Select(f => (string?)f!["title"]));
        Assert.Contains(All(card), o => ((string?)o["text"])?.StartsWith("Your week ", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Invoke_SettingsWithUnknownTimezone_ErrorUnderTheTimezoneFieldAndNothingSaved()
    {
        var invoke = _app.Activity("invoke-adaptiveCard-action.json");
        invoke["value"]!["action"]!["verb"] = "settings";
        invoke["value"]!["action"]!["data"] = new JsonObject { ["budgetHours"] = "7", ["timeZone"] = "Mars/Olympus" };

        var response = await _app.PostActivityAsync(_client, invoke);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var card = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["value"]!;
        var error = All(card).Single(o => (string?)o["id"] == "timeZoneError");
        Assert.Contains("IANA", (string?)error["text"], StringComparison.Ordinal);
        Assert.DoesNotContain(All(card), o => (string?)o["id"] == "budgetHoursError");
        Assert.Contains(All(card), o => (string?)o["id"] == "timeZone" && (string?)o["value"] == "Mars/Olympus");
        var stored = await _app.Services.GetRequiredService<ILeadSettingsStore>().GetAsync(Tenant, "ana");
        Assert.NotEqual("Mars/Olympus", stored?.TimeZone);
        Assert.NotEqual(7, stored?.BudgetHours);
    }
}

using System.Net;
using System.Text.Json.Nodes;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Understanding;
using TriageBot.Engine.UseCases;

namespace TriageBot.Slack.Tests;

/// <summary>The buttons and menus of a decision card, in the modal and in a DM message.</summary>
public sealed class CardActionTests : IDisposable
{
    private const string Tenant = "slack:T0E2E";
    private readonly FakeSlack _slack = new();
    private readonly string _dataDir = Directory.CreateTempSubdirectory("triagebot-slack-cards-").FullName;

    public void Dispose()
    {
        _slack.Dispose();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static JsonNode TopicPicker(JsonNode card) =>
        card["blocks"]!.AsArray().Where(b => (string)b!["type"]! == "actions").SelectMany(b => b!["elements"]!.AsArray())
            .First(e => (string)e!["action_id"]! == "tb_topic_pick")!;

    // The Lead picks an option of the DM card's topic select.
    private static string DmTopicPick(string messageTs, JsonNode option) => Action(
        "{\"type\":\"message\",\"message_ts\":\"" + messageTs + "\",\"channel_id\":\"D0ANA\",\"is_ephemeral\":false}", "\"channel\":{\"id\":\"D0ANA\"},",
        "{\"type\":\"static_select\",\"action_id\":\"tb_topic_pick\",\"block_id\":\"tb_topic\",\"selected_option\":" + option.ToJsonString() + ",\"action_ts\":\"1.5\"}");

    private static string Action(string containerJson, string viewJson, string actionJson) => """
        {"type":"block_actions","team":{"id":"T0E2E","domain":"e2e"},"user":{"id":"U01ANA","team_id":"T0E2E"},"api_app_id":"A1","token":"t",
         "container":__CONTAINER__,"trigger_id":"900.900.trigger",__VIEW__"actions":[__ACTION__]}
        """.Replace("__CONTAINER__", containerJson, StringComparison.Ordinal).Replace("__VIEW__", viewJson, StringComparison.Ordinal).Replace("__ACTION__", actionJson, StringComparison.Ordinal);

    private static string ModalView(string metadata, string stateValues = "{}") =>
        "\"view\":{\"id\":\"V1\",\"type\":\"modal\",\"callback_id\":\"tb_triage\",\"hash\":\"h1\",\"private_metadata\":" + JsonValue.Create(metadata).ToJsonString()
        + ",\"state\":{\"values\":" + stateValues + "}},";

    [Fact]
    public async Task ModalButtons_OverrideClarifyTake_UpdateModalAndReplyInThread()
    {
        await using var app = new SlackAppFactory(_slack.ApiBaseUrl, _dataDir);
        using var client = app.CreateClient();
        var shortcut = """
            {"type":"message_action","team":{"id":"T0E2E","domain":"e2e"},"user":{"id":"U01ANA","team_id":"T0E2E"},"channel":{"id":"C0HELP","name":"help"},
             "callback_id":"triage_message","trigger_id":"111.222.trigger","message_ts":"1700000000.000300",
             "message":{"type":"message","text":"hey, quick thing about the stuff from yesterday?","user":"U01DANI","ts":"1700000000.000300","thread_ts":"1700000000.000100"}}
            """;
        Assert.Equal(HttpStatusCode.OK, (await app.PostInteractionAsync(client, shortcut)).StatusCode);
        Assert.Single(_slack.Calls("views.open"));
        var view = FakeSlack.Json(Assert.Single(_slack.Calls("views.update")))["view"]!;
        var metadata = (string)view["private_metadata"]!;
        var requestId = Guid.Parse((string)JsonNode.Parse(metadata)!["request_id"]!);
        var selects = view["blocks"]!.AsArray().Where(b => b!["accessory"] is not null).Select(b => b!["accessory"]!).ToList();
        Assert.Equal(4, selects.Count);
        var skill = selects.First(s => (string)s["action_id"]! == "tb_override_skill");
        var yes = skill["options"]!.AsArray().First(o => ((string)o!["value"]!).EndsWith("|Skill|Yes", StringComparison.Ordinal))!;

        // Override an answer: the modal is updated in place with the recomputed decision (a new version).
        var overrideAction = "{\"type\":\"static_select\",\"action_id\":\"tb_override_skill\",\"block_id\":\"b1\",\"selected_option\":" + yes.ToJsonString() + ",\"action_ts\":\"1.1\"}";
        Assert.Equal(HttpStatusCode.OK, (await app.PostInteractionAsync(client, Action("{\"type\":\"view\",\"view_id\":\"V1\"}", ModalView(metadata), overrideAction))).StatusCode);
        Assert.Equal(2, _slack.Calls("views.update").Count);
        var update = FakeSlack.Json(_slack.Calls("views.update")[1]);
        Assert.Equal("V1", (string)update["view_id"]!);
        Assert.Equal("h1", (string)update["hash"]!);
        Assert.Contains("v2", update["view"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(2, (await app.Service<IRequestStore>().GetDecisionsAsync(Tenant, requestId)).Count);

        // Ask for details: the question goes to the requester in the original thread.
        var clarify = "{\"type\":\"button\",\"action_id\":\"tb_clarify\",\"block_id\":\"tb_actions\",\"value\":\"" + requestId + "\",\"action_ts\":\"1.2\"}";
        Assert.Equal(HttpStatusCode.OK, (await app.PostInteractionAsync(client, Action("{\"type\":\"view\",\"view_id\":\"V1\"}", ModalView(metadata), clarify))).StatusCode);
        var question = FakeSlack.Json(Assert.Single(await _slack.WaitForPostsAsync("C0HELP", 1)));
        Assert.Equal("1700000000.000100", (string)question["thread_ts"]!);
        Assert.StartsWith("<@U01DANI> ", (string)question["text"]!, StringComparison.Ordinal);
        Assert.Equal(RequestStatus.Clarified, (await app.Service<IRequestStore>().GetAsync(Tenant, requestId))!.Status);

        // Take with an estimate typed into the modal.
        var state = """{"tb_estimate":{"estimate":{"type":"plain_text_input","value":"45m"}}}""";
        var take = "{\"type\":\"button\",\"action_id\":\"tb_take\",\"block_id\":\"tb_actions\",\"value\":\"" + requestId + "\",\"action_ts\":\"1.3\"}";
        Assert.Equal(HttpStatusCode.OK, (await app.PostInteractionAsync(client, Action("{\"type\":\"view\",\"view_id\":\"V1\"}", ModalView(metadata, state), take))).StatusCode);
        Assert.Equal(4, _slack.Calls("views.update").Count);
        Assert.Equal(RequestStatus.Taken, (await app.Service<IRequestStore>().GetAsync(Tenant, requestId))!.Status);
        var entries = await app.Service<ITimeLedger>().ListForLeadAsync(Tenant, "ana", DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1));
        Assert.Contains(entries, e => e.IsEstimate && e.Minutes == 45 && e.RequestId == requestId);
    }

    [Fact]
    public async Task MessageSelect_PickTopic_RecomputesTheDmCardAndTheNextSimilarRequestIsLearned()
    {
        await using var app = new SlackAppFactory(_slack.ApiBaseUrl, _dataDir);
        using var client = app.CreateClient();
        const string Text = "did the loyalty emails actually make people reorder, or would they have come back anyway?";
        var im = """
            {"token":"t","team_id":"T0E2E","api_app_id":"A1","type":"event_callback","event_id":"EvTOPIC1","event_time":1700000000,
             "event":{"type":"message","channel":"D0ANA","user":"U01ANA","text":"__TEXT__","ts":"1700000000.000700","channel_type":"im"}}
            """.Replace("__TEXT__", Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await app.PostEventAsync(client, im)).StatusCode);
        var card = FakeSlack.Json(Assert.Single(await _slack.WaitForPostsAsync("D0ANA", 1)));
        var causal = TopicPicker(card)["options"]!.AsArray().First(o => ((string)o!["value"]!).EndsWith("|causal-inference", StringComparison.Ordinal))!;
        var requestId = Guid.Parse(((string)causal["value"]!)[..36]);

        var pick = DmTopicPick("1700000001.000700", causal);
        Assert.Equal(HttpStatusCode.OK, (await app.PostInteractionAsync(client, pick)).StatusCode);

        var update = FakeSlack.Json(Assert.Single(await _slack.WaitForCallsAsync("chat.update", 1)));
        Assert.Contains("Causal inference", update["blocks"]!.ToJsonString(), StringComparison.Ordinal);
        var latest = await app.Service<IRequestStore>().GetLatestDecisionAsync(Tenant, requestId);
        Assert.Equal("causal-inference", latest!.Decision.Analysis.TopTopic?.TopicId);

        // The same kind of question again is now understood, and the card says why.
        var again = im.Replace("EvTOPIC1", "EvTOPIC2", StringComparison.Ordinal).Replace("1700000000.000700", "1700000000.000800", StringComparison.Ordinal)
            .Replace(Text, "would people have come back anyway without the loyalty emails, or did the emails make them reorder?", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await app.PostEventAsync(client, again)).StatusCode);
        var second = FakeSlack.Json((await _slack.WaitForPostsAsync("D0ANA", 2))[1]);
        Assert.Contains("you triaged before", second["blocks"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MessageSelect_PickNoTopic_CardBecomesClarifyAndTheExampleIsLabelledNoTopic()
    {
        await using var app = new SlackAppFactory(_slack.ApiBaseUrl, _dataDir);
        using var client = app.CreateClient();
        var im = """
            {"token":"t","team_id":"T0E2E","api_app_id":"A1","type":"event_callback","event_id":"EvNOTOPIC1","event_time":1700000000,
             "event":{"type":"message","channel":"D0ANA","user":"U01ANA","text":"Quick one: can you fix this sql query join for me today?","ts":"1700000000.000900","channel_type":"im"}}
            """;
        Assert.Equal(HttpStatusCode.OK, (await app.PostEventAsync(client, im)).StatusCode);
        var card = FakeSlack.Json(Assert.Single(await _slack.WaitForPostsAsync("D0ANA", 1)));
        var none = TopicPicker(card)["options"]!.AsArray()[0]!;
        Assert.Equal(DecisionCardPresenter.NoTopicChoice, (string)none["text"]!["text"]!);
        var requestId = Guid.Parse(((string)none["value"]!)[..36]);

        var pick = DmTopicPick("1700000001.000900", none);
        Assert.Equal(HttpStatusCode.OK, (await app.PostInteractionAsync(client, pick)).StatusCode);

        var update = FakeSlack.Json(Assert.Single(await _slack.WaitForCallsAsync("chat.update", 1)));
        Assert.Contains("You said this names no topic", update["blocks"]!.ToJsonString(), StringComparison.Ordinal);
        var latest = await app.Service<IRequestStore>().GetLatestDecisionAsync(Tenant, requestId);
        Assert.Equal(DecisionOutcome.Clarify, latest!.Decision.Outcome);
        var example = Assert.Single(await app.Service<TriageBot.Storage.IStorage>().LearnedExamples.ListAsync(Tenant, 10));
        Assert.Equal((requestId, LearnedExample.NoTopic), (example.RequestId, example.TopicId));
    }

    [Fact]
    public async Task MessageSelect_UnreadableTopicValue_TheUserIsToldTheCardIsOutOfDateAndNothingChanges()
    {
        await using var app = new SlackAppFactory(_slack.ApiBaseUrl, _dataDir);
        using var client = app.CreateClient();
        var pick = Action("{\"type\":\"message\",\"message_ts\":\"1.1\",\"channel_id\":\"D0ANA\"}", "\"channel\":{\"id\":\"D0ANA\"},",
            "{\"type\":\"static_select\",\"action_id\":\"tb_topic_pick\",\"selected_option\":{\"text\":{\"type\":\"plain_text\",\"text\":\"x\"},\"value\":\"not-a-request|sql\"}}");

        var response = await app.PostInteractionAsync(client, pick);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var notice = FakeSlack.Json(Assert.Single(await _slack.WaitForCallsAsync("chat.postEphemeral", 1)));
        Assert.Contains("out of date", (string)notice["text"]!, StringComparison.Ordinal);
        Assert.Empty(_slack.Calls("chat.update"));
    }

    /// <summary>Ana DMs a request; returns the value of one button of the card posted back.</summary>
    private async Task<string> DmCardButtonAsync(SlackAppFactory app, HttpClient client, string eventId, string text, string actionId)
    {
        var im = $$$"""
            {"token":"t","team_id":"T0E2E","api_app_id":"A1","type":"event_callback","event_id":"{{{eventId}}}","event_time":1700000000,
             "event":{"type":"message","channel":"D0ANA","user":"U01ANA","text":{{{JsonValue.Create(text).ToJsonString()}}},"ts":"1700000000.000500","channel_type":"im"}}
            """;
        Assert.Equal(HttpStatusCode.OK, (await app.PostEventAsync(client, im)).StatusCode);
        var card = FakeSlack.Json(Assert.Single(await _slack.WaitForPostsAsync("D0ANA", 1)));
        var button = card["blocks"]!.AsArray().Where(b => (string)b!["type"]! == "actions").SelectMany(b => b!["elements"]!.AsArray()).First(e => (string)e!["action_id"]! == actionId)!;
        return (string)button["value"]!;
    }

    /// <summary>Ana submits the redirect editor opened as <paramref name="editor"/> with <paramref name="message"/>.</summary>
    private static string RedirectSubmit(JsonNode editor, string message) => """
        {"type":"view_submission","team":{"id":"T0E2E","domain":"e2e"},"user":{"id":"U01ANA","team_id":"T0E2E"},"api_app_id":"A1","token":"t","trigger_id":"777.999",
         "view":{"id":"V9","type":"modal","callback_id":"tb_redirect","hash":"h9","private_metadata":__META__,
           "state":{"values":{"tb_redirect_msg":{"message":{"type":"plain_text_input","value":__MESSAGE__}}}}}}
        """.Replace("__META__", JsonValue.Create((string)editor["private_metadata"]!).ToJsonString(), StringComparison.Ordinal)
        .Replace("__MESSAGE__", JsonValue.Create(message).ToJsonString(), StringComparison.Ordinal);

    /// <summary>A click on a button of the card in Ana's DM (a posted message at <paramref name="messageTs"/>).</summary>
    private static string DmCardClick(string actionId, string value, string messageTs) =>
        Action($$"""{"type":"message","message_ts":"{{messageTs}}","channel_id":"D0ANA","is_ephemeral":false}""", "\"channel\":{\"id\":\"D0ANA\"},",
            $$"""{"type":"button","action_id":"{{actionId}}","block_id":"tb_actions","value":"{{value}}","action_ts":"1.4"}""");

    [Fact]
    public async Task MessageButton_Take_UpdatesTheDmCard()
    {
        await using var app = new SlackAppFactory(_slack.ApiBaseUrl, _dataDir);
        using var client = app.CreateClient();
        var requestId = await DmCardButtonAsync(app, client, "EvCARD1", "Could you review my uplift model experiment design?", "tb_take");

        Assert.Equal(HttpStatusCode.OK, (await app.PostInteractionAsync(client, DmCardClick("tb_take", requestId, "1700000001.000100"))).StatusCode);
        var update = FakeSlack.Json(Assert.Single(await _slack.WaitForCallsAsync("chat.update", 1)));
        Assert.Equal("D0ANA", (string)update["channel"]!);
        Assert.Equal("1700000001.000100", (string)update["ts"]!);
        Assert.Contains("tb_done", update["blocks"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MessageButton_RedirectSubmittedFromItsModal_TheDmCardNoLongerOffersIt()
    {
        await using var app = new SlackAppFactory(_slack.ApiBaseUrl, _dataDir);
        using var client = app.CreateClient();
        var requestId = await DmCardButtonAsync(app, client, "EvCARD2", "can you fix my sql join today? it double counts orders", "tb_redirect_open");

        // Redirect on the DM card opens the editor in a modal (views.open: the card is a message, not a modal).
        Assert.Equal(HttpStatusCode.OK, (await app.PostInteractionAsync(client, DmCardClick("tb_redirect_open", requestId, "1700000001.000200"))).StatusCode);
        var editor = FakeSlack.Json(Assert.Single(_slack.Calls("views.open")))["view"]!;
        Assert.Equal(HttpStatusCode.OK, (await app.PostInteractionAsync(client, RedirectSubmit(editor, "Omar knows this join best, ask him."))).StatusCode);

        // The card in the DM is replaced by the redirected one: no Take or Redirect left to click.
        var update = FakeSlack.Json(Assert.Single(await _slack.WaitForCallsAsync("chat.update", 1)));
        Assert.Equal("D0ANA", (string)update["channel"]!);
        Assert.Equal("1700000001.000200", (string)update["ts"]!);
        Assert.DoesNotContain("tb_redirect_open", update["blocks"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\"tb_take\"", update["blocks"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonLead_ClickingTake_GetsEphemeralNoteAndNothingChanges()
    {
        await using var app = new SlackAppFactory(_slack.ApiBaseUrl, _dataDir);
        using var client = app.CreateClient();
        var requestId = Guid.NewGuid();
        var click = Action("{\"type\":\"message\",\"message_ts\":\"1.1\",\"channel_id\":\"C0HELP\"}", string.Empty,
            "{\"type\":\"button\",\"action_id\":\"tb_take\",\"value\":\"" + requestId + "\"}").Replace("U01ANA", "U01DANI", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await app.PostInteractionAsync(client, click)).StatusCode);
        var note = FakeSlack.Json(Assert.Single(await _slack.WaitForCallsAsync("chat.postEphemeral", 1)));
        Assert.Equal("U01DANI", (string)note["user"]!);
        Assert.Empty(_slack.Calls("chat.update"));
    }

    // A /triage in a channel by Ana: the ack, and the request id on the card that came back through response_url.
    private async Task<(JsonNode Ack, string RequestId)> SlashCommandCardAsync(SlackAppFactory app, HttpClient client, string channel, string text, string responseId)
    {
        var command = $"token=t&team_id=T0E2E&team_domain=e2e&channel_id={channel}&channel_name=c&user_id=U01ANA&user_name=ana&command=%2Ftriage"
            + "&text=" + Uri.EscapeDataString(text)
            + "&response_url=" + Uri.EscapeDataString(_slack.ResponseUrl(responseId)) + "&trigger_id=1.2.3&api_app_id=A1";
        var ack = JsonNode.Parse(await (await app.PostFormAsync(client, command)).Content.ReadAsStringAsync())!;
        var answer = FakeSlack.Json(Assert.Single(await _slack.WaitForResponsesAsync(1)));
        var requestId = (string)answer["blocks"]!.AsArray().Where(b => (string)b!["type"]! == "actions").SelectMany(b => b!["elements"]!.AsArray())
            .First(e => e!["value"] is JsonValue v && Guid.TryParse(v.ToString(), out _))!["value"]!;
        return (ack, requestId);
    }

    // A click on a button of the ephemeral card a /triage answered with.
    private string EphemeralCardClick(string channel, string actionId, string requestId, string responseId) => Action(
        "{\"type\":\"message\",\"message_ts\":\"1700000002.000100\",\"channel_id\":\"" + channel + "\",\"is_ephemeral\":true}",
        "\"channel\":{\"id\":\"" + channel + "\"},\"response_url\":" + JsonValue.Create(_slack.ResponseUrl(responseId)).ToJsonString() + ",",
        "{\"type\":\"button\",\"action_id\":\"" + actionId + "\",\"block_id\":\"tb_actions\",\"value\":\"" + requestId + "\",\"action_ts\":\"1.5\"}");

    [Fact]
    public async Task SlashCommandCard_TakeClicked_CardReplacedThroughResponseUrl()
    {
        await using var app = new SlackAppFactory(_slack.ApiBaseUrl, _dataDir);
        using var client = app.CreateClient();
        var (ack, requestId) = await SlashCommandCardAsync(app, client, "C0HELP", "Could you review my uplift model experiment design?", "cmd1");
        Assert.Contains("Reading your request", (string)ack["text"]!, StringComparison.Ordinal);

        // Take on the ephemeral card: chat.update cannot touch an ephemeral message, so the card is replaced through
        // the click's response_url.
        var click = EphemeralCardClick("C0HELP", "tb_take", requestId, "click1");
        Assert.Equal(HttpStatusCode.OK, (await app.PostInteractionAsync(client, click)).StatusCode);

        var response = (await _slack.WaitForResponsesAsync(2))[1];
        Assert.Equal("/actions/T0E2E/click1", response.RequestMessage.Path);
        var body = FakeSlack.Json(response);
        Assert.True((bool)body["replace_original"]!);
        Assert.Equal("ephemeral", (string)body["response_type"]!);
        Assert.Contains("tb_done", body["blocks"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(_slack.Calls("chat.postEphemeral"));
        Assert.Empty(_slack.Calls("chat.update"));
    }

    [Fact]
    public async Task SlashCommandCard_RedirectSubmittedFromItsModal_CardReplacedThroughResponseUrl()
    {
        await using var app = new SlackAppFactory(_slack.ApiBaseUrl, _dataDir);
        using var client = app.CreateClient();
        var (_, requestId) = await SlashCommandCardAsync(app, client, "C0HELP", "can you fix my sql join today? it double counts orders", "cmd2");

        Assert.Equal(HttpStatusCode.OK, (await app.PostInteractionAsync(client, EphemeralCardClick("C0HELP", "tb_redirect_open", requestId, "click2"))).StatusCode);
        var editor = FakeSlack.Json(Assert.Single(_slack.Calls("views.open")))["view"]!;
        Assert.Equal(HttpStatusCode.OK, (await app.PostInteractionAsync(client, RedirectSubmit(editor, "Omar knows this join best, ask him."))).StatusCode);

        // The ephemeral card cannot take chat.update: it is replaced through the click's response_url.
        var response = (await _slack.WaitForResponsesAsync(2))[1];
        Assert.Equal("/actions/T0E2E/click2", response.RequestMessage.Path);
        var body = FakeSlack.Json(response);
        Assert.True((bool)body["replace_original"]!);
        Assert.DoesNotContain("tb_redirect_open", body["blocks"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(_slack.Calls("chat.update"));
    }

    [Fact]
    public async Task SlashCommandCard_AskForDetailsClickedTwice_LeadGetsTheTextPrivatelyOnceAndTheChannelNothing()
    {
        await using var app = new SlackAppFactory(_slack.ApiBaseUrl, _dataDir);
        using var client = app.CreateClient();
        var (_, requestId) = await SlashCommandCardAsync(app, client, "C0PUBLIC", "hey, quick thing about the stuff from yesterday?", "cmd2");
        var click = EphemeralCardClick("C0PUBLIC", "tb_clarify", requestId, "click2");

        Assert.Equal(HttpStatusCode.OK, (await app.PostInteractionAsync(client, click)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PostInteractionAsync(client, click)).StatusCode);

        var ephemeral = FakeSlack.Json(Assert.Single(await _slack.WaitForCallsAsync("chat.postEphemeral", 1)));
        Assert.Equal("U01ANA", (string)ephemeral["user"]!);
        Assert.Contains("pass it on", (string)ephemeral["text"]!, StringComparison.Ordinal);
        var cards = await _slack.WaitForResponsesAsync(3);
        Assert.Single(_slack.Calls("chat.postEphemeral"));
        Assert.Empty(_slack.Posts("C0PUBLIC"));
        // The second card says the click changed nothing, instead of claiming to ask again.
        Assert.Contains("Already asked", FakeSlack.Json(cards[2])["blocks"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonLead_ClickingTakeWithResponseUrl_NoteComesThroughResponseUrl()
    {
        await using var app = new SlackAppFactory(_slack.ApiBaseUrl, _dataDir);
        using var client = app.CreateClient();
        var click = Action("{\"type\":\"message\",\"message_ts\":\"1.1\",\"channel_id\":\"C0HELP\",\"is_ephemeral\":true}",
            "\"response_url\":" + JsonValue.Create(_slack.ResponseUrl("note1")).ToJsonString() + ",",
            "{\"type\":\"button\",\"action_id\":\"tb_take\",\"value\":\"" + Guid.NewGuid() + "\"}").Replace("U01ANA", "U01DANI", StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await app.PostInteractionAsync(client, click)).StatusCode);

        var body = FakeSlack.Json(Assert.Single(await _slack.WaitForResponsesAsync(1)));
        Assert.False((bool)body["replace_original"]!);
        Assert.Contains("Only a Lead", (string)body["text"]!, StringComparison.Ordinal);
        Assert.Empty(_slack.Calls("chat.postEphemeral"));
    }

    [Fact]
    public async Task AskForDetails_BotNotInThatChannel_LeadGetsTheTextByDm()
    {
        // Slack refuses posts to the private channel the bot was never invited to.
        _slack.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/api/chat.postMessage").UsingPost().WithBody(new WireMock.Matchers.WildcardMatcher("*C0PRIV*")))
            .AtPriority(1)
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{\"ok\":false,\"error\":\"not_in_channel\"}"));
        await using var app = new SlackAppFactory(_slack.ApiBaseUrl, _dataDir);
        using var client = app.CreateClient();
        var shortcut = """
            {"type":"message_action","team":{"id":"T0E2E","domain":"e2e"},"user":{"id":"U01ANA","team_id":"T0E2E"},"channel":{"id":"C0PRIV","name":"secret"},
             "callback_id":"triage_message","trigger_id":"111.222.trigger","message_ts":"1700000000.000300",
             "message":{"type":"message","text":"hey, quick thing about the stuff from yesterday?","user":"U01DANI","ts":"1700000000.000300"}}
            """;
        Assert.Equal(HttpStatusCode.OK, (await app.PostInteractionAsync(client, shortcut)).StatusCode);
        var metadata = (string)FakeSlack.Json(Assert.Single(_slack.Calls("views.update")))["view"]!["private_metadata"]!;
        var requestId = (string)JsonNode.Parse(metadata)!["request_id"]!;

        var clarify = "{\"type\":\"button\",\"action_id\":\"tb_clarify\",\"block_id\":\"tb_actions\",\"value\":\"" + requestId + "\",\"action_ts\":\"1.2\"}";
        Assert.Equal(HttpStatusCode.OK, (await app.PostInteractionAsync(client, Action("{\"type\":\"view\",\"view_id\":\"V1\"}", ModalView(metadata), clarify))).StatusCode);

        var dm = FakeSlack.Json(Assert.Single(await _slack.WaitForPostsAsync("U01ANA", 1)));
        Assert.Contains("I'm not a member of <#C0PRIV>", (string)dm["text"]!, StringComparison.Ordinal);
        Assert.Contains("<@U01DANI>", (string)dm["text"]!, StringComparison.Ordinal);
        Assert.Single(_slack.Posts("C0PRIV"));
    }
}

using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Engine.Digest;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Queue;
using TriageBot.Engine.UseCases;
using TriageBot.Teams.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TriageBot.Teams.Tests;

/// <summary>The host end to end: Teams activities in, connector calls out, all on 127.0.0.1.</summary>
public sealed class EndToEndTests : IClassFixture<TeamsAppFactory>
{
    private const string Tenant = "teams:72f988bf-86f1-41af-91ab-2d7cd011db47";
    private const string PersonalConversation = "a:1Xy7Z-PersonalConversationWithAna";
    private const string ChannelConversation = "19:4a8c3f0e2b7d4b6f9e1a@thread.tacv2";

    private readonly TeamsAppFactory _app;
    private readonly HttpClient _client;

    public EndToEndTests(TeamsAppFactory app)
    {
        _app = app;
        _app.ResetFake();
        _client = app.CreateClient();
    }

    private static IEnumerable<JsonObject> All(JsonNode? node) => CardJson.All(node);

    private static Guid RequestIdIn(JsonNode card) =>
        Guid.Parse(All(card).First(o => o["requestId"] is not null)["requestId"]!.GetValue<string>());

    private async Task<JsonNode> TriageInChatAsync(string text)
    {
        _app.ConnectorAcceptsEverything();
        var message = _app.Activity("message-personal.json");
        message["text"] = text;
        var response = await _app.PostActivityAsync(_client, message);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = _app.ConnectorCalls().Last(c => c.Path.EndsWith("/activities/" + (string?)message["id"], StringComparison.Ordinal));
        return JsonNode.Parse(reply.Body!)!["attachments"]![0]!["content"]!;
    }

    [Fact]
    public async Task Message_PlainText_RepliesWithDecisionCardAtReplyUrlWithBearerToken()
    {
        _app.ConnectorAcceptsEverything();
        var message = _app.Activity("message-personal.json");

        var response = await _app.PostActivityAsync(_client, message);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = Assert.Single(_app.ConnectorCalls());
        Assert.Equal("POST", call.Method);
        Assert.Equal($"/amer/v3/conversations/{PersonalConversation}/activities/{message["id"]}", call.Path);
        Assert.Equal("Bearer " + TeamsAppFactory.OutboundToken, call.Authorization);
        var body = JsonNode.Parse(call.Body!)!;
        Assert.Equal("message", (string?)body["type"]);
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)body["attachments"]![0]!["contentType"]);
        var card = body["attachments"]![0]!["content"]!;
        Assert.Equal("1.5", (string?)card["version"]);
        Assert.Contains(All(card), o => (string?)o["type"] == "Action.Execute");

        // The 1:1 conversation reference is stored for the digest.
        var references = _app.Services.GetRequiredService<IConversationReferenceStore>();
        var stored = await references.GetAsync(Tenant, "00000000-0000-0000-0000-000000000001");
        Assert.NotNull(stored);
        Assert.Equal("ana", stored.PersonId);
        Assert.Equal("personal", (string?)JsonNode.Parse(stored.ReferenceJson)!["conversation"]!["conversationType"]);
        Assert.Equal(_app.ServiceUrl, (string?)JsonNode.Parse(stored.ReferenceJson)!["serviceUrl"]);
    }

    [Fact]
    public async Task Message_Throttled429ThenSuccess_ReplyDelivered()
    {
        var message = _app.Activity("message-personal.json");
        var path = $"/amer/v3/conversations/{PersonalConversation}/activities/{message["id"]}";
        _app.Fake.Given(Request.Create().UsingPost().WithPath(path)).InScenario("throttle").WillSetStateTo("open")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "0"));
        _app.Fake.Given(Request.Create().UsingPost().WithPath(path)).InScenario("throttle").WhenStateIs("open")
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"1:ok"}"""));

        var response = await _app.PostActivityAsync(_client, message);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _app.ConnectorCalls().Count(c => c.Path == path));
    }

    [Fact]
    public async Task Message_DeliveredTwice_RepliedOnce()
    {
        _app.ConnectorAcceptsEverything();
        var message = _app.Activity("message-personal.json");

        Assert.Equal(HttpStatusCode.OK, (await _app.PostActivityAsync(_client, message)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.PostActivityAsync(_client, message)).StatusCode);

        Assert.Single(_app.ConnectorCalls(), c => c.Path.EndsWith("/activities/" + (string?)message["id"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Message_ReplyFailedThenRedelivered_TheRedeliveryIsProcessed()
    {
        var message = _app.Activity("message-personal.json");
        var path = $"/amer/v3/conversations/{PersonalConversation}/activities/{message["id"]}";
        // The first reply is refused (not retried), the next one accepted.
        _app.Fake.Given(Request.Create().UsingPost().WithPath(path)).InScenario("refuse-once").WillSetStateTo("open")
            .RespondWith(Response.Create().WithStatusCode(403).WithBody("""{"error":{"code":"BotDisabledByAdmin"}}"""));
        _app.Fake.Given(Request.Create().UsingPost().WithPath(path)).InScenario("refuse-once").WhenStateIs("open")
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"1:ok"}"""));

        var first = await _app.PostActivityAsync(_client, message);
        var again = await _app.PostActivityAsync(_client, message);

        // The failed delivery did not mark the message processed: the redelivery replied.
        Assert.NotEqual(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(2, _app.ConnectorCalls().Count(c => c.Path == path));
        // The first delivery stored the request before its reply failed; the redelivery answered from it.
        var stored = await _app.Services.GetRequiredService<IRequestStore>().ListForLeadAsync(Tenant, "ana", DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1));
        Assert.Single(stored, r => r.MessageRef == (string?)message["id"]);
    }

    [Fact]
    public async Task Message_ReplyTooLargeForTeams_ShortNoteInsteadAndNoServerError()
    {
        var message = _app.Activity("message-personal.json");
        var path = $"/amer/v3/conversations/{PersonalConversation}/activities/{message["id"]}";
        // Teams refuses the card (413 MessageSizeTooBig), then takes the short note.
        _app.Fake.Given(Request.Create().UsingPost().WithPath(path)).InScenario("too-big").WillSetStateTo("noted")
            .RespondWith(Response.Create().WithStatusCode(413).WithBody("""{"error":{"code":"MessageSizeTooBig","message":"Message size too big"}}"""));
        _app.Fake.Given(Request.Create().UsingPost().WithPath(path)).InScenario("too-big").WhenStateIs("noted")
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"1:ok"}"""));

        var response = await _app.PostActivityAsync(_client, message);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var calls = _app.ConnectorCalls().Where(c => c.Path == path).ToList();
        Assert.Equal(2, calls.Count);
        var note = JsonNode.Parse(calls[1].Body!)!;
        Assert.Contains("too large for a Teams message", (string?)note["text"], StringComparison.Ordinal);
        Assert.Null(note["attachments"]);
    }

    [Fact]
    public async Task Message_FromSomeoneWhoIsNotALead_AnswersWhoToAskAndStoresNothing()
    {
        _app.ConnectorAcceptsEverything();
        var message = _app.Activity("message-personal.json");
        message["from"]!["aadObjectId"] = "00000000-0000-0000-0000-000000000005"; // Elena, a manager in the sample org
        message["text"] = "Can someone help me design a difference in differences analysis for the pricing change?";

        Assert.Equal(HttpStatusCode.OK, (await _app.PostActivityAsync(_client, message)).StatusCode);

        var reply = JsonNode.Parse(_app.ConnectorCalls()[^1].Body!)!;
        Assert.Contains("not set up as a Lead", (string?)reply["text"], StringComparison.Ordinal);
        Assert.Empty(await _app.Services.GetRequiredService<IRequestStore>().ListForLeadAsync(Tenant, "elena", DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1)));
    }

    [Fact]
    public async Task Message_HelpAndUnknownWord_AnswerWithHelp()
    {
        _app.ConnectorAcceptsEverything();
        foreach (var text in new[] { "help", "hello" })
        {
            var message = _app.Activity("message-personal.json");
            message["text"] = text;
            Assert.Equal(HttpStatusCode.OK, (await _app.PostActivityAsync(_client, message)).StatusCode);
            var reply = JsonNode.Parse(_app.ConnectorCalls()[^1].Body!)!;
            Assert.Contains("who <request text>", (string?)reply["text"], StringComparison.Ordinal);
            Assert.Contains("stats: ", (string?)reply["text"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Message_ChannelMentionWho_RepliesInThreadWithOwners()
    {
        _app.ConnectorAcceptsEverything();
        var message = _app.Activity("message-channel-mention.json");

        Assert.Equal(HttpStatusCode.OK, (await _app.PostActivityAsync(_client, message)).StatusCode);

        var reply = _app.ConnectorCalls().Single();
        Assert.Equal($"/amer/v3/conversations/{ChannelConversation};messageid=1764256202117/activities/{message["id"]}", reply.Path);
        Assert.False(string.IsNullOrWhiteSpace((string?)JsonNode.Parse(reply.Body!)!["text"]));
    }

    [Fact]
    public async Task MessageAction_FetchTaskThenRedirect_PostsThreadReply()
    {
        _app.ConnectorAcceptsEverything();

        var fetch = await _app.PostActivityAsync(_client, _app.Activity("invoke-fetchTask.json"));
        Assert.Equal(HttpStatusCode.OK, fetch.StatusCode);
        var task = JsonNode.Parse(await fetch.Content.ReadAsStringAsync())!;
        Assert.Equal("continue", (string?)task["task"]!["type"]);
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)task["task"]!["value"]!["card"]!["contentType"]);
        var card = task["task"]!["value"]!["card"]!["content"]!;
        Assert.DoesNotContain(All(card), o => (string?)o["type"] == "Action.Execute");
        var requestId = RequestIdIn(card);

        var submit = await _app.PostActivityAsync(_client, _app.Activity("invoke-submitAction.json", requestId));
        Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
        var answer = JsonNode.Parse(await submit.Content.ReadAsStringAsync())!;
        Assert.Equal("continue", (string?)answer["task"]!["type"]);
        Assert.Contains("Posted in the thread", answer.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(_app.ConnectorCalls());

        // The thread reply goes through the durable queue.
        var runner = _app.Services.GetRequiredService<WorkQueueRunner>();
        await runner.RunOnceAsync("e2e", CancellationToken.None);

        var reply = Assert.Single(_app.ConnectorCalls());
        Assert.Equal($"/amer/v3/conversations/{ChannelConversation}/activities/1764259000123", reply.Path);
        Assert.Equal("Bearer " + TeamsAppFactory.OutboundToken, reply.Authorization);
        var stored = await _app.Services.GetRequiredService<ITriageUseCases>().GetAsync(Tenant, requestId);
        Assert.Equal(RequestStatus.Redirected, stored.Request.Status);
        Assert.Equal("https://teams.microsoft.com/l/message/19:4a8c3f0e2b7d4b6f9e1a@thread.tacv2/1764259000123", stored.Request.MessageLink);
        Assert.Contains("restart the model", stored.Request.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MessageAction_RedirectTwiceThenElsewhere_OneThreadReplyPerOwner()
    {
        _app.ConnectorAcceptsEverything();
        var fetch = await _app.PostActivityAsync(_client, _app.Activity("invoke-fetchTask.json"));
        var requestId = RequestIdIn(JsonNode.Parse(await fetch.Content.ReadAsStringAsync())!["task"]!["value"]!["card"]!["content"]!);
        var runner = _app.Services.GetRequiredService<WorkQueueRunner>();

        async Task<string> RedirectAsync(string? ownerId)
        {
            var submit = _app.Activity("invoke-submitAction.json", requestId);
            if (ownerId is not null)
            {
                submit["value"]!["data"]!["ownerId"] = ownerId;
            }

            var response = await _app.PostActivityAsync(_client, submit);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await runner.RunOnceAsync("e2e", CancellationToken.None);
            return await response.Content.ReadAsStringAsync();
        }

        // A double click (or a second device) sends the same redirect again: the requester hears it once.
        Assert.Contains("Posted in the thread", await RedirectAsync(null), StringComparison.Ordinal);
        Assert.Contains("Already posted in the thread", await RedirectAsync(null), StringComparison.Ordinal);
        var first = Assert.Single(_app.ConnectorCalls(), c => c.Path.EndsWith("/activities/1764259000123", StringComparison.Ordinal));

        // Pointing them somewhere else is a new message, not a duplicate of the first.
        Assert.Contains("Posted in the thread", await RedirectAsync("gus"), StringComparison.Ordinal);
        var replies = _app.ConnectorCalls().Where(c => c.Path.EndsWith("/activities/1764259000123", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, replies.Count);
        Assert.Contains("Gustavo", replies[1].Body, StringComparison.Ordinal);
        Assert.NotEqual(first.Body, replies[1].Body);
    }

    [Fact]
    public async Task AdaptiveCardAction_Override_ReturnsUpdatedCard()
    {
        var card = await TriageInChatAsync("Could you review my diff-in-diff design for the pricing uplift analysis? I need it to plan the next quarter of experiments.");
        var requestId = RequestIdIn(card);

        var invoke = _app.Activity("invoke-adaptiveCard-action.json", requestId);
        var response = await _app.PostActivityAsync(_client, invoke);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(200, (int)body["statusCode"]!);
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)body["type"]);
        var updated = body["value"]!;
        Assert.Equal("AdaptiveCard", (string?)updated["type"]);
        Assert.Contains("decision v2", updated.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("set by you", updated.ToJsonString(), StringComparison.Ordinal);
        var decisions = await _app.Services.GetRequiredService<IRequestStore>().GetDecisionsAsync(Tenant, requestId);
        Assert.Equal(2, decisions.Count);
    }

    [Fact]
    public async Task AdaptiveCardAction_CorrectTopic_RecomputesAndTeaches()
    {
        var card = await TriageInChatAsync("did the loyalty emails actually make people reorder, or would they have come back anyway?");
        var requestId = RequestIdIn(card);
        Assert.Contains("\"correctTopic\"", card.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("Input.ChoiceSet", card.ToJsonString(), StringComparison.Ordinal);

        var response = await _app.PostActivityAsync(_client, TopicPicked(requestId, "causal-inference"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var updated = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["value"]!.ToJsonString();
        Assert.Contains("decision v2", updated, StringComparison.Ordinal);
        Assert.Contains("Topic set to Causal inference", updated, StringComparison.Ordinal);
        var latest = await _app.Services.GetRequiredService<IRequestStore>().GetLatestDecisionAsync(Tenant, requestId);
        Assert.Equal("causal-inference", latest!.Decision.Analysis.TopTopic?.TopicId);
    }

    [Fact]
    public async Task AdaptiveCardAction_NoTopicChosen_ClarifiesAndTeachesThatItNamesNone()
    {
        var card = await TriageInChatAsync("Quick one: can you fix this sql query join for me today?");
        var requestId = RequestIdIn(card);
        var choices = card.ToJsonString();
        Assert.Contains("\"value\":\"(none)\"", choices, StringComparison.Ordinal);

        var response = await _app.PostActivityAsync(_client, TopicPicked(requestId, "(none)"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var updated = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["value"]!.ToJsonString();
        Assert.Contains("Marked as naming no topic", updated, StringComparison.Ordinal);
        var latest = await _app.Services.GetRequiredService<IRequestStore>().GetLatestDecisionAsync(Tenant, requestId);
        Assert.Null(latest!.Decision.Analysis.TopTopic);
        Assert.Equal("clarify", latest.Decision.Outcome.ToString().ToLowerInvariant());
    }

    // Action.Execute from the topic picker: the input's value arrives in the action's data.
    private JsonObject TopicPicked(Guid requestId, string topic)
    {
        var invoke = _app.Activity("invoke-adaptiveCard-action.json", requestId);
        var data = invoke["value"]!["action"]!["data"]!.AsObject();
        invoke["value"]!["action"]!["verb"] = "correctTopic";
        data.Remove("question");
        data.Remove("value");
        data["topic"] = topic;
        return invoke;
    }

    [Fact]
    public async Task AdaptiveCardAction_CorrectTopicWithoutATopic_ErrorCardAndNothingChanges()
    {
        var card = await TriageInChatAsync("did the loyalty emails actually make people reorder, or would they have come back anyway?");
        var requestId = RequestIdIn(card);
        var invoke = _app.Activity("invoke-adaptiveCard-action.json", requestId);
        invoke["value"]!["action"]!["verb"] = "correctTopic";

        var response = await _app.PostActivityAsync(_client, invoke);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Pick a topic", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(await _app.Services.GetRequiredService<IRequestStore>().GetDecisionsAsync(Tenant, requestId));
    }

    [Fact]
    public async Task ActionSubmitFallback_Take_UpdatesTheCardMessage()
    {
        var card = await TriageInChatAsync("Could you review my diff-in-diff design for the pricing uplift analysis? It guides our roadmap.");
        var requestId = RequestIdIn(card);

        var submit = _app.Activity("message-actionSubmit.json", requestId);
        Assert.Equal(HttpStatusCode.OK, (await _app.PostActivityAsync(_client, submit)).StatusCode);

        var update = _app.ConnectorCalls()[^1];
        Assert.Equal("PUT", update.Method);
        Assert.Equal($"/amer/v3/conversations/{PersonalConversation}/activities/1764252322000", update.Path);
        var stored = await _app.Services.GetRequiredService<ITriageUseCases>().GetAsync(Tenant, requestId);
        Assert.Equal(RequestStatus.Taken, stored.Request.Status);
    }

    [Fact]
    public async Task Install_ConversationAndInstallationUpdate_GreetsOnceAndStoresReference()
    {
        _app.ConnectorAcceptsEverything();
        var conversationId = "a:install-" + Guid.NewGuid().ToString("N");
        var added = _app.Activity("conversationUpdate-botAdded.json");
        added["conversation"]!["id"] = conversationId;
        var installed = _app.Activity("installationUpdate-add.json");
        installed["conversation"]!["id"] = conversationId;

        Assert.Equal(HttpStatusCode.OK, (await _app.PostActivityAsync(_client, added)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.PostActivityAsync(_client, installed)).StatusCode);

        var greeting = Assert.Single(_app.ConnectorCalls());
        Assert.Equal($"/amer/v3/conversations/{conversationId}/activities", greeting.Path);
        var text = (string?)JsonNode.Parse(greeting.Body!)!["text"];
        Assert.Equal(3, text!.Split('\n').Length);
        var stored = await _app.Services.GetRequiredService<IConversationReferenceStore>().FindByPersonAsync(Tenant, "ana");
        Assert.NotNull(stored);
        var installation = await _app.Services.GetRequiredService<IInstallationStore>().GetAsync(Tenant);
        Assert.Equal(Platform.Teams, installation!.Platform);
        Assert.Null(installation.ProtectedToken);
    }

    [Fact]
    public async Task AdaptiveCardAction_RedirectInPersonalChat_GivesTextToPaste()
    {
        var card = await TriageInChatAsync("Could someone restart the model serving endpoint for churn-v3? The canary is stuck.");
        var invoke = _app.Activity("invoke-adaptiveCard-action.json", RequestIdIn(card));
        invoke["value"]!["action"]!["verb"] = "redirect";
        var before = _app.ConnectorCalls().Count;

        var response = await _app.PostActivityAsync(_client, invoke);

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(200, (int)body["statusCode"]!);
        Assert.Contains("Copy this to", body["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(before, _app.ConnectorCalls().Count);
    }

    [Fact]
    public async Task Digest_ReferenceFromChannel_CreatesConversationAndSendsCardWithChart()
    {
        _app.ConnectorAcceptsEverything();
        // Installed in a team by Gus (a Lead in the sample org): the stored reference is a channel, so the digest needs a 1:1.
        var lead = _app.Services.GetRequiredService<IOrgProvider>().Directory.Leads.First(p => p.Identities.IdOn(IdentityPlatforms.Teams) is not null && p.Id != "ana");
        var install = _app.Activity("installationUpdate-add.json");
        install["from"]!["aadObjectId"] = lead.Identities.IdOn(IdentityPlatforms.Teams);
        install["from"]!["id"] = "29:lead-" + lead.Id;
        install["conversation"] = new JsonObject { ["conversationType"] = "channel", ["tenantId"] = "72f988bf-86f1-41af-91ab-2d7cd011db47", ["id"] = ChannelConversation + "-" + lead.Id };
        Assert.Equal(HttpStatusCode.OK, (await _app.PostActivityAsync(_client, install)).StatusCode);
        _app.ResetFake();
        _app.Fake.Given(Request.Create().UsingPost().WithPath("/amer/v3/conversations"))
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"a:new-1on1-chat"}"""));
        _app.ConnectorAcceptsEverything();

        var result = await SendDigestAsync(lead);

        Assert.Equal(DigestSendResult.Sent, result);
        var calls = _app.ConnectorCalls();
        Assert.Equal(2, calls.Count);
        var create = JsonNode.Parse(calls[0].Body!)!;
        Assert.Equal("/amer/v3/conversations", calls[0].Path);
        Assert.Equal("29:lead-" + lead.Id, (string?)create["members"]![0]!["id"]);
        Assert.Equal("28:00000000-aaaa-bbbb-cccc-000000000b07", (string?)create["bot"]!["id"]);
        Assert.Equal("72f988bf-86f1-41af-91ab-2d7cd011db47", (string?)create["channelData"]!["tenant"]!["id"]);
        Assert.Equal("/amer/v3/conversations/a:new-1on1-chat/activities", calls[1].Path);
        Assert.Contains("data:image/png;base64,", calls[1].Body, StringComparison.Ordinal);

        // Next week goes straight to the 1:1 chat.
        _app.ResetFake();
        _app.ConnectorAcceptsEverything();
        Assert.Equal(DigestSendResult.Sent, await SendDigestAsync(lead));
        Assert.Equal("/amer/v3/conversations/a:new-1on1-chat/activities", Assert.Single(_app.ConnectorCalls()).Path);
    }

    [Fact]
    public async Task Digest_UserBlockedTheBot_MarkedBlockedAndSkipped()
    {
        _app.ConnectorAcceptsEverything();
        var lead = _app.Services.GetRequiredService<IOrgProvider>().Directory.Leads.Last(p => p.Identities.IdOn(IdentityPlatforms.Teams) is not null && p.Id != "ana");
        var install = _app.Activity("installationUpdate-add.json");
        var conversationId = "a:blocked-" + lead.Id;
        install["from"]!["aadObjectId"] = lead.Identities.IdOn(IdentityPlatforms.Teams);
        install["conversation"]!["id"] = conversationId;
        Assert.Equal(HttpStatusCode.OK, (await _app.PostActivityAsync(_client, install)).StatusCode);
        _app.ResetFake();
        _app.Fake.Given(Request.Create().UsingPost().WithPath($"/amer/v3/conversations/{conversationId}/activities"))
            .RespondWith(Response.Create().WithStatusCode(403).WithBody("""{"error":{"code":"MessageWritesBlocked","message":"Thread is blocked."}}"""));

        Assert.Equal(DigestSendResult.Blocked, await SendDigestAsync(lead));
        var stored = await _app.Services.GetRequiredService<IConversationReferenceStore>().FindByPersonAsync(Tenant, lead.Id);
        Assert.True(stored!.Blocked);

        // Skipped from now on: no further calls.
        Assert.Equal(DigestSendResult.Blocked, await SendDigestAsync(lead));
        Assert.Single(_app.ConnectorCalls());
    }

    [Fact]
    public async Task InstallationRemove_MarksUserBlocked()
    {
        _app.ConnectorAcceptsEverything();
        var add = _app.Activity("installationUpdate-add.json");
        add["from"]!["aadObjectId"] = "00000000-0000-0000-0000-0000000000aa";
        Assert.Equal(HttpStatusCode.OK, (await _app.PostActivityAsync(_client, add)).StatusCode);
        var remove = _app.Activity("installationUpdate-remove.json");
        remove["from"]!["aadObjectId"] = "00000000-0000-0000-0000-0000000000aa";
        Assert.Equal(HttpStatusCode.OK, (await _app.PostActivityAsync(_client, remove)).StatusCode);

        var stored = await _app.Services.GetRequiredService<IConversationReferenceStore>().GetAsync(Tenant, "00000000-0000-0000-0000-0000000000aa");
        Assert.True(stored!.Blocked);
    }

    [Fact]
    public async Task InstallationRemove_FromATeam_DoesNotBlockTheRemoversOwnChat()
    {
        _app.ConnectorAcceptsEverything();
        var add = _app.Activity("installationUpdate-add.json");
        add["from"]!["aadObjectId"] = "00000000-0000-0000-0000-0000000000ab";
        Assert.Equal(HttpStatusCode.OK, (await _app.PostActivityAsync(_client, add)).StatusCode);
        var remove = _app.Activity("installationUpdate-remove.json");
        remove["id"] = "f:remove-from-team";
        remove["from"]!["aadObjectId"] = "00000000-0000-0000-0000-0000000000ab";
        remove["conversation"]!["conversationType"] = "channel";
        remove["conversation"]!["id"] = "19:4a8c3f0e2b7d4b6f9e1a@thread.tacv2";
        Assert.Equal(HttpStatusCode.OK, (await _app.PostActivityAsync(_client, remove)).StatusCode);

        var stored = await _app.Services.GetRequiredService<IConversationReferenceStore>().GetAsync(Tenant, "00000000-0000-0000-0000-0000000000ab");
        Assert.False(stored!.Blocked);
    }

    private async Task<DigestSendResult> SendDigestAsync(Person lead)
    {
        var digest = await _app.Services.GetRequiredService<ITriageUseCases>().BuildDigestAsync(Tenant, lead.Id);
        var chart = _app.Services.GetRequiredService<IDigestChartRenderer>().RenderPng(digest);
        var sender = _app.Services.GetServices<IDigestSender>().Single(s => s.Platform == Platform.Teams);
        return await sender.SendAsync(Tenant, lead, new DigestMessage(digest, DigestTextRenderer.Render(digest), chart));
    }

    [Fact]
    public async Task Commands_BudgetSettingsLogDigest_AnswerInChat()
    {
        _app.ConnectorAcceptsEverything();
        async Task<JsonNode> Send(string text)
        {
            var message = _app.Activity("message-personal.json");
            message["text"] = text;
            Assert.Equal(HttpStatusCode.OK, (await _app.PostActivityAsync(_client, message)).StatusCode);
            return JsonNode.Parse(_app.ConnectorCalls()[^1].Body!)!;
        }

        Assert.Contains("8 h", (string?)(await Send("budget 8"))["text"], StringComparison.Ordinal);
        var settings = (await Send("settings"))["attachments"]![0]!["content"]!;
        Assert.Contains(All(settings), o => (string?)o["id"] == "budgetHours" && (double)o["value"]! == 8);

        // A user mistake is answered in the chat, not with an error status.
        var bad = await Send("log soon");
        Assert.False(string.IsNullOrWhiteSpace((string?)bad["text"]));

        // The digest is built by the queue and sent in the same chat.
        var before = _app.ConnectorCalls().Count;
        var message = _app.Activity("message-personal.json");
        message["text"] = "digest";
        Assert.Equal(HttpStatusCode.OK, (await _app.PostActivityAsync(_client, message)).StatusCode);
        Assert.Equal(before, _app.ConnectorCalls().Count);
        await _app.Services.GetRequiredService<WorkQueueRunner>().RunOnceAsync("e2e", CancellationToken.None);
        var digest = _app.ConnectorCalls()[^1];
        Assert.Equal($"/amer/v3/conversations/{PersonalConversation}/activities", digest.Path);
        Assert.Contains("Your help week", digest.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_SubmitActionWithUnknownRequest_AnswersTaskMessage()
    {
        var response = await _app.PostActivityAsync(_client, _app.Activity("invoke-submitAction.json", Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("message", (string?)body["task"]!["type"]);
    }

    // ------------------------------------------------------------ bad input: never a 500

    [Fact]
    public async Task Post_MalformedJson_400()
    {
        using var content = new StringContent("{\"type\":\"message\",", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.PostAsync("/api/messages", content)).StatusCode);
    }

    [Fact]
    public async Task Post_UnknownActivityType_200Ignored()
    {
        var activity = _app.Activity("message-personal.json");
        activity["type"] = "somethingNew";
        Assert.Equal(HttpStatusCode.OK, (await _app.PostActivityAsync(_client, activity)).StatusCode);
        Assert.Empty(_app.ConnectorCalls());
    }

    [Fact]
    public async Task Post_Oversized_413()
    {
        var activity = _app.Activity("message-personal.json");
        activity["text"] = new string('x', 1_100_000);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await _app.PostActivityAsync(_client, activity, authorization: null)).StatusCode);
    }

    [Theory]
    [InlineData("serviceUrl")]
    [InlineData("conversation")]
    public async Task Post_MissingServiceUrlOrConversation_400(string field)
    {
        var activity = _app.Activity("message-personal.json");
        activity.Remove(field);
        Assert.Equal(HttpStatusCode.BadRequest, (await _app.PostActivityAsync(_client, activity, authorization: null)).StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("lowercase")]
    [InlineData("Bearer garbage")]
    public async Task Post_BadAuthorization_401(string? mode)
    {
        var activity = _app.Activity("message-personal.json");
        var header = mode switch
        {
            null => null,
            "lowercase" => "bearer " + Tokens.Mint(_app.Key, TeamsAppFactory.AppId, (string?)activity["serviceUrl"], TimeProvider.System.GetUtcNow()),
            _ => mode,
        };
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.PostActivityAsync(_client, activity, header)).StatusCode);
        Assert.Empty(_app.ConnectorCalls());
    }

    [Fact]
    public async Task Post_TokenForAnotherServiceUrl_401()
    {
        var activity = _app.Activity("message-personal.json");
        var token = Tokens.Mint(_app.Key, TeamsAppFactory.AppId, "https://smba.trafficmanager.net/amer/", TimeProvider.System.GetUtcNow());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.PostActivityAsync(_client, activity, "Bearer " + token)).StatusCode);
    }
}

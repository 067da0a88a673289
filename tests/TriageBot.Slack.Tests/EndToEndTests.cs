using System.Net;
using System.Text.Json.Nodes;
using TriageBot.Engine.Ports;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TriageBot.Slack.Tests;

/// <summary>Through the real ASP.NET Core pipeline (Program), asserting the exact outbound Slack Web API calls.</summary>
public sealed class EndToEndTests : IDisposable
{
    private const string Tenant = "slack:T0E2E";
    private readonly FakeSlack _slack = new();
    private readonly string _dataDir = Directory.CreateTempSubdirectory("triagebot-slack-e2e-").FullName;

    public void Dispose()
    {
        _slack.Dispose();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file briefly on some systems.
        }
    }

    private SlackAppFactory Start(bool workers = true) => new(_slack.ApiBaseUrl, _dataDir, workers);

    private static string Shortcut(string text, string requester = "U01DANI", string lead = "U01ANA", string callbackId = "triage_message") => $$$"""
        {"type":"message_action","token":"t","action_ts":"1700000001.000001","team":{"id":"T0E2E","domain":"e2e"},
         "user":{"id":"{{{lead}}}","name":"lead","team_id":"T0E2E"},"channel":{"id":"C0HELP","name":"help"},
         "callback_id":"{{{callbackId}}}","trigger_id":"111.222.trigger","message_ts":"1700000000.000100",
         "message":{"type":"message","text":{{{JsonValue.Create(text).ToJsonString()}}},"user":"{{{requester}}}","ts":"1700000000.000100"},
         "response_url":"https://hooks.slack.com/app/T0E2E/1/x"}
        """;

    private static string ImEvent(string eventId, string text, string user = "U01ANA") => $$$"""
        {"token":"t","team_id":"T0E2E","api_app_id":"A1","type":"event_callback","event_id":"{{{eventId}}}","event_time":1700000000,
         "authorizations":[{"team_id":"T0E2E","user_id":"U0BOT","is_bot":true,"is_enterprise_install":false}],
         "event":{"type":"message","channel":"D0ANA","user":"{{{user}}}","text":{{{JsonValue.Create(text).ToJsonString()}}},"ts":"1700000000.000200","event_ts":"1700000000.000200","channel_type":"im"}}
        """;

    private string Command(string text, string user = "U01ANA", string trigger = "333.444.trigger") =>
        $"token=t&team_id=T0E2E&team_domain=e2e&channel_id=C0HELP&channel_name=help&user_id={user}&user_name=x&command=%2Ftriage&text={Uri.EscapeDataString(text)}&response_url={Uri.EscapeDataString(_slack.ResponseUrl("cmd-" + trigger))}&trigger_id={trigger}&api_app_id=A1";

    [Fact]
    public async Task Shortcut_ThenRedirect_OpensModalPushesEditorAndPostsEscapedThreadReply()
    {
        await using var app = Start();
        using var client = app.CreateClient();

        var response = await app.PostInteractionAsync(client, Shortcut("How do I deploy my churn model to production with the feature store?"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Inside the request: views.open at once (trigger ids expire in 3 s) with a placeholder, then views.update of
        // that view, with its hash, to the decision.
        var open = Assert.Single(_slack.Calls("views.open"));
        var openBody = FakeSlack.Json(open);
        Assert.Equal("Bearer xoxb-e2e", open.RequestMessage.Headers!["Authorization"].Single());
        Assert.Equal("111.222.trigger", (string)openBody["trigger_id"]!);
        Assert.Contains("Triaging", openBody["view"]!.ToJsonString(), StringComparison.Ordinal);
        var filled = FakeSlack.Json(Assert.Single(_slack.Calls("views.update")));
        Assert.Equal("V1", (string)filled["view_id"]!);
        Assert.Equal("h1", (string)filled["hash"]!);
        var view = filled["view"]!.AsObject();
        Assert.Equal("tb_triage", (string)view["callback_id"]!);
        var blocks = view["blocks"]!.AsArray();
        Assert.Equal("header", (string)blocks.First(b => (string)b!["type"]! == "header")!["type"]!);
        var metadata = JsonNode.Parse((string)view["private_metadata"]!)!;
        var requestId = Guid.Parse((string)metadata["request_id"]!);
        var stored = await app.Service<IRequestStore>().GetAsync(Tenant, requestId);
        Assert.NotNull(stored);
        Assert.Equal("ana", stored!.LeadId);
        Assert.Equal("dani", stored.RequesterId);
        var actionIds = blocks.Where(b => (string)b!["type"]! == "actions").SelectMany(b => b!["elements"]!.AsArray()).Select(e => (string)e!["action_id"]!).ToList();
        Assert.Contains("tb_redirect_open", actionIds);

        // Redirect clicked in the modal → the editable message is pushed.
        var click = """
            {"type":"block_actions","team":{"id":"T0E2E","domain":"e2e"},"user":{"id":"U01ANA","team_id":"T0E2E"},"api_app_id":"A1","token":"t",
             "container":{"type":"view","view_id":"V1"},"trigger_id":"555.666.trigger",
             "view":{"id":"V1","type":"modal","callback_id":"tb_triage","hash":"h1","private_metadata":__META__,"state":{"values":{}}},
             "actions":[{"type":"button","action_id":"tb_redirect_open","block_id":"tb_actions","value":"__RID__","action_ts":"1700000002.1"}]}
            """.Replace("__META__", JsonValue.Create((string)view["private_metadata"]!).ToJsonString(), StringComparison.Ordinal).Replace("__RID__", requestId.ToString(), StringComparison.Ordinal);
        response = await app.PostInteractionAsync(client, click);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var push = FakeSlack.Json(Assert.Single(_slack.Calls("views.push")));
        Assert.Equal("555.666.trigger", (string)push["trigger_id"]!);
        var redirectView = push["view"]!.AsObject();
        Assert.Equal("tb_redirect", (string)redirectView["callback_id"]!);
        var input = redirectView["blocks"]!.AsArray().First(b => (string)b!["type"]! == "input")!;
        Assert.False(string.IsNullOrWhiteSpace((string?)input["element"]!["initial_value"]));

        // Submitted with an edited text that tries to ping the channel → posted in the thread, escaped.
        var submit = """
            {"type":"view_submission","team":{"id":"T0E2E","domain":"e2e"},"user":{"id":"U01ANA","team_id":"T0E2E"},"api_app_id":"A1","token":"t","trigger_id":"777.888",
             "view":{"id":"V2","type":"modal","callback_id":"tb_redirect","hash":"h2","private_metadata":__META__,
               "state":{"values":{"tb_redirect_msg":{"message":{"type":"plain_text_input","value":"<!channel> ML Platform & #help-ml-platform own this > ask there"}}}}}}
            """.Replace("__META__", JsonValue.Create((string)redirectView["private_metadata"]!).ToJsonString(), StringComparison.Ordinal);
        response = await app.PostInteractionAsync(client, submit);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ack = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("update", (string)ack["response_action"]!);
        Assert.Equal("tb_triage", (string)ack["view"]!["callback_id"]!);

        var posts = await _slack.WaitForPostsAsync("C0HELP", 1);
        var post = FakeSlack.Json(Assert.Single(posts));
        Assert.Equal("1700000000.000100", (string)post["thread_ts"]!);
        Assert.Equal("<@U01DANI> &lt;!channel&gt; ML Platform &amp; #help-ml-platform own this &gt; ask there", (string)post["text"]!);
        Assert.Equal(RequestStatus.Redirected, (await app.Service<IRequestStore>().GetAsync(Tenant, requestId))!.Status);
    }

    [Fact]
    public async Task Event_TextWithAmpersandsAndAngles_StoredAsTypedAndEscapedOnceOnTheCard()
    {
        // Slack sends "R&D" as "R&amp;D" and "<" as "&lt;".
        await using var app = Start();
        using var client = app.CreateClient();

        await app.PostEventAsync(client, ImEvent("EvAMP1", "is p &lt; 0.05 enough for our R&amp;D sql query, or should we check power first?"));

        var request = Assert.Single(await app.Service<IRequestStore>().ListForLeadAsync(Tenant, "ana", DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1)));
        Assert.Equal("is p < 0.05 enough for our R&D sql query, or should we check power first?", request.Text);
        var post = FakeSlack.Json((await _slack.WaitForPostsAsync("D0ANA", 1))[0]);
        var texts = Strings(post).ToList();
        Assert.Contains(texts, t => t.Contains("R&amp;D", StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.Contains("&amp;amp;", StringComparison.Ordinal) || t.Contains("&amp;lt;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Event_MentionsInADirectMessage_PeopleNamedAndTheBotDropped()
    {
        await using var app = Start();
        using var client = app.CreateClient();

        await app.PostEventAsync(client, ImEvent("EvMENTION1",
            "<@U0BOT> <@U01OMAR> says the orders mart is stale since the dbt job failed; <@U01PIA> &amp; <@U0GHOST> saw it too"));

        var request = Assert.Single(await app.Service<IRequestStore>().ListForLeadAsync(Tenant, "ana", DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1)));
        Assert.Equal("@Omar Haddad says the orders mart is stale since the dbt job failed; @Pia Lindqvist & saw it too", request.Text);
    }

    // Every string value of a JSON tree, as decoded text (the serializer writes '&' as \u0026).
    private static IEnumerable<string> Strings(System.Text.Json.Nodes.JsonNode? node) => node switch
    {
        System.Text.Json.Nodes.JsonObject o => o.SelectMany(p => Strings(p.Value)),
        System.Text.Json.Nodes.JsonArray a => a.SelectMany(Strings),
        System.Text.Json.Nodes.JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    [Fact]
    public async Task Event_RetriedWithSameEventId_ProcessedOnce()
    {
        await using var app = Start();
        using var client = app.CreateClient();
        var body = ImEvent("EvRETRY1", "Can you review my difference in differences analysis for the launch?");

        var first = await app.PostEventAsync(client, body);
        var retry = await app.PostEventAsync(client, body, retryNum: 1);
        var again = await app.PostEventAsync(client, body, retryNum: 2);
        Assert.All([first, retry, again], r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var requests = await app.Service<IRequestStore>().ListForLeadAsync(Tenant, "ana", DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1));
        Assert.Single(requests);
        var posts = await _slack.WaitForPostsAsync("D0ANA", 1);
        await WaitForQueueDrainAsync(app);
        Assert.Single(_slack.Posts("D0ANA"));
        var post = FakeSlack.Json(posts[0]);
        Assert.NotEmpty(post["blocks"]!.AsArray());
    }

    [Fact]
    public async Task Event_ClaimLeftByADeadDelivery_RetryAfterTheLeaseIsProcessed()
    {
        await using var app = Start();
        using var client = app.CreateClient();
        var dedup = app.Service<IEventDeduplicator>();
        var now = TimeProvider.System.GetUtcNow();
        // A first delivery claimed the event, then its process died before finishing; its lease has run out.
        await dedup.TryClaimAsync(Tenant, "EvDIED1", now.AddMinutes(-2), now.AddMinutes(-1));

        var retry = await app.PostEventAsync(client, ImEvent("EvDIED1", "Can you review my difference in differences analysis for the launch?"), retryNum: 1);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        await _slack.WaitForPostsAsync("D0ANA", 1);
        Assert.Single(await app.Service<IRequestStore>().ListForLeadAsync(Tenant, "ana", DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1)));
        Assert.Equal(EventClaim.Done, await dedup.TryClaimAsync(Tenant, "EvDIED1", now, now.AddSeconds(30)));
    }

    [Fact]
    public async Task Event_DeliveredWhileAnotherDeliveryHoldsIt_NotAckedSoSlackRetries()
    {
        await using var app = Start();
        using var client = app.CreateClient();
        var dedup = app.Service<IEventDeduplicator>();
        var now = TimeProvider.System.GetUtcNow();
        await dedup.TryClaimAsync(Tenant, "EvBUSY1", now, now.AddMinutes(5));

        var retry = await app.PostEventAsync(client, ImEvent("EvBUSY1", "Can you review my difference in differences analysis for the launch?"), retryNum: 1);

        Assert.Equal(HttpStatusCode.Conflict, retry.StatusCode);
        await WaitForQueueDrainAsync(app);
        Assert.Empty(_slack.Posts("D0ANA"));
        Assert.Empty(await app.Service<IRequestStore>().ListForLeadAsync(Tenant, "ana", DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1)));
    }

    [Fact]
    public async Task Event_BotsOwnMessage_Ignored()
    {
        await using var app = Start();
        using var client = app.CreateClient();
        var own = ImEvent("EvOWN1", "Here is your decision", user: "U0BOT");
        var botMessage = ImEvent("EvOWN2", "hello").Replace("\"channel_type\":\"im\"", "\"channel_type\":\"im\",\"bot_id\":\"B1\"", StringComparison.Ordinal);
        var edit = ImEvent("EvOWN3", "hello").Replace("\"channel_type\":\"im\"", "\"channel_type\":\"im\",\"subtype\":\"message_changed\"", StringComparison.Ordinal);
        foreach (var body in new[] { own, botMessage, edit })
        {
            Assert.Equal(HttpStatusCode.OK, (await app.PostEventAsync(client, body)).StatusCode);
        }

        await WaitForQueueDrainAsync(app);
        Assert.Empty(_slack.Posts("D0ANA"));
        Assert.Empty(await app.Service<IRequestStore>().ListForLeadAsync(Tenant, "ana", DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1)));
    }

    [Fact]
    public async Task PostMessage_429WithRetryAfter_WaitsAndSucceeds()
    {
        // Only the DM card's post is rate limited (the digest scheduler may post a digest to another channel at start-up).
        _slack.Server.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost().WithBody(new WireMock.Matchers.WildcardMatcher("*\"channel\":\"D0ANA\"*"))).AtPriority(1)
            .InScenario("rl").WillSetStateTo("once")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1"));
        _slack.Server.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost().WithBody(new WireMock.Matchers.WildcardMatcher("*\"channel\":\"D0ANA\"*"))).AtPriority(1)
            .InScenario("rl").WhenStateIs("once")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"ok":true,"channel":"D0ANA","ts":"1.1"}"""));
        await using var app = Start();
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await app.PostEventAsync(client, ImEvent("EvRL1", "Which team owns the events table access?"))).StatusCode);
        var calls = await _slack.WaitForPostsAsync("D0ANA", 2);
        Assert.Equal(2, calls.Count);
        Assert.True(calls[1].RequestMessage.DateTime - calls[0].RequestMessage.DateTime >= TimeSpan.FromSeconds(0.9), "waited for Retry-After");
        Assert.Equal(429, (int)calls[0].ResponseMessage.StatusCode!);
        Assert.Equal(200, (int)calls[1].ResponseMessage.StatusCode!);
        await WaitForQueueDrainAsync(app);
    }

    [Fact]
    public async Task Restart_MidQueue_WorkCompletedOnce()
    {
        Guid requestId;
        await using (var first = Start(workers: false))
        {
            using var client = first.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await first.PostEventAsync(client, ImEvent("EvRESTART1", "Could you pair with me on propensity score matching?"))).StatusCode);
            Assert.Equal(1, (await first.Service<IWorkQueue>().GetStatsAsync()).Pending);
            requestId = Assert.Single(await first.Service<IRequestStore>().ListForLeadAsync(Tenant, "ana", DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1))).Id;
        }

        // The process "died" after the ack, before the post: nothing reached Slack.
        Assert.Empty(_slack.Posts("D0ANA"));

        await using var second = Start(workers: true);
        _ = second.Services; // start the host and its queue worker
        await _slack.WaitForPostsAsync("D0ANA", 1);
        await WaitForQueueDrainAsync(second);
        Assert.Single(_slack.Posts("D0ANA"));
        Assert.Single(await second.Service<IRequestStore>().ListForLeadAsync(Tenant, "ana", DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1)), r => r.Id == requestId);
    }

    [Fact]
    public async Task Shortcut_ByNonLeadOrOnEmptyMessage_ModalOpensAtOnceThenSaysWhoToAskOrWhy()
    {
        await using var app = Start();
        using var client = app.CreateClient();

        // Dani is not a Lead: the modal (opened first) is filled with who to ask; nothing is stored.
        Assert.Equal(HttpStatusCode.OK, (await app.PostInteractionAsync(client, Shortcut("How do I get access to the events table?", requester: "U01ANA", lead: "U01DANI"))).StatusCode);
        Assert.Single(_slack.Calls("views.open"));
        var who = FakeSlack.Json(Assert.Single(_slack.Calls("views.update")))["view"]!.ToJsonString();
        Assert.Contains("not set up as a Lead", who, StringComparison.Ordinal);
        Assert.Empty(await app.Service<IRequestStore>().ListForLeadAsync(Tenant, "dani", DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1)));

        // A message with no text (an image alone): said so in the modal.
        Assert.Equal(HttpStatusCode.OK, (await app.PostInteractionAsync(client, Shortcut("  "))).StatusCode);
        Assert.Equal(2, _slack.Calls("views.open").Count);
        Assert.Contains("no text I can triage", FakeSlack.Json(_slack.Calls("views.update")[1])["view"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shortcut_ViewsOpenRateLimited_AnsweredWithoutRetryingPastTheTriggerAndNeverA500()
    {
        // Retry-After 20 s: the client would wait for it in the background, but the trigger_id dies after 3 s.
        _slack.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/api/views.open").UsingPost()).AtPriority(1)
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(429).WithHeader("Retry-After", "20"));
        await using var app = Start();
        using var client = app.CreateClient();

        var response = await app.PostInteractionAsync(client, Shortcut("How do I get access to the events table?"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_slack.Calls("views.open"));
    }

    [Fact]
    public async Task Shortcut_ViewsUpdateSlow_AckNotHeldAndTheModalFilledFromTheQueue()
    {
        // The first views.update hangs for 8 s (a Slack hiccup); the ack must not wait for it.
        var updates = 0;
        _slack.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/api/views.update").UsingPost()).AtPriority(1)
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithCallback(_ =>
            {
                if (Interlocked.Increment(ref updates) == 1)
                {
                    Thread.Sleep(TimeSpan.FromSeconds(8));
                }

                return FakeSlack.OkResponse("""{"ok":true,"view":{"id":"V1","hash":"h3"}}""");
            }));
        await using var app = Start();
        using var client = app.CreateClient();

        var response = await app.PostInteractionAsync(client, Shortcut("Can you teach me how propensity score matching works? We will reuse it for every launch."));

        // The ack gave up on the hanging call (its time is Slack's 3 s) with the request stored and the update queued:
        // the queue makes the second call, with the same view and hash.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(await app.Service<IRequestStore>().ListForLeadAsync(Tenant, "ana", DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1)));
        await WaitForQueueDrainAsync(app);
        var filled = await _slack.WaitForCallsAsync("views.update", 2);
        Assert.Equal(2, filled.Count); // held until the hanging call answered, the ack would have made only that one
        var retried = FakeSlack.Json(filled[^1]);
        Assert.Equal("V1", (string?)retried["view_id"]);
        Assert.Equal("h1", (string?)retried["hash"]);
        Assert.Contains("Causal inference", retried["view"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HomeRefreshes_SeveralForOneLead_PublishedOneAtATime()
    {
        // Each views.publish takes a while; refreshes of one Home that overlapped could land out of order (an older
        // rendering last). They are published one at a time, each rendering the state of its own turn.
        var inFlight = 0;
        var most = 0;
        _slack.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/api/views.publish").UsingPost()).AtPriority(1)
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithCallback(_ =>
            {
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref most, now);
                Thread.Sleep(300);
                Interlocked.Decrement(ref inFlight);
                return FakeSlack.OkResponse("""{"ok":true,"view":{"id":"VH","hash":"h4"}}""");
            }));
        await using var app = Start();
        var outbox = app.Service<TriageBot.Slack.App.SlackOutbox>();

        for (var i = 0; i < 3; i++)
        {
            Assert.True(await outbox.PublishHomeAsync(Tenant, "U01ANA"));
        }

        await WaitForQueueDrainAsync(app);
        Assert.Equal(3, (await _slack.WaitForCallsAsync("views.publish", 3)).Count);
        Assert.Equal(1, most);

        static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }

    [Fact]
    public async Task BadInputs_NeverAServerError()
    {
        await using var app = Start();
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostFormAsync(client, "payload=%ZZ%")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostFormAsync(client, "payload=%7B%22type%22%3A")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostFormAsync(client, "hello=world")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostEventAsync(client, """{"type":"something_new","team_id":"T0E2E"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostEventAsync(client, """{"type":"event_callback","team_id":"T0E2E"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostInteractionAsync(client, Shortcut("x", callbackId: "not_ours"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostInteractionAsync(client,
            """{"type":"view_submission","team":{"id":"T0E2E"},"user":{"id":"U01ANA"},"view":{"id":"V","callback_id":"mystery"}}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostInteractionAsync(client,
            """{"type":"block_actions","team":{"id":"T0E2E"},"user":{"id":"U01ANA"},"actions":[{"action_id":"tb_take","value":"not-a-guid"}]}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PostEventAsync(client, """{"type":"app_rate_limited","team_id":"T0E2E","minute_rate_limited":1518467820}""")).StatusCode);

        var big = "text=" + new string('a', 1024 * 1024 + 10);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await app.PostFormAsync(client, big)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.PostSignedAsync(client, Command("help"), "application/x-www-form-urlencoded", secret: "wrong")).StatusCode);
        var stale = TimeProvider.System.GetUtcNow().AddMinutes(-6).ToUnixTimeSeconds();
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.PostSignedAsync(client, Command("help"), "application/x-www-form-urlencoded", timestamp: stale)).StatusCode);
        using var unsigned = new StringContent(Command("help"), System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/slack/events", unsigned)).StatusCode);

        Assert.Empty(_slack.Server.LogEntries);
    }

    [Fact]
    public async Task Event_NullItemsInAuthorizationsAndAttachments_HandledNotAServerError()
    {
        await using var app = Start();
        using var client = app.CreateClient();
        var body = ImEvent("EvNULLS1", "Which team owns the events table access?")
            .Replace("\"authorizations\":[{", "\"authorizations\":[null,{", StringComparison.Ordinal)
            .Replace("\"channel_type\":\"im\"", "\"channel_type\":\"im\",\"attachments\":[null]", StringComparison.Ordinal);
        var onlyNull = ImEvent("EvNULLS2", "Which team owns the events table access?")
            .Replace("\"authorizations\":[{\"team_id\":\"T0E2E\",\"user_id\":\"U0BOT\",\"is_bot\":true,\"is_enterprise_install\":false}]", "\"authorizations\":[null]", StringComparison.Ordinal);
        Assert.Contains("[null]", onlyNull, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await app.PostEventAsync(client, body)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PostEventAsync(client, onlyNull)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PostInteractionAsync(client,
            """{"type":"view_submission","team":{"id":"T0E2E"},"user":{"id":"U01ANA"},"view":{"id":"V","callback_id":"tb_settings","state":{"values":{"tb_budget":null}}}}""")).StatusCode);

        // Both events were answered.
        Assert.Equal(2, (await _slack.WaitForPostsAsync("D0ANA", 2)).Count);
        await WaitForQueueDrainAsync(app);
    }

    [Fact]
    public async Task Events_ChunkedBodyWithoutLength_ReadToTheEndOrRefusedOverTheCap()
    {
        await using var app = Start();
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await PostChunkedAsync(client, app, Command("help"))).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await PostChunkedAsync(client, app, "text=" + new string('a', 1024 * 1024 + 10))).StatusCode);
    }

    private static async Task<HttpResponseMessage> PostChunkedAsync(HttpClient client, SlackAppFactory app, string body)
    {
        var ts = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        // A stream that cannot seek: HttpClient cannot compute a length, so the body goes without Content-Length.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/events") { Content = new StreamContent(new UnseekableStream(bytes)) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", TriageBot.Slack.Protocol.SlackSignatureVerifier.Sign(SlackAppFactory.Secret, ts, bytes));
        return await client.SendAsync(request);
    }

    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    [Fact]
    public async Task UrlVerificationAndSslCheck_Answered()
    {
        await using var app = Start();
        using var client = app.CreateClient();
        var response = await app.PostEventAsync(client, Fixture.Text("url_verification.json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["challenge"]!);
        Assert.Equal(HttpStatusCode.OK, (await app.PostFormAsync(client, "ssl_check=1&token=t")).StatusCode);
    }

    [Fact]
    public async Task SlashCommands_AnsweredEphemerallyWithFriendlyHelp()
    {
        await using var app = Start();
        using var client = app.CreateClient();

        async Task<JsonNode> Run(string text, string user = "U01ANA", string trigger = "333.444.trigger")
        {
            var response = await app.PostFormAsync(client, Command(text, user, trigger));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            return body.Length == 0 ? new JsonObject() : JsonNode.Parse(body)!;
        }

        var help = await Run(string.Empty);
        Assert.Equal("ephemeral", (string)help["response_type"]!);
        Assert.Contains("/triage who", help["blocks"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("/triage log", (await Run("help"))["blocks"]!.ToJsonString(), StringComparison.Ordinal);

        // A request to read is acked at once ("Reading your request…") and answered through response_url, replacing the ack,
        // so the ack never waits for the sentence model.
        var triage = await Run("Can you help me design a difference in differences analysis for next quarter's launches?");
        Assert.Equal("ephemeral", (string)triage["response_type"]!);
        Assert.Contains("Reading your request", (string)triage["text"]!, StringComparison.Ordinal);
        var card = Assert.Single(await _slack.WaitForResponsesAsync(1));
        Assert.Equal("/actions/T0E2E/cmd-333.444.trigger", card.RequestMessage.Path);
        var cardBody = FakeSlack.Json(card);
        Assert.True((bool)cardBody["replace_original"]!);
        Assert.Contains("tb_take", cardBody["blocks"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Single(await app.Service<IRequestStore>().ListForLeadAsync(Tenant, "ana", DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1)));

        var who = await Run("who how do I get my model deployed to production?", user: "U01DANI", trigger: "555.666.trigger");
        Assert.Contains("Reading your request", (string)who["text"]!, StringComparison.Ordinal);
        var whoAnswer = FakeSlack.Json((await _slack.WaitForResponsesAsync(2))[1]);
        Assert.False(string.IsNullOrWhiteSpace((string?)whoAnswer["text"]));

        var budget = await Run("budget 7");
        Assert.Contains("7 h", (string)budget["text"]!, StringComparison.Ordinal);
        Assert.Contains("budget in hours", (string)(await Run("budget lots"))["blocks"]![0]!["text"]!["text"]!, StringComparison.OrdinalIgnoreCase);

        var stats = await Run("stats");
        Assert.Equal("ephemeral", (string)stats["response_type"]!);
        Assert.Contains("Requests received", stats["blocks"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("/triage stats", (await Run("help"))["blocks"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("for Leads", (await Run("stats", user: "U01DANI"))["blocks"]!.ToJsonString(), StringComparison.Ordinal);

        var badLog = await Run("log soon");
        Assert.Equal("ephemeral", (string)badLog["response_type"]!);

        var notLead = await Run("log 30m", user: "U01DANI");
        Assert.Contains("for Leads", notLead["blocks"]!.ToJsonString(), StringComparison.Ordinal);

        var stranger = await Run("done", user: "U0STRANGER");
        Assert.Equal("ephemeral", (string)stranger["response_type"]!);

        Assert.Empty((await Run("settings")).AsObject());
        var settings = FakeSlack.Json(Assert.Single(_slack.Calls("views.open")));
        Assert.Equal("333.444.trigger", (string)settings["trigger_id"]!);
        Assert.Equal("tb_settings", (string)settings["view"]!["callback_id"]!);

        var digest = await Run("digest");
        Assert.Contains("digest", (string)digest["text"]!, StringComparison.OrdinalIgnoreCase);
        // (The digest scheduler may also deliver a due digest; the on-demand one is asserted by its content.)
        var dm = await _slack.WaitForCallsAsync("conversations.open", 1);
        Assert.All(dm, c => Assert.Equal("U01ANA", (string)FakeSlack.Json(c)["users"]!));
        var completed = await _slack.WaitForCallsAsync("files.completeUploadExternal", 1);
        Assert.All(completed, c => Assert.Equal("D0DM", FakeSlack.Form(c)["channel_id"]));
        Assert.NotEmpty(completed);
        Assert.Contains(_slack.Calls("chat.postMessage"), c => (string)FakeSlack.Json(c)["channel"]! == "D0DM");
        await WaitForQueueDrainAsync(app);
    }

    [Fact]
    public async Task SettingsSubmission_InvalidValues_ShownInModal()
    {
        await using var app = Start();
        using var client = app.CreateClient();
        var submit = """
            {"type":"view_submission","team":{"id":"T0E2E"},"user":{"id":"U01ANA","team_id":"T0E2E"},
             "view":{"id":"V3","type":"modal","callback_id":"tb_settings","state":{"values":{
               "tb_budget":{"value":{"type":"plain_text_input","value":"99"}},
               "tb_day":{"value":{"type":"static_select","selected_option":{"value":"Monday"}}},
               "tb_time":{"value":{"type":"plain_text_input","value":"25:99"}},
               "tb_tz":{"value":{"type":"plain_text_input","value":"Mars/Olympus"}}}}}}
            """;
        var response = await app.PostInteractionAsync(client, submit);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ack = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("errors", (string)ack["response_action"]!);
        var errors = ack["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("tb_budget"));
        Assert.True(errors.ContainsKey("tb_time"));
        Assert.True(errors.ContainsKey("tb_tz"));
        Assert.False(errors.ContainsKey("tb_day"));

        // A Windows timezone id (which .NET can convert, but the engine does not store) is refused under the timezone
        // field by the one settings parser, not accepted by the modal and then refused under the budget.
        var windowsZone = submit.Replace("\"99\"", "\"6\"", StringComparison.Ordinal).Replace("25:99", "09:30", StringComparison.Ordinal).Replace("Mars/Olympus", "W. Europe Standard Time", StringComparison.Ordinal);
        var zoneAck = JsonNode.Parse(await (await app.PostInteractionAsync(client, windowsZone)).Content.ReadAsStringAsync())!;
        Assert.Equal("errors", (string)zoneAck["response_action"]!);
        Assert.Equal(["tb_tz"], zoneAck["errors"]!.AsObject().Select(e => e.Key));

        var valid = submit.Replace("\"99\"", "\"5.5\"", StringComparison.Ordinal).Replace("25:99", "09:30", StringComparison.Ordinal).Replace("Mars/Olympus", "Europe/Berlin", StringComparison.Ordinal);
        var ok = JsonNode.Parse(await (await app.PostInteractionAsync(client, valid)).Content.ReadAsStringAsync())!;
        Assert.Equal("clear", (string)ok["response_action"]!);
        var settings = await app.Service<Engine.UseCases.ITriageUseCases>().GetSettingsAsync(Tenant, "ana");
        Assert.Equal(5.5, settings.BudgetHours);
        Assert.Equal(DayOfWeek.Monday, settings.DigestDay);
        Assert.Equal("Europe/Berlin", settings.TimeZone);
    }

    [Fact]
    public async Task AppHomeOpened_PublishesHome()
    {
        await using var app = Start();
        using var client = app.CreateClient();
        var body = Fixture.Text("app_home_opened.json").Replace("T123ABC456", "T0E2E", StringComparison.Ordinal).Replace("\"user\": \"U123ABC456\"", "\"user\": \"U01ANA\"", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await app.PostEventAsync(client, body)).StatusCode);
        var publish = FakeSlack.Json(Assert.Single(await _slack.WaitForCallsAsync("views.publish", 1)));
        Assert.Equal("U01ANA", (string)publish["user_id"]!);
        Assert.Equal("home", (string)publish["view"]!["type"]!);
        Assert.Contains("tb_open_settings", publish["view"]!.ToJsonString(), StringComparison.Ordinal);
    }

    private static async Task WaitForQueueDrainAsync(SlackAppFactory app)
    {
        var queue = app.Service<IWorkQueue>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await queue.GetStatsAsync()).Pending > 0)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                Assert.Fail("The work queue did not drain.");
            }

            await Task.Delay(25);
        }
    }
}

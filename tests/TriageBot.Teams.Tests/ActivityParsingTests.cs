using System.Text.Json;
using TriageBot.Teams.App;
using TriageBot.Teams.Protocol;
using TriageBot.Teams.Tests.Support;

namespace TriageBot.Teams.Tests;

public sealed class ActivityParsingTests
{
    private static Activity Parse(string fixture) => JsonSerializer.Deserialize(Fixtures.Load(fixture), TeamsJsonContext.Default.Activity)!;

    [Fact]
    public void Parse_MessagePersonal_ReadsCoreFields()
    {
        var a = Parse("message-personal.json");
        Assert.Equal(ActivityTypes.Message, a.Type);
        Assert.Equal("msteams", a.ChannelId);
        Assert.Equal("https://smba.trafficmanager.net/amer/", a.ServiceUrl);
        Assert.Equal("personal", a.Conversation!.ConversationType);
        Assert.Equal("00000000-0000-0000-0000-000000000001", a.From!.AadObjectId);
        Assert.Equal("72f988bf-86f1-41af-91ab-2d7cd011db47", a.TenantId);
        Assert.Equal("teams:72f988bf-86f1-41af-91ab-2d7cd011db47", TeamsReplySender.TenantOf(a));
        Assert.StartsWith("Can you help", ActivityText.StripBotMention(a), StringComparison.Ordinal);
        // Unknown fields are kept, not rejected.
        Assert.True(a.Extra!.ContainsKey("localTimezone"));
    }

    [Fact]
    public void Parse_MessageChannelMention_StripsOnlyTheBotMention()
    {
        var a = Parse("message-channel-mention.json");
        Assert.Equal("channel", a.Conversation!.ConversationType);
        Assert.Equal("who owns the feature store freshness alerts? our online features are 3 hours late", ActivityText.StripBotMention(a));
        Assert.Equal("19:4a8c3f0e2b7d4b6f9e1a@thread.tacv2", ActivityText.BaseConversationId(a.Conversation.Id!));
        Assert.Equal("19:4a8c3f0e2b7d4b6f9e1a@thread.tacv2", a.ChannelData!.Channel!.Id);
    }

    [Fact]
    public void StripBotMention_OtherUserMentioned_KeepsTheirName()
    {
        var a = Parse("message-channel-mention.json");
        a.Text = "<at>TriageBot</at> ask <at>Raj</at> about it";
        a.Entities!.Add(new Entity { Type = "mention", Text = "<at>Raj</at>", Mentioned = new ChannelAccount { Id = "29:raj" } });
        Assert.Equal("ask <at>Raj</at> about it", ActivityText.StripBotMention(a));
    }

    [Fact]
    public void StripBotMention_BotRenamedButIdMatches_Stripped()
    {
        var a = Parse("message-channel-mention.json");
        a.Text = "<at>Triage Helper</at> hello there";
        a.Entities![0].Text = "<at>Triage Helper</at>";
        Assert.Equal("hello there", ActivityText.StripBotMention(a));
    }

    [Fact]
    public void Parse_ConversationUpdate_MembersAddedHasTheBot()
    {
        var a = Parse("conversationUpdate-botAdded.json");
        Assert.Equal(ActivityTypes.ConversationUpdate, a.Type);
        Assert.Contains(a.MembersAdded!, m => m.Id == a.Recipient!.Id);
    }

    [Theory]
    [InlineData("installationUpdate-add.json", "add")]
    [InlineData("installationUpdate-remove.json", "remove")]
    public void Parse_InstallationUpdate_ReadsAction(string fixture, string action)
    {
        var a = Parse(fixture);
        Assert.Equal(ActivityTypes.InstallationUpdate, a.Type);
        Assert.Equal(action, a.Action);
    }

    [Fact]
    public void Parse_FetchTask_ReadsMessagePayloadAndStripsHtml()
    {
        var a = Parse("invoke-fetchTask.json");
        Assert.Equal("composeExtension/fetchTask", a.Name);
        var payload = a.Value!.Value.GetProperty("messagePayload");
        Assert.Equal("triageMessage", a.Value.Value.GetProperty("commandId").GetString());
        Assert.Equal("00000000-0000-0000-0000-000000000099", payload.GetProperty("from").GetProperty("user").GetProperty("id").GetString());
        Assert.Equal(
            "Hi! Could someone restart the model serving endpoint for churn-v3? The canary is stuck & returning 502s.",
            HtmlText.ToPlain(payload.GetProperty("body").GetProperty("content").GetString()));
    }

    [Fact]
    public void Parse_SubmitAction_ReadsData()
    {
        var a = Parse("invoke-submitAction.json");
        Assert.Equal("composeExtension/submitAction", a.Name);
        Assert.Equal("redirect", a.Value!.Value.GetProperty("data").GetProperty("verb").GetString());
    }

    [Fact]
    public void Parse_AdaptiveCardAction_ReadsVerbAndData()
    {
        var a = Parse("invoke-adaptiveCard-action.json");
        Assert.Equal("adaptiveCard/action", a.Name);
        var action = a.Value!.Value.GetProperty("action");
        Assert.Equal("Action.Execute", action.GetProperty("type").GetString());
        Assert.Equal("override", action.GetProperty("verb").GetString());
        Assert.Equal("Skill", action.GetProperty("data").GetProperty("question").GetString());
    }

    [Fact]
    public void Parse_ActionSubmitMessage_HasValueAndNoText()
    {
        var a = Parse("message-actionSubmit.json");
        Assert.Equal(ActivityTypes.Message, a.Type);
        Assert.Null(a.Text);
        Assert.Equal("take", a.Value!.Value.GetProperty("verb").GetString());
        Assert.Equal("1764252322000", a.ReplyToId);
    }

    [Fact]
    public void Serialize_OutgoingMessage_CamelCaseWithoutNulls()
    {
        var json = JsonSerializer.Serialize(new Activity { Type = "message", Text = "hi", ReplyToId = "1" }, TeamsJsonContext.Default.Activity);
        Assert.Equal("""{"type":"message","text":"hi","replyToId":"1"}""", json);
    }

    [Theory]
    [InlineData("<p>a</p><p>b</p>", "a\nb")]
    [InlineData("x&nbsp;&lt;y&gt;", "x <y>")]
    [InlineData("<div>line<br>two</div>", "line\ntwo")]
    [InlineData("<script>alert(1)</script>ok", "ok")]
    [InlineData("", "")]
    [InlineData("<script>a</script>b<script>c", "bc")]
    [InlineData("<SCRIPT type=x>a</ script >b", "b")]
    [InlineData("<style>p{}</style><h1>T</h1>body", "T\nbody")]
    [InlineData("a < b", "a < b")]
    [InlineData("<br/>x<brx>y", "xy")]
    [InlineData("<p>  a   \t b  </p >c", "a b\nc")]
    [InlineData("<!-- note --><b>bold</b> &amp; <i>it</i>", "bold & it")]
    public void ToPlain_Html_BecomesText(string html, string expected) => Assert.Equal(expected, HtmlText.ToPlain(html));

    [Theory]
    [InlineData("<script>")]
    [InlineData("<style x>")]
    [InlineData("< script>x</scrip>")]
    public void ToPlain_ThousandsOfUnclosedScriptTags_TextKeptWithoutARegexTimeout(string tag)
    {
        // A backtracking regex looked for the closing tag from every opening one: quadratic, and past its match timeout
        // (RegexMatchTimeoutException, a 500) on inputs like this one. The scanner is linear.
        var html = string.Concat(Enumerable.Repeat(tag, 40_000)) + "<p>tail</p>";

        var text = HtmlText.ToPlain(html);

        Assert.EndsWith("tail", text, StringComparison.Ordinal);
    }
}

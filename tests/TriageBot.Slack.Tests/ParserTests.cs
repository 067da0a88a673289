using System.Text;
using CsCheck;
using TriageBot.Slack.App;
using TriageBot.Slack.Protocol;

namespace TriageBot.Slack.Tests;

public class ParserTests
{
    private static string FormOf(string json) => "payload=" + Uri.EscapeDataString(json);

    [Fact]
    public void Parse_UrlVerificationFixture_GivesChallenge()
    {
        var inbound = SlackInboundParser.Parse("application/json", Fixture.Bytes("url_verification.json"));
        var v = Assert.IsType<UrlVerificationInbound>(inbound);
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", v.Challenge);
    }

    [Fact]
    public void Parse_AppMentionFixture_GivesEventWithTenantAndText()
    {
        var e = Assert.IsType<EventCallbackInbound>(SlackInboundParser.Parse("application/json", Fixture.Bytes("app_mention.json")));
        Assert.Equal("Ev123ABC456", e.Envelope.EventId);
        Assert.Equal("slack:T123ABC456", SlackTenants.For(e.Envelope));
        var ev = SlackInboundParser.ReadEvent(e.Envelope)!;
        Assert.Equal("app_mention", ev.Type);
        Assert.Equal("U061F7AUR", ev.User);
        Assert.Equal("C123ABC456", ev.Channel);
        Assert.Equal("1515449522.000016", ev.Ts);
        Assert.StartsWith("<@U0LAN0Z89>", ev.Text);
        Assert.False(e.Envelope.Authorizations![0].IsBot);
    }

    [Fact]
    public void Parse_MessageImFixture_GivesImMessage()
    {
        var e = Assert.IsType<EventCallbackInbound>(SlackInboundParser.Parse(null, Fixture.Bytes("message_im.json")));
        var ev = SlackInboundParser.ReadEvent(e.Envelope)!;
        Assert.Equal("message", ev.Type);
        Assert.Equal("im", ev.ChannelType);
        Assert.Equal("D024BE91L", ev.Channel);
        Assert.Equal("Hello hello can you hear me?", ev.Text);
        Assert.Equal("Ev0PV52K21", e.Envelope.EventId);
    }

    [Fact]
    public void Parse_AppHomeOpenedFixture_GivesHomeTab()
    {
        var e = Assert.IsType<EventCallbackInbound>(SlackInboundParser.Parse("application/json", Fixture.Bytes("app_home_opened.json")));
        var ev = SlackInboundParser.ReadEvent(e.Envelope)!;
        Assert.Equal("app_home_opened", ev.Type);
        Assert.Equal("home", ev.Tab);
        Assert.Equal("U123ABC456", ev.User);
    }

    [Fact]
    public void Parse_SlashCommandFixture_GivesCommandFields()
    {
        var c = Assert.IsType<SlashCommandInbound>(SlackInboundParser.Parse("application/x-www-form-urlencoded", Fixture.Bytes("slash_command.form"))).Command;
        Assert.Equal("T1DC2JH3J", c.TeamId);
        Assert.Equal("U2CERLKJA", c.UserId);
        Assert.Equal("/webhook-collect", c.Command);
        Assert.Equal(string.Empty, c.Text);
        Assert.Equal("G8PSS9T3V", c.ChannelId);
        Assert.Equal("https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN", c.ResponseUrl);
        Assert.Equal("398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c", c.TriggerId);
        Assert.Equal("slack:T1DC2JH3J", SlackTenants.For(c));
    }

    [Fact]
    public void Parse_MessageActionFixture_GivesShortcutWithMessage()
    {
        var body = Encoding.UTF8.GetBytes(FormOf(Fixture.Text("message_action.json")));
        var p = Assert.IsType<InteractionInbound>(SlackInboundParser.Parse("application/x-www-form-urlencoded", body)).Payload;
        Assert.Equal("message_action", p.Type);
        Assert.Equal("shortcut_create_task", p.CallbackId);
        Assert.Equal("944799105734.773906753841.38b5894552bdd4a780554ee59d1f3638", p.TriggerId);
        Assert.Equal("CXXXXXXXXX", p.Channel!.Id);
        Assert.Equal("1581106200.000600", p.Message!.Ts);
        Assert.Equal("UXXXXXXXXX", p.Message.User);
        Assert.Equal("slack:TXXXXXXXX", SlackTenants.For(p));
    }

    [Fact]
    public void Parse_BlockActionsFixture_GivesAction()
    {
        var body = Encoding.UTF8.GetBytes(FormOf(Fixture.Text("block_actions.json")));
        var p = Assert.IsType<InteractionInbound>(SlackInboundParser.Parse("application/x-www-form-urlencoded", body)).Payload;
        Assert.Equal("block_actions", p.Type);
        var action = Assert.Single(p.Actions!);
        Assert.Equal("WaXA", action.ActionId);
        Assert.Equal("click_me_123", action.Value);
        Assert.Equal("CBR2V3XEX", p.Container!.ChannelId);
        Assert.Equal("1548261231.000200", p.Container.MessageTs);
    }

    [Fact]
    public void Parse_ViewSubmissionFixture_GivesStateValues()
    {
        var body = Encoding.UTF8.GetBytes(FormOf(Fixture.Text("view_submission.json")));
        var p = Assert.IsType<InteractionInbound>(SlackInboundParser.Parse("application/x-www-form-urlencoded", body)).Payload;
        Assert.Equal("view_submission", p.Type);
        Assert.Equal("modal-with-inputs", p.View!.CallbackId);
        Assert.Equal("shhh-its-secret", p.View.PrivateMetadata);
        Assert.Equal("This is my example inputted value", p.View.State!.Get("multi-line", "ml-value"));
        Assert.Null(p.View.State.Get("multi-line", "other"));
    }

    [Fact]
    public void Parse_SslCheck_IsRecognised()
    {
        Assert.IsType<SslCheckInbound>(SlackInboundParser.Parse("application/x-www-form-urlencoded", "ssl_check=1&token=abc"u8));
    }

    [Fact]
    public void Parse_EventWithUserObjectAndNumericTs_IsTolerated()
    {
        // Some events carry objects where others carry ids, and numbers where others carry strings.
        var json = """{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"message","user":{"id":"U9"},"ts":1355517523.000005,"channel":"D1","channel_type":"im"}}""";
        var e = Assert.IsType<EventCallbackInbound>(SlackInboundParser.Parse("application/json", Encoding.UTF8.GetBytes(json)));
        var ev = SlackInboundParser.ReadEvent(e.Envelope)!;
        Assert.Equal("U9", ev.User);
        Assert.Equal("1355517523.000005", ev.Ts);
    }

    [Fact]
    public void Parse_EnterpriseInstallEvent_UsesEnterpriseTenant()
    {
        var json = """{"type":"event_callback","team_id":"T1","enterprise_id":"E7","event_id":"Ev1","event":{"type":"app_home_opened","user":"U1"},"authorizations":[{"enterprise_id":"E7","team_id":"T1","user_id":"U0","is_bot":true,"is_enterprise_install":true}]}""";
        var e = Assert.IsType<EventCallbackInbound>(SlackInboundParser.Parse("application/json", Encoding.UTF8.GetBytes(json)));
        Assert.Equal("slack:E7", SlackTenants.For(e.Envelope));
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded", "payload=%7Bnot+json")]
    [InlineData("application/x-www-form-urlencoded", "payload=%ZZ")]
    [InlineData("application/x-www-form-urlencoded", "payload=%7B%22type%22%3A%22block_actions%22%7D")]
    [InlineData("application/x-www-form-urlencoded", "text=hello")]
    [InlineData("application/x-www-form-urlencoded", "command=%2Ftriage&team_id=T1")]
    [InlineData("application/x-www-form-urlencoded", "command=%2Ftriage&user_id=U1")]
    [InlineData("application/x-www-form-urlencoded", "payload=%FF%FE")]
    [InlineData("application/json", "{\"type\":\"event_callback\",\"team_id\":\"T1\"}")]
    [InlineData("application/json", "{\"type\":\"url_verification\"}")]
    [InlineData("application/json", "[1,2,3]")]
    [InlineData("application/json", "{\"type\":")]
    [InlineData("application/json", "")]
    [InlineData("application/json", "{\"type\":\"event_callback\",\"team_id\":\"T1\",\"event_id\":\"E\",\"event\":{\"type\":\"message\",\"attachments\":{\"x\":1}}}")]
    public void Parse_BrokenInput_ThrowsPayloadException(string contentType, string body)
    {
        var ex = Record.Exception(() =>
        {
            var inbound = SlackInboundParser.Parse(contentType, Encoding.UTF8.GetBytes(body));
            if (inbound is EventCallbackInbound e)
            {
                SlackInboundParser.ReadEvent(e.Envelope);
            }
        });
        Assert.IsType<SlackPayloadException>(ex);
    }

    [Fact]
    public void Parse_UnknownEnvelopeType_IsReportedNotThrown()
    {
        var inbound = SlackInboundParser.Parse("application/json", """{"type":"app_rate_limited","team_id":"T1"}"""u8);
        Assert.Equal("app_rate_limited", Assert.IsType<UnknownInbound>(inbound).Type);
    }

    [Fact]
    public void FormParser_DecodesPlusPercentAndKeepsFirstDuplicate()
    {
        var form = SlackFormParser.Parse("a=1+2%2B3&b=&c&a=second&=ignored"u8);
        Assert.Equal("1 2+3", form["a"]);
        Assert.Equal(string.Empty, form["b"]);
        Assert.Equal(string.Empty, form["c"]);
        Assert.Equal(3, form.Count);
    }

    [Fact]
    public void Parse_ArbitraryBytes_ThrowsOnlyPayloadException()
    {
        Gen.Byte.Array[0, 300].Select(Gen.OneOfConst("application/json", "application/x-www-form-urlencoded", (string?)null))
            .Sample((bytes, type) =>
            {
                try
                {
                    var inbound = SlackInboundParser.Parse(type, bytes);
                    if (inbound is EventCallbackInbound e)
                    {
                        SlackInboundParser.ReadEvent(e.Envelope);
                    }
                }
                catch (SlackPayloadException)
                {
                    // The only exception allowed out.
                }
            }, iter: 3000);
    }

    [Fact]
    public void Parse_ArbitraryFormAndJsonShapes_ThrowsOnlyPayloadException()
    {
        // Structured junk: plausible keys with random values, and payload JSON built from random fragments.
        var fragment = Gen.OneOfConst("{", "}", "[", "]", ",", ":", "\"type\"", "\"block_actions\"", "\"view_submission\"", "\"user\"", "\"id\"", "\"U1\"",
            "\"team\"", "\"T1\"", "null", "true", "1e999", "\"actions\"", "\"view\"", "\"state\"", "\"values\"", "\\u0000", "\"", "%", "&", "=");
        var json = fragment.Array[0, 40].Select(parts => string.Concat(parts));
        var key = Gen.OneOfConst("payload", "command", "user_id", "team_id", "ssl_check", "text", "x");
        var pair = Gen.Select(key, Gen.OneOf(json, Gen.String[0, 20]), (k, v) => k + "=" + Uri.EscapeDataString(v));
        pair.Array[0, 5].Sample(pairs =>
        {
            var body = Encoding.UTF8.GetBytes(string.Join('&', pairs));
            try
            {
                SlackInboundParser.Parse("application/x-www-form-urlencoded", body);
            }
            catch (SlackPayloadException)
            {
            }
        }, iter: 3000);
        json.Sample(text =>
        {
            try
            {
                var inbound = SlackInboundParser.Parse("application/json", Encoding.UTF8.GetBytes(text));
                if (inbound is EventCallbackInbound e)
                {
                    SlackInboundParser.ReadEvent(e.Envelope);
                }
            }
            catch (SlackPayloadException)
            {
            }
        }, iter: 3000);
    }
}

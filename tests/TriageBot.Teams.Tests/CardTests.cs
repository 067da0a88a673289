using System.Text.Json.Nodes;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Digest;
using TriageBot.Engine.Ports;
using TriageBot.Engine.UseCases;
using TriageBot.Teams.Cards;

namespace TriageBot.Teams.Tests;

public sealed class CardTests
{
    internal static DecisionCard SampleCard(string excerpt = "Please restart the model [now](http://evil) **urgent**") => new(
        Guid.Parse("6f1d2c3b-4a59-4687-9a1b-2c3d4e5f6a7b"),
        1,
        DecisionOutcome.Redirect,
        RequestStatus.Open,
        "Redirect to ML Platform",
        "A service team owns model deployment.",
        "Pat_Outsider",
        excerpt,
        ["Model deployment"],
        [
            new AnswerLine(Question.Skill, "Am I exceptionally skilled?", AnswerValue.Yes, "Yes", "You rate 4 on it.", false, [AnswerValue.Yes, AnswerValue.No, AnswerValue.Unsure]),
            new AnswerLine(Question.Reuse, "Will they reuse it often?", AnswerValue.No, "No", "One-off request.", false, [AnswerValue.Yes, AnswerValue.No, AnswerValue.Unsure]),
            new AnswerLine(Question.Team, "Is there a team for this?", AnswerValue.Yes, "Yes", "ML Platform serves it.", false, [AnswerValue.Yes, AnswerValue.No, AnswerValue.Unsure]),
            new AnswerLine(Question.Horizon, "How long will it guide their work?", AnswerValue.Short, "Short", "A one-off.", true, [AnswerValue.Long, AnswerValue.Short]),
        ],
        [new Owner(OwnerType.Team, "platform-ml", "ML Platform", "https://intake.example.com/ml(platform)", "Owns model deployment."), new Owner(OwnerType.Person, "raj", "Raj", "#help-ml", "Expert")],
        null,
        null,
        "Rule 1: a service team owns it.",
        [CardAction.Take, CardAction.Redirect, CardAction.AskForDetails, CardAction.Override]);

    private static IEnumerable<JsonObject> All(JsonNode node)
    {
        if (node is JsonObject o)
        {
            yield return o;
            foreach (var (_, child) in o)
            {
                if (child is not null)
                {
                    foreach (var x in All(child))
                    {
                        yield return x;
                    }
                }
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var child in a)
            {
                if (child is not null)
                {
                    foreach (var x in All(child))
                    {
                        yield return x;
                    }
                }
            }
        }
    }

    [Fact]
    public void Decision_Conversation_Version15WithExecuteAndSubmitFallback()
    {
        var card = AdaptiveCards.Decision(SampleCard(), CardSurface.Conversation);
        Assert.Equal("AdaptiveCard", (string?)card["type"]);
        Assert.Equal("1.5", (string?)card["version"]);

        var take = card["actions"]!.AsArray().Select(a => a!.AsObject()).Single(a => (string?)a["title"] == "Take it");
        Assert.Equal("Action.Execute", (string?)take["type"]);
        Assert.Equal("take", (string?)take["verb"]);
        Assert.Equal("6f1d2c3b-4a59-4687-9a1b-2c3d4e5f6a7b", (string?)take["data"]!["requestId"]);
        Assert.Equal("Action.Submit", (string?)take["fallback"]!["type"]);
        Assert.Equal("take", (string?)take["fallback"]!["data"]!["verb"]);
    }

    [Fact]
    public void Decision_WhyIsBehindToggle()
    {
        var card = AdaptiveCards.Decision(SampleCard(), CardSurface.Conversation);
        var toggle = card["actions"]!.AsArray().Select(a => a!.AsObject()).Single(a => (string?)a["type"] == "Action.ToggleVisibility");
        var target = (string?)toggle["targetElements"]![0];
        var container = All(card).Single(o => (string?)o["id"] == target);
        Assert.False((bool)container["isVisible"]!);
        var texts = All(container).Where(o => (string?)o["type"] == "TextBlock").Select(o => (string?)o["text"]).ToList();
        Assert.Contains("One\\-off request.", texts.Select(t => t!.Replace("One-off", "One\\-off", StringComparison.Ordinal)));
        Assert.Contains(texts, t => t!.Contains("set by you", StringComparison.Ordinal));
    }

    [Fact]
    public void Decision_OverrideChoices_ExcludeCurrentValue()
    {
        var card = AdaptiveCards.Decision(SampleCard(), CardSurface.Conversation);
        var overrides = All(card).Where(o => (string?)o["type"] == "Action.Execute" && (string?)o["verb"] == "override").ToList();
        // Skill/Reuse/Team: 2 other values each; Horizon: 1.
        Assert.Equal(7, overrides.Count);
        Assert.DoesNotContain(overrides, o => (string?)o["data"]!["question"] == "Skill" && (string?)o["data"]!["value"] == "Yes");
    }

    [Fact]
    public void Decision_TaskModule_UsesSubmitOnly()
    {
        var card = AdaptiveCards.Decision(SampleCard(), CardSurface.TaskModule);
        Assert.DoesNotContain(All(card), o => (string?)o["type"] == "Action.Execute");
        Assert.Contains(All(card), o => (string?)o["type"] == "Action.Submit" && (string?)o["data"]!["verb"] == "redirect");
    }

    [Fact]
    public void Decision_UserText_IsEscaped()
    {
        var json = AdaptiveCards.Decision(SampleCard(), CardSurface.Conversation).ToJsonString();
        Assert.DoesNotContain("[now](http://evil)", json, StringComparison.Ordinal);
        Assert.Contains("\\\\[now\\\\]\\\\(http://evil\\\\)", json, StringComparison.Ordinal);
        Assert.Contains("Pat\\\\_Outsider", json, StringComparison.Ordinal);
        // Intake URL rendered as a link with parentheses encoded.
        Assert.Contains("(https://intake.example.com/ml%28platform%29)", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Decision_HugeExcerpt_CompactFitsMessageExtensionLimit()
    {
        var card = SampleCard(new string('a', 40_000));
        Assert.True(AdaptiveCards.MeasureBytes(AdaptiveCards.Decision(card, CardSurface.TaskModule)) > Connector.TeamsLimits.MaxMessageExtensionCardBytes);
        Assert.True(AdaptiveCards.MeasureBytes(AdaptiveCards.Decision(card, CardSurface.TaskModule, compact: true)) <= Connector.TeamsLimits.MaxMessageExtensionCardBytes);
    }

    [Theory]
    [InlineData("a*b*", "a\\*b\\*")]
    [InlineData("- item", "\\- item")]
    [InlineData("1. first", "1\\. first")]
    [InlineData("x - y", "x - y")]
    [InlineData("<at>x</at>", "\\<at\\>x\\</at\\>")]
    [InlineData("plain text", "plain text")]
    public void Escape_MarkdownSyntax_Escaped(string input, string expected) => Assert.Equal(expected, Markdown.Escape(input));

    [Fact]
    public void Digest_WithChart_EmbedsDataUri()
    {
        var digest = SampleDigest();
        var card = AdaptiveCards.Digest(digest, [0x89, 0x50, 0x4E, 0x47]);
        var image = All(card).Single(o => (string?)o["type"] == "Image");
        Assert.Equal("data:image/png;base64,iVBORw==", (string?)image["url"]);
        Assert.Contains(All(card), o => ((string?)o["text"])?.Contains("2026-W48", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void Settings_HasInputsAndExecute()
    {
        var card = AdaptiveCards.Settings(new EffectiveLeadSettings(6, DayOfWeek.Friday, new TimeOnly(16, 0), "Europe/Lisbon"));
        var ids = All(card).Where(o => ((string?)o["type"])?.StartsWith("Input.", StringComparison.Ordinal) == true).Select(o => (string?)o["id"]).ToList();
        Assert.Equal(["budgetHours", "digestDay", "digestTime", "timeZone"], ids);
        Assert.Contains(All(card), o => (string?)o["type"] == "Action.Execute" && (string?)o["verb"] == "settings");
    }

    internal static WeeklyDigest SampleDigest() => new(
        "teams:t", "ana", "Ana Lima", "2026-W48", new DateOnly(2026, 11, 23), "America/Sao_Paulo",
        4.5, 1, 6, 4.5 / 40, 5, 2, 2, 1,
        [new KindHours(HelpKind.Teach, 3), new KindHours(HelpKind.Do, 1.5)],
        [new TopicHours("causal-inference", "Causal inference", 3, 2)],
        [new RequesterCount("bo", "Bo", 2, 2)],
        [new RepeatedTopic("sql", "SQL", 3, "Write it up.")],
        [new RedirectTarget("platform-ml", "ML Platform", 2)],
        12, 12 / 4.5,
        Enumerable.Range(0, 7).Select(i => new DailyHours(new DateOnly(2026, 11, 23).AddDays(i), 0.5, 0.1, 0)).ToList(),
        [new WeekTrend("2026-W47", 5, 4, 2)],
        ["Under budget."]);
}

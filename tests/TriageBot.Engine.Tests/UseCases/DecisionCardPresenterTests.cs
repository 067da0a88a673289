using CsCheck;
using TriageBot.Engine.Analysis;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Tests.Fakes;
using TriageBot.Engine.UseCases;

namespace TriageBot.Engine.Tests.UseCases;

public sealed class DecisionCardPresenterTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 25, 14, 0, 0, TimeSpan.Zero);

    private static Decision MakeDecision(DecisionOutcome outcome, HelpMode? mode, IReadOnlyList<Owner> owners, bool timeboxed = false, string rule = RuleIds.Skilled, HowToHelp? how = null) => new(
        outcome,
        mode,
        rule,
        "Rule text.",
        new RequestAnalysis([new TopicMatch("causal-inference", 2, ["causal"])], AskKind.Learn, [], false, Horizon.Long, []),
        [
            new QuestionAnswer(Question.Skill, AnswerValue.Yes, "skill why", []),
            new QuestionAnswer(Question.Reuse, AnswerValue.Yes, "reuse why", []),
            new QuestionAnswer(Question.Team, AnswerValue.No, "team why", []),
            new QuestionAnswer(Question.Horizon, AnswerValue.Long, "horizon why", [], Overridden: true),
        ],
        owners,
        how,
        timeboxed,
        "2026.1");

    private static RequestRecord Request(RequestStatus status = RequestStatus.Open, string text = "Teach me causal inference", OwnerType? ownerType = null, string? ownerId = null) =>
        new(Guid.NewGuid(), TestOrg.Tenant, Platform.Slack, "C1", null, null, "bruno", "Bruno Costa", "ana", text, At, "causal-inference", status, ownerType, ownerId, At);

    private static readonly Owner Team = new(OwnerType.Team, "platform-ml", "ML Platform", "#help-ml-platform", "service team");
    private static readonly Owner Carla = new(OwnerType.Person, "carla", "Carla Souza", null, "Carla Souza (senior) is 5/5 on SQL.");

    [Fact]
    public void QuestionLabel_TheFourQuestions()
    {
        Assert.Equal("Am I exceptionally skilled?", DecisionCardPresenter.QuestionLabel(Question.Skill));
        Assert.Equal("Will teaching it be reused?", DecisionCardPresenter.QuestionLabel(Question.Reuse));
        Assert.Equal("Is there a team for this?", DecisionCardPresenter.QuestionLabel(Question.Team));
        Assert.Equal("How long will it guide their work?", DecisionCardPresenter.QuestionLabel(Question.Horizon));
    }

    [Fact]
    public void ValueTextAndChoices()
    {
        Assert.Equal(["Yes", "No", "Unsure", "Long", "Short"], Enum.GetValues<AnswerValue>().Select(DecisionCardPresenter.ValueText));
        Assert.Equal([AnswerValue.No, AnswerValue.Unsure], DecisionCardPresenter.ChoicesFor(Question.Skill, AnswerValue.Yes));
        Assert.Equal([AnswerValue.Short], DecisionCardPresenter.ChoicesFor(Question.Horizon, AnswerValue.Long));
        Assert.Equal([AnswerValue.Long, AnswerValue.Short], DecisionCardPresenter.ChoicesFor(Question.Horizon, AnswerValue.Unsure));
    }

    [Fact]
    public void Present_TakeTeach_WordingAndAnswers()
    {
        var decision = MakeDecision(DecisionOutcome.Take, HelpMode.Teach, [Carla], how: new HowToHelp("20-minute pairing session", 20, false));
        var card = DecisionCardPresenter.Present(Request(), new DecisionRecord(Guid.NewGuid(), 1, decision, new Dictionary<Question, AnswerValue>(), At), TestOrg.Build(), 1, DecisionPolicy.Default);

        Assert.Equal("Take it: teach", card.Headline);
        Assert.Equal("Take it: you are exceptionally skilled in Causal inference, Bruno will reuse what they learn and the answer will guide their work for weeks or more.", card.Summary);
        Assert.Equal("20-minute pairing session (about 20m)", card.HowToHelp);
        Assert.Equal("Rule text.", card.RuleText);
        Assert.Equal(4, card.Answers.Count);
        Assert.Equal("Am I exceptionally skilled?", card.Answers[0].Label);
        Assert.Equal("Yes", card.Answers[0].ValueText);
        Assert.Equal("skill why", card.Answers[0].Why);
        Assert.False(card.Answers[0].Overridden);
        Assert.True(card.Answers[3].Overridden);
        Assert.Equal([CardAction.Take, CardAction.Redirect, CardAction.AskForDetails, CardAction.Override, CardAction.CorrectTopic], card.Actions);
        Assert.Null(card.RepeatNotice);
    }

    [Fact]
    public void Present_TakeTimeboxed_HeadlineAndSummarySayTimebox()
    {
        var decision = MakeDecision(DecisionOutcome.Take, HelpMode.Teach, [], timeboxed: true, how: new HowToHelp("Pairing", 45, true));
        var card = DecisionCardPresenter.Present(Request(), new DecisionRecord(Guid.NewGuid(), 1, decision, new Dictionary<Question, AnswerValue>(), At), TestOrg.Build(), 1, DecisionPolicy.Default);
        Assert.Equal("Take it: teach (timeboxed)", card.Headline);
        Assert.EndsWith("Timebox it so it doesn't eat your week.", card.Summary, StringComparison.Ordinal);
        Assert.Equal("Pairing (about 45m, timeboxed)", card.HowToHelp);
        Assert.Equal([CardAction.Take, CardAction.AskForDetails, CardAction.Override, CardAction.CorrectTopic], card.Actions);
    }

    [Fact]
    public void Present_RedirectToTeam_SummaryNamesIntake()
    {
        var decision = MakeDecision(DecisionOutcome.Redirect, null, [Team], rule: RuleIds.ServiceTeam);
        var card = DecisionCardPresenter.Present(Request(), new DecisionRecord(Guid.NewGuid(), 1, decision, new Dictionary<Question, AnswerValue>(), At), TestOrg.Build(), 1, DecisionPolicy.Default);
        Assert.Equal("Redirect to ML Platform", card.Headline);
        Assert.Contains("(intake: #help-ml-platform)", card.Summary, StringComparison.Ordinal);
        Assert.Equal([CardAction.Redirect, CardAction.Take, CardAction.AskForDetails, CardAction.Override, CardAction.CorrectTopic], card.Actions);
    }

    [Fact]
    public void Present_RedirectToPersonUnderBudget_SummaryMentionsBudgetAndWhy()
    {
        var decision = MakeDecision(DecisionOutcome.Redirect, null, [Carla], rule: RuleIds.Budget);
        var card = DecisionCardPresenter.Present(Request(), new DecisionRecord(Guid.NewGuid(), 1, decision, new Dictionary<Question, AnswerValue>(), At), TestOrg.Build(), 1, DecisionPolicy.Default);
        Assert.StartsWith("You've reached your help budget for this week. Carla Souza is well placed", card.Summary, StringComparison.Ordinal);
        Assert.Contains("(Carla Souza (senior) is 5/5 on SQL)", card.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RequestStatus.Taken, "Taken: teach")]
    [InlineData(RequestStatus.Done, "Done")]
    [InlineData(RequestStatus.Clarified, "Asked for details")]
    [InlineData(RequestStatus.Dropped, "Dropped")]
    public void Headline_FollowsStatus(RequestStatus status, string expected)
    {
        var decision = MakeDecision(DecisionOutcome.Take, HelpMode.Teach, []);
        Assert.Equal(expected, DecisionCardPresenter.Headline(Request(status), decision, TestOrg.Build()));
    }

    [Fact]
    public void Headline_RedirectedToNonSuggestedPerson_UsesOrgName()
    {
        var decision = MakeDecision(DecisionOutcome.Redirect, null, [Team]);
        Assert.Equal("Redirected to Leo Braun", DecisionCardPresenter.Headline(Request(RequestStatus.Redirected, ownerType: OwnerType.Person, ownerId: "leo"), decision, TestOrg.Build()));
    }

    [Fact]
    public void Actions_PerStatus()
    {
        var withOwner = MakeDecision(DecisionOutcome.Take, HelpMode.Teach, [Carla]);
        Assert.Equal([CardAction.LogTime, CardAction.Done, CardAction.Redirect], DecisionCardPresenter.Actions(RequestStatus.Taken, withOwner));
        Assert.Equal([CardAction.LogTime], DecisionCardPresenter.Actions(RequestStatus.Done, withOwner));
        Assert.Empty(DecisionCardPresenter.Actions(RequestStatus.Redirected, withOwner));
        Assert.Empty(DecisionCardPresenter.Actions(RequestStatus.Dropped, withOwner));
        Assert.Equal([CardAction.Take, CardAction.Redirect, CardAction.Override], DecisionCardPresenter.Actions(RequestStatus.Clarified, withOwner));
        var clarify = MakeDecision(DecisionOutcome.Clarify, null, []);
        Assert.Equal([CardAction.AskForDetails, CardAction.Take, CardAction.Override], DecisionCardPresenter.Actions(RequestStatus.Open, clarify));
    }

    [Fact]
    public void RepeatNotice_AtThreshold_SuggestsWriteUpOrSession()
    {
        Assert.Null(DecisionCardPresenter.RepeatNotice("SQL", 2, DecisionPolicy.Default));
        Assert.Equal(
            "SQL has reached you 3 times in the last 4 weeks (including this one). Rather than another one-off answer, consider writing it up once (a short guide or FAQ) or running a group session for everyone who asks.",
            DecisionCardPresenter.RepeatNotice("SQL", 3, DecisionPolicy.Default));
        Assert.Contains("in the last 10 days", DecisionCardPresenter.RepeatNotice("SQL", 5, DecisionPolicy.Default with { RepeatWindowDays = 10 }), StringComparison.Ordinal);
    }

    [Fact]
    public void RepeatNotice_CountAboveCap_SaysMoreThanCap()
    {
        Assert.StartsWith("SQL has reached you 100 times", DecisionCardPresenter.RepeatNotice("SQL", RepeatCounting.Cap, DecisionPolicy.Default), StringComparison.Ordinal);
        Assert.StartsWith("SQL has reached you more than 100 times", DecisionCardPresenter.RepeatNotice("SQL", RepeatCounting.Cap + 1, DecisionPolicy.Default), StringComparison.Ordinal);
    }

    [Fact]
    public void Excerpt_ShortText_Unchanged()
    {
        Assert.Equal("Teach me SQL", DecisionCardPresenter.Excerpt("  Teach me SQL \n"));
        Assert.Equal("", DecisionCardPresenter.Excerpt(null));
    }

    [Fact]
    public void Excerpt_LongText_CutAtWordWithEllipsisWithin500()
    {
        var text = string.Join(' ', Enumerable.Repeat("propensity", 1000));
        var excerpt = DecisionCardPresenter.Excerpt(text);
        Assert.True(excerpt.Length <= 500);
        Assert.EndsWith("propensity…", excerpt, StringComparison.Ordinal);
    }

    [Fact]
    public void Excerpt_NeverSplitsSurrogatePair()
    {
        var text = new string('a', 498) + "😀😀😀";
        var excerpt = DecisionCardPresenter.Excerpt(text);
        Assert.True(excerpt.Length <= 500);
        Assert.False(char.IsHighSurrogate(excerpt[^2]));
    }

    [Fact]
    public void Excerpt_AnyText_AtMost500AndValid()
    {
        Gen.String[0, 2000].Sample(text =>
        {
            var excerpt = DecisionCardPresenter.Excerpt(text);
            Assert.True(excerpt.Length <= DecisionCardPresenter.MaxExcerptLength);
            if (excerpt.Length > 0)
            {
                Assert.False(char.IsHighSurrogate(excerpt[^1]));
            }
        });
    }

    [Fact]
    public void Present_LongRequest_ExcerptBounded()
    {
        var decision = MakeDecision(DecisionOutcome.Take, HelpMode.Teach, []);
        var card = DecisionCardPresenter.Present(Request(text: new string('x', 10_000)), new DecisionRecord(Guid.NewGuid(), 1, decision, new Dictionary<Question, AnswerValue>(), At), TestOrg.Build(), 1, DecisionPolicy.Default);
        Assert.True(card.RequestExcerpt.Length <= 500);
    }
}

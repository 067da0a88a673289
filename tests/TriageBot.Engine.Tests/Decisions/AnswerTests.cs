using TriageBot.Engine.Decisions;
using static TriageBot.Engine.Tests.Decisions.DecisionTestOrg;

namespace TriageBot.Engine.Tests.Decisions;

public class AnswerTests
{
    private static QuestionAnswer Answer(TriageInput input, Question q, DecisionPolicy? policy = null) =>
        NewEngine(policy).Decide(input).AnswerTo(q);

    [Fact]
    public void Skill_LeadExpertAndPeerAway_IsYes()
    {
        var a = Answer(Input("explain the regression", at: AwayDay), Question.Skill);

        Assert.Equal(AnswerValue.Yes, a.Value);
        Assert.Contains("level 5", a.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Skill_PeerWithinMarginPresent_IsNoAndNamesThePeer()
    {
        var a = Answer(Input("explain the regression", at: Present), Question.Skill);

        Assert.Equal(AnswerValue.No, a.Value);
        Assert.Contains("Avery Away", a.Why, StringComparison.Ordinal);
        Assert.Contains("away1:4", a.Evidence);
    }

    [Fact]
    public void Skill_PeerIsTheRequester_DoesNotCount()
    {
        var a = Answer(Input("explain the regression", requester: "away1", at: Present), Question.Skill);
        Assert.Equal(AnswerValue.Yes, a.Value);
    }

    [Fact]
    public void Skill_LeadBelowThreshold_IsNo()
    {
        var a = Answer(Input("kubernetes cluster question"), Question.Skill);

        Assert.Equal(AnswerValue.No, a.Value);
        Assert.Contains("level on Infrastructure is 2", a.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Skill_ThresholdsArePolicyData()
    {
        var strict = DecisionPolicy.Default with { ExceptionalSkillLevel = 6 };
        Assert.Equal(AnswerValue.No, Answer(Input("regression", at: AwayDay), Question.Skill, strict).Value);

        // With a margin of 2, peer (3) comes within reach of the lead's 5 even when away1 is away.
        var wide = DecisionPolicy.Default with { PeerSkillMargin = 2 };
        Assert.Equal(AnswerValue.No, Answer(Input("regression", at: AwayDay), Question.Skill, wide).Value);
    }

    [Fact]
    public void Skill_NoTopic_IsUnsure() =>
        Assert.Equal(AnswerValue.Unsure, Answer(Input("hello there"), Question.Skill).Value);

    [Theory]
    [InlineData("can you explain how regression works", AnswerValue.Yes)]
    [InlineData("help us decide which method for the anova", AnswerValue.Yes)]
    [InlineData("we need the regression redone every launch", AnswerValue.Yes)]
    [InlineData("please grant me access to the cluster", AnswerValue.No)]
    [InlineData("can you run the regression for me", AnswerValue.No)]
    [InlineData("restart the kubernetes cluster", AnswerValue.No)]
    [InlineData("is a regression on the raw data good enough for next year's roadmap?", AnswerValue.Yes)]
    [InlineData("regression", AnswerValue.Unsure)]
    public void Reuse_FollowsTheKindOfAsk(string text, AnswerValue expected)
    {
        var a = Answer(Input(text), Question.Reuse);

        Assert.Equal(expected, a.Value);
        Assert.False(string.IsNullOrWhiteSpace(a.Why));
    }

    [Fact]
    public void Team_ServiceTeamOwnsTopicAndRequesterOutside_IsYes()
    {
        var a = Answer(Input("kubernetes cluster is slow"), Question.Team);

        Assert.Equal(AnswerValue.Yes, a.Value);
        Assert.Contains("#ops", a.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Team_LeadInTheServiceTeam_IsYesAndSaysToUseTheIntake()
    {
        var a = Answer(Input("kubernetes cluster is slow", lead: "opslead"), Question.Team);

        Assert.Equal(AnswerValue.Yes, a.Value);
        Assert.Contains("your own team", a.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Team_RequesterIsAMember_IsNo() =>
        Assert.Equal(AnswerValue.No, Answer(Input("kubernetes cluster is slow", requester: "ops2"), Question.Team).Value);

    [Fact]
    public void Team_NoServiceTeamForTopic_IsNo() =>
        Assert.Equal(AnswerValue.No, Answer(Input("regression"), Question.Team).Value);

    [Fact]
    public void Team_Outsider_IsYes() =>
        Assert.Equal(AnswerValue.Yes, Answer(Input("kubernetes cluster", requester: "U0OUTSIDER"), Question.Team).Value);

    [Theory]
    [InlineData("a regression template for every launch going forward", AnswerValue.Long)]
    [InlineData("quick regression question for today", AnswerValue.Short)]
    [InlineData("regression", AnswerValue.Unsure)]
    public void Horizon_FromSignals(string text, AnswerValue expected) =>
        Assert.Equal(expected, Answer(Input(text), Question.Horizon).Value);

    [Fact]
    public void Answers_AreInQuestionOrder()
    {
        var d = NewEngine().Decide(Input("regression"));
        Assert.Equal([Question.Skill, Question.Reuse, Question.Team, Question.Horizon], d.Answers.Select(a => a.Question));
    }

    [Fact]
    public void Overrides_ReplaceComputedAnswersBeforeThePolicy()
    {
        var input = Input("quick regression run for me", at: Present) with
        {
            Overrides = new Dictionary<Question, AnswerValue> { [Question.Skill] = AnswerValue.Yes, [Question.Horizon] = AnswerValue.Long },
        };

        var d = NewEngine().Decide(input);

        Assert.True(d.AnswerTo(Question.Skill).Overridden);
        Assert.Equal(AnswerValue.Yes, d.AnswerTo(Question.Skill).Value);
        Assert.Equal(AnswerValue.Long, d.AnswerTo(Question.Horizon).Value);
        Assert.False(d.AnswerTo(Question.Reuse).Overridden);
        Assert.Equal(RuleIds.Skilled, d.Rule);
        Assert.Equal(DecisionOutcome.Take, d.Outcome);
        Assert.Equal(HelpMode.Do, d.Mode);
    }

    [Fact]
    public void Overrides_ImpossibleValue_IsAUserError()
    {
        var input = Input("regression") with { Overrides = new Dictionary<Question, AnswerValue> { [Question.Horizon] = AnswerValue.Yes } };
        Assert.Throws<TriageUserException>(() => NewEngine().Decide(input));
    }
}

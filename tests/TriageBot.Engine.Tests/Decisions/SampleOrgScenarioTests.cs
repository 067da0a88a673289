using TriageBot.Engine.Analysis;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Tests.Org;

namespace TriageBot.Engine.Tests.Decisions;

/// <summary>End-to-end decisions on the shipped sample org, as a Lead would see them.</summary>
public class SampleOrgScenarioTests
{
    private static readonly TriageEngine Engine = new(SampleOrg.Directory);
    private static readonly DateTimeOffset Monday = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private static Decision Decide(string lead, string from, string text, DateTimeOffset? at = null) =>
        Engine.Decide(new TriageInput(text, lead, from, at ?? Monday));

    [Fact]
    public void Ana_TeachingDiffInDiffForEveryLaunch_TakesAsTeaching()
    {
        var d = Decide("ana", "caio", "Can you explain how difference in differences works? We'll use it for every launch going forward.");

        Assert.Equal("causal-inference", d.Analysis.TopTopic!.TopicId);
        Assert.Equal(AnswerValue.Yes, d.AnswerTo(Question.Skill).Value);
        Assert.Equal(AnswerValue.Yes, d.AnswerTo(Question.Reuse).Value);
        Assert.Equal(AnswerValue.No, d.AnswerTo(Question.Team).Value);
        Assert.Equal(AnswerValue.Long, d.AnswerTo(Question.Horizon).Value);
        Assert.Equal(DecisionOutcome.Take, d.Outcome);
        Assert.Equal(HelpMode.Teach, d.Mode);
        Assert.Equal(RuleIds.Skilled, d.Rule);
    }

    [Fact]
    public void Ana_ModelEndpointRestart_RedirectsToMlPlatformIntake()
    {
        var d = Decide("ana", "caio", "Can you restart the model serving endpoint? It's down 🔥 https://grafana.example.com/d/abc");

        Assert.Equal(RuleIds.ServiceTeam, d.Rule);
        Assert.Equal("platform-ml", d.Owners[0].Id);
        Assert.Equal("#help-ml-platform", d.Owners[0].Intake);
        Assert.Equal(AnswerValue.Short, d.AnswerTo(Question.Horizon).Value);
        Assert.Equal(AskKind.Access, d.Analysis.Kind);
    }

    [Fact]
    public void Ana_ExperimentReview_RedirectsToBeaWhoIsCloseInSkill()
    {
        var d = Decide("ana", "dani", "Quick: can you review my A/B test sample size for today?");

        Assert.Equal(AnswerValue.No, d.AnswerTo(Question.Skill).Value);
        Assert.Equal(DecisionOutcome.Redirect, d.Outcome);
        Assert.Equal("bea", d.Owners[0].Id);
    }

    [Fact]
    public void Ana_ForecastingDesign_RedirectsToIvanWhoKnowsItBetter()
    {
        var d = Decide("ana", "bea", "How should we design the forecasting approach for next quarter?");

        Assert.Equal(RuleIds.MoreSkilled, d.Rule);
        Assert.Equal("ivan", d.Owners[0].Id);
    }

    [Fact]
    public void Mei_RecsysWhileSofiaIsAway_SofiaIsNotSuggested()
    {
        var present = Decide("mei", "ivan", "can you pull the recommendations data for me", new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero));
        var away = Decide("mei", "ivan", "can you pull the recommendations data for me", new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));

        Assert.Contains(present.Owners, o => o.Id == "sofia");
        Assert.DoesNotContain(away.Owners, o => o.Id == "sofia");
    }

    [Fact]
    public void Outsider_AskingForDataAccess_IsSentToDataEngineering()
    {
        var d = Decide("omar", "U999EXTERNAL", "Could you grant me read access to the events table today?");

        Assert.Equal(RuleIds.ServiceTeam, d.Rule);
        Assert.Equal("data-eng", d.Owners[0].Id);
        Assert.DoesNotContain(d.Owners, o => o.Id == "omar");
    }

    [Fact]
    public void Who_DashboardRequest_TeamIntakeFirstThenPeople()
    {
        var who = Engine.Who(new WhoInput("the looker dashboard shows the wrong KPI", "caio", Monday));

        Assert.Equal("analytics-enablement", who.Owners[0].Id);
        Assert.Equal("https://forms.example.com/bi-request", who.Owners[0].Intake);
        Assert.Contains(who.Owners.Skip(1), o => o.Id is "kai" or "noor");
        Assert.Contains("https://forms.example.com/bi-request", who.Advice, StringComparison.Ordinal);
        Assert.Contains("what you already tried", who.Advice, StringComparison.Ordinal);
        Assert.Contains("deadline", who.Advice, StringComparison.Ordinal);
    }

    [Fact]
    public void Who_NoServiceTeam_BestPeopleNeverTheRequester()
    {
        var who = Engine.Who(new WhoInput("what is a propensity score?", "bea", Monday));

        Assert.Equal("ana", who.Owners[0].Id);
        Assert.DoesNotContain(who.Owners, o => o.Id == "bea");
        Assert.Contains("Ana Lima", who.Advice, StringComparison.Ordinal);
    }

    [Fact]
    public void Who_NoTopic_AsksToClarify()
    {
        var who = Engine.Who(new WhoInput("can someone help me?", "caio", Monday));

        Assert.Empty(who.Owners);
        Assert.Contains("could not tell what this is about", who.Advice, StringComparison.Ordinal);
    }

    [Fact]
    public void Who_AnaAwayOnHoliday_IsNotSuggested()
    {
        var who = Engine.Who(new WhoInput("what is a propensity score?", "caio", new DateTimeOffset(2026, 12, 24, 9, 0, 0, TimeSpan.Zero)));
        Assert.DoesNotContain(who.Owners, o => o.Id == "ana");
    }
}

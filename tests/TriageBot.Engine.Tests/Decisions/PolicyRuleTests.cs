using TriageBot.Engine.Decisions;
using static TriageBot.Engine.Tests.Decisions.DecisionTestOrg;

namespace TriageBot.Engine.Tests.Decisions;

public class PolicyRuleTests
{
    [Fact]
    public void NoTopic_IsClarify()
    {
        var d = NewEngine().Decide(Input("can you help me with the thing from yesterday?"));

        Assert.Equal(DecisionOutcome.Clarify, d.Outcome);
        Assert.Equal(RuleIds.NoTopic, d.Rule);
        Assert.Empty(d.Owners);
        Assert.Null(d.Mode);
        Assert.Null(d.HowToHelp);
        Assert.Equal(DecisionPolicy.Default.Version, d.PolicyVersion);
    }

    [Fact]
    public void Rule1_ServiceTeam_RedirectsToTheTeamIntakeFirst()
    {
        var d = NewEngine().Decide(Input("can you restart the kubernetes cluster today?"));

        Assert.Equal(DecisionOutcome.Redirect, d.Outcome);
        Assert.Equal(RuleIds.ServiceTeam, d.Rule);
        Assert.Equal(OwnerType.Team, d.Owners[0].Type);
        Assert.Equal("ops", d.Owners[0].Id);
        Assert.Equal("#ops", d.Owners[0].Intake);
        Assert.Equal("aaa-ops", d.Owners[1].Id);
        Assert.Null(d.Owners[1].Intake);
        Assert.Equal(OwnerType.Person, d.Owners[2].Type);
        Assert.Equal(3, d.Owners.Count);
        Assert.Contains("Rule 1", d.RuleText, StringComparison.Ordinal);
    }

    [Fact]
    public void Rule1_SkilledLeadWithLongHorizon_DoesNotRedirectToTheTeam()
    {
        // opslead is exceptional on infra only when ops1/ops2 are out of reach: they are the requesters' peers here, so override skill.
        var input = Input("design our kubernetes cluster approach for next quarter") with
        {
            Overrides = new Dictionary<Question, AnswerValue> { [Question.Skill] = AnswerValue.Yes },
        };

        var d = NewEngine().Decide(input);

        Assert.Equal(AnswerValue.Yes, d.AnswerTo(Question.Team).Value);
        Assert.Equal(AnswerValue.Long, d.AnswerTo(Question.Horizon).Value);
        Assert.Equal(RuleIds.Skilled, d.Rule);
        Assert.Equal(DecisionOutcome.Take, d.Outcome);
    }

    [Fact]
    public void Rule2_SomeoneMoreSkilled_RedirectsToThem()
    {
        // ops2 asks (so the service team answer is no); lead is 2 on infra.
        var d = NewEngine().Decide(Input("why does the kubernetes cluster scale like that?", requester: "ops2"));

        Assert.Equal(RuleIds.MoreSkilled, d.Rule);
        Assert.Equal(DecisionOutcome.Redirect, d.Outcome);
        Assert.All(d.Owners, o => Assert.Equal(OwnerType.Person, o.Type));
        Assert.DoesNotContain(d.Owners, o => o.Id is "ops2" or "lead");

        // Ties at level 5: ops1 (senior) before opslead (another lead): a growth opportunity. Then peer at 4.
        Assert.Equal(["ops1", "opslead", "peer"], d.Owners.Select(o => o.Id));
    }

    [Fact]
    public void Rule3_SkilledAndReused_TakesAsTeaching()
    {
        var d = NewEngine().Decide(Input("can you explain how the regression works?", at: AwayDay));

        Assert.Equal(RuleIds.Skilled, d.Rule);
        Assert.Equal(DecisionOutcome.Take, d.Outcome);
        Assert.Equal(HelpMode.Teach, d.Mode);
        Assert.False(d.Timeboxed);
        Assert.Equal("20-minute pairing session", d.HowToHelp!.Suggestion);
        Assert.Equal(20, d.HowToHelp.EstimateMinutes);
    }

    [Fact]
    public void Rule3_SkilledChoreWithLongHorizon_TakesAsDoing()
    {
        var d = NewEngine().Decide(Input("can you run the regression for the roadmap next quarter", at: AwayDay));

        Assert.Equal(RuleIds.Skilled, d.Rule);
        Assert.Equal(HelpMode.Do, d.Mode);
    }

    [Fact]
    public void Rule4_ReusedTeachingLongHorizon_TakesTimeboxed()
    {
        // Lead is 4 on cooking, Cleo 3 is within the margin (skill no), nobody is above the lead (rule 2 does not fire).
        var d = NewEngine().Decide(Input("explain the recipe approach we should use going forward"));

        Assert.Equal(AnswerValue.No, d.AnswerTo(Question.Skill).Value);
        Assert.Equal(RuleIds.TeachTimeboxed, d.Rule);
        Assert.Equal(DecisionOutcome.Take, d.Outcome);
        Assert.Equal(HelpMode.Teach, d.Mode);
        Assert.True(d.Timeboxed);
        Assert.True(d.HowToHelp!.Timeboxed);
        Assert.True(d.HowToHelp.EstimateMinutes <= 30);
    }

    [Fact]
    public void Rule5_Otherwise_RedirectsToTheBestPersonWithEnoughSkill()
    {
        var d = NewEngine().Decide(Input("can you make the recipe for me today"));

        Assert.Equal(RuleIds.BestPerson, d.Rule);
        Assert.Equal(DecisionOutcome.Redirect, d.Outcome);
        Assert.Equal("close", Assert.Single(d.Owners).Id);
    }

    [Fact]
    public void Rule5_NobodySkilled_TakesTimeboxedSoNobodyIsLeftWithoutAnAnswer()
    {
        var d = NewEngine().Decide(Input("can you fix the painting for me"));

        Assert.Equal(RuleIds.FallbackTake, d.Rule);
        Assert.Equal(DecisionOutcome.Take, d.Outcome);
        Assert.True(d.Timeboxed);
        Assert.NotNull(d.HowToHelp);
    }

    [Fact]
    public void Rule5_MinimumOwnerSkillIsPolicyData()
    {
        var d = NewEngine(DecisionPolicy.Default with { MinimumOwnerSkill = 4 }).Decide(Input("can you make the recipe for me today"));
        Assert.Equal(RuleIds.FallbackTake, d.Rule);
    }

    [Fact]
    public void Budget_Reached_RedirectsWhatRule3WouldTake()
    {
        var input = Input("can you explain how the regression works?", at: AwayDay) with { LeadHoursSpentThisWeek = 5 };

        var d = NewEngine().Decide(input);

        Assert.Equal(RuleIds.Budget, d.Rule);
        Assert.Equal(DecisionOutcome.Redirect, d.Outcome);
        Assert.Contains("5 h of your 5 h", d.RuleText, StringComparison.Ordinal);
        Assert.NotEmpty(d.Owners);
        Assert.DoesNotContain(d.Owners, o => o.Id == "away1");
    }

    [Fact]
    public void Budget_Reached_StillTakesWhenSkilledAndLong()
    {
        var input = Input("explain the regression template we will use every launch", at: AwayDay) with { LeadHoursSpentThisWeek = 9 };

        var d = NewEngine().Decide(input);

        Assert.Equal(RuleIds.Skilled, d.Rule);
        Assert.Equal(DecisionOutcome.Take, d.Outcome);
    }

    [Fact]
    public void Budget_Reached_RedirectsWhatRule4WouldTake()
    {
        var input = Input("explain the recipe approach we should use going forward") with { LeadHoursSpentThisWeek = 5.5 };

        var d = NewEngine().Decide(input);

        Assert.Equal(RuleIds.Budget, d.Rule);
        Assert.Equal("close", d.Owners[0].Id);
    }

    [Fact]
    public void Budget_LeadSettingOverridesOrgFile()
    {
        var input = Input("can you explain how the regression works?", at: AwayDay) with { LeadHoursSpentThisWeek = 5, LeadBudgetHours = 10 };
        Assert.Equal(RuleIds.Skilled, NewEngine().Decide(input).Rule);
    }

    [Fact]
    public void Budget_NoBudgetAnywhere_UsesPolicyDefault()
    {
        var under = Input("can you explain how the melody works?", lead: "nobudget") with { LeadHoursSpentThisWeek = 5.9 };
        var over = under with { LeadHoursSpentThisWeek = 6 };

        Assert.Equal(RuleIds.Skilled, NewEngine().Decide(under).Rule);
        Assert.Equal(RuleIds.Budget, NewEngine().Decide(over).Rule);
    }

    [Fact]
    public void Budget_NotEnforced_TakesAnyway()
    {
        var input = Input("can you explain how the regression works?", at: AwayDay) with { LeadHoursSpentThisWeek = 50 };
        Assert.Equal(RuleIds.Skilled, NewEngine(DecisionPolicy.Default with { EnforceBudget = false }).Decide(input).Rule);
    }

    [Fact]
    public void Budget_NobodyElse_TakesTimeboxed()
    {
        var input = Input("explain the painting approach going forward") with { LeadHoursSpentThisWeek = 99 };

        var d = NewEngine().Decide(input);

        Assert.Equal(RuleIds.Budget, d.Rule);
        Assert.Equal(DecisionOutcome.Take, d.Outcome);
        Assert.True(d.Timeboxed);
    }

    [Fact]
    public void HowToHelp_RepeatedTopic_SuggestsAWriteUp()
    {
        var input = Input("can you explain how the regression works?", at: AwayDay) with { TopicRepeatCount = 2 };

        var d = NewEngine().Decide(input);

        Assert.StartsWith("Write it up for the team", d.HowToHelp!.Suggestion, StringComparison.Ordinal);
        Assert.Equal(60, d.HowToHelp.EstimateMinutes);
        Assert.Equal("20-minute pairing session", NewEngine().Decide(input with { TopicRepeatCount = 1 }).HowToHelp!.Suggestion);
    }

    [Fact]
    public void HowToHelp_Review_SuggestsAsyncReview()
    {
        var d = NewEngine().Decide(Input("could you review my regression? we reuse it every launch", at: AwayDay));

        Assert.Equal(DecisionOutcome.Take, d.Outcome);
        Assert.StartsWith("Async review", d.HowToHelp!.Suggestion, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryDecision_CarriesRuleIdAndText()
    {
        var engine = NewEngine();
        foreach (var text in new[] { "x", "regression", "kubernetes", "recipe today for me", "painting", "explain recipe going forward" })
        {
            var d = engine.Decide(Input(text));
            Assert.False(string.IsNullOrWhiteSpace(d.Rule));
            Assert.False(string.IsNullOrWhiteSpace(d.RuleText));
        }
    }

    [Fact]
    public void UnknownLead_IsAUserError()
    {
        var ex = Assert.Throws<TriageUserException>(() => NewEngine().Decide(Input("regression", lead: "ghost")));
        Assert.Contains("ghost", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Outsider_IsNeverSuggestedAndGetsADecision()
    {
        var d = NewEngine().Decide(Input("can you make the recipe for me today", requester: "someone@else.example"));

        Assert.Equal(RuleIds.BestPerson, d.Rule);
        Assert.Equal("close", d.Owners[0].Id);
    }

    [Fact]
    public void PrecomputedAnalysis_IsUsed()
    {
        var engine = NewEngine();
        var analysis = engine.Analyze("kubernetes");
        var d = engine.Decide(Input("this text has no topic") with { Analysis = analysis });

        Assert.Same(analysis, d.Analysis);
        Assert.Equal(RuleIds.ServiceTeam, d.Rule);
    }
}

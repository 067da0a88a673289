using TriageBot.Engine.Decisions;
using TriageBot.Engine.Tests.Fakes;
using TriageBot.Engine.UseCases;

namespace TriageBot.Engine.Tests.UseCases;

/// <summary><see cref="TriageUseCases.EvaluateAsync"/>: the triage use case as a dry run (the CLI) or recording.</summary>
public sealed class TriageEvaluationTests
{
    private const string TeachCausalShort = "Can you teach me propensity score matching?";
    private const string T = TestOrg.Tenant;

    [Fact]
    public async Task EvaluateAsync_DryRun_DecidesLikeTriageAndStoresNothing()
    {
        var h = new UseCaseHarness();
        await h.LogAsync("ana", 90, new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

        var dry = await h.UseCases.EvaluateAsync(UseCaseHarness.Incoming(TeachCausalShort));

        Assert.False(dry.Recorded);
        Assert.Empty(h.Requests.All);
        Assert.Null(await h.Requests.GetAsync(T, dry.Result.Request.Id));
        Assert.Single(h.Ledger.All);
        Assert.Equal(1.5, dry.LeadHoursSpent);
        Assert.Equal(6, dry.LeadBudgetHours);
        Assert.Equal("2026-W48", dry.IsoWeek);
        var recorded = await h.TriageAsync(TeachCausalShort);
        Assert.Equal(recorded.Decision.Decision.Rule, dry.Result.Decision.Decision.Rule);
        Assert.Equal(recorded.Card.Headline, dry.Result.Card.Headline);
    }

    [Fact]
    public async Task EvaluateAsync_Record_StoresLikeTriage()
    {
        var h = new UseCaseHarness();

        var run = await h.UseCases.EvaluateAsync(UseCaseHarness.Incoming(TeachCausalShort), TriageEvaluationOptions.Record);

        Assert.True(run.Recorded);
        Assert.NotNull(await h.Requests.GetAsync(T, run.Result.Request.Id));
    }

    [Fact]
    public async Task EvaluateAsync_WhatIfHoursOverBudget_BudgetRuleWithoutLedgerEntries()
    {
        var h = new UseCaseHarness();

        var run = await h.UseCases.EvaluateAsync(UseCaseHarness.Incoming(TeachCausalShort), new TriageEvaluationOptions { LeadHoursSpent = 40 });

        Assert.Equal(40, run.LeadHoursSpent);
        Assert.Equal(RuleIds.Budget, run.Result.Decision.Decision.Rule);
        Assert.Empty(h.Requests.All);
    }

    [Fact]
    public async Task EvaluateAsync_WhatIfHoursRecorded_Refused()
    {
        var h = new UseCaseHarness();

        await Assert.ThrowsAsync<ArgumentException>(() =>
            h.UseCases.EvaluateAsync(UseCaseHarness.Incoming(TeachCausalShort), new TriageEvaluationOptions { Store = true, LeadHoursSpent = 1 }));
        Assert.Empty(h.Requests.All);
    }

    [Fact]
    public async Task EvaluateAsync_DryRunForNonLead_RefusedWithTheUseCaseWording()
    {
        var h = new UseCaseHarness();

        var ex = await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.EvaluateAsync(UseCaseHarness.Incoming(TeachCausalShort, lead: "carla")));

        Assert.StartsWith("Carla Souza is not a Lead in the org file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DefaultPolicy_NoProblems()
    {
        Assert.Empty(DecisionPolicy.Default.Validate());
    }

    [Fact]
    public void Validate_OutOfRange_OneMessagePerSettingNamingTheKey()
    {
        var problems = (DecisionPolicy.Default with { ExceptionalSkillLevel = 6, DefaultBudgetHours = -1, Version = " " }).Validate();

        Assert.Equal(3, problems.Count);
        Assert.StartsWith("TriageBot:Policy:ExceptionalSkillLevel must be between 1 and 5", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("TriageBot:Policy:DefaultBudgetHours", problems[1], StringComparison.Ordinal);
        Assert.StartsWith("TriageBot:Policy:Version", problems[2], StringComparison.Ordinal);
    }
}

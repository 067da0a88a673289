using CsCheck;
using Moq;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Tests.Fakes;
using TriageBot.Engine.UseCases;

namespace TriageBot.Engine.Tests.UseCases;

public sealed class TriageUseCasesTests
{
    private const string TeachCausal = "Can you teach me how propensity score matching works? We will reuse it for every launch going forward.";
    private const string TeachCausalShort = "Can you teach me propensity score matching?";
    private const string Deploy = "Please deploy my churn model to a serving endpoint today";
    private const string Vague = "hello are you free later";
    private const string FixSql = "Quick one: can you fix this sql query join for me today?";
    private const string T = TestOrg.Tenant;

    [Fact]
    public async Task TriageAsync_KnownLead_RecordsRequestAndDecisionVersion1()
    {
        var h = new UseCaseHarness();

        var result = await h.TriageAsync(TeachCausal);

        Assert.Equal(DecisionOutcome.Take, result.Decision.Decision.Outcome);
        Assert.Equal(1, result.Decision.Version);
        var stored = await h.Requests.GetAsync(T, result.Request.Id);
        Assert.NotNull(stored);
        Assert.Equal(RequestStatus.Open, stored.Status);
        Assert.Equal("causal-inference", stored.TopicId);
        Assert.Equal(UseCaseHarness.Start, stored.ReceivedAt);
        Assert.Equal("C1", stored.Channel);
        Assert.Equal("1700000000.000100", stored.MessageRef);
        var versions = await h.Requests.GetDecisionsAsync(T, result.Request.Id);
        Assert.Single(versions);
        Assert.Equal(result.Card.RequestId, result.Request.Id);
        Assert.Equal("Take it: teach", result.Card.Headline);
        Assert.Equal(["Causal inference"], result.Card.Topics);
        Assert.Contains(CardAction.Take, result.Card.Actions);
        Assert.Null(result.Card.RepeatNotice);
    }

    [Fact]
    public async Task TriageAsync_SameIdempotencyKeyTwice_ReturnsTheFirstRequestAndStoresOne()
    {
        var h = new UseCaseHarness();
        var incoming = UseCaseHarness.Incoming(TeachCausal) with { IdempotencyKey = "evt:Ev1" };

        var first = await h.UseCases.TriageAsync(incoming);
        h.Time.Advance(TimeSpan.FromMinutes(1));
        var again = await h.UseCases.TriageAsync(incoming);
        var otherEvent = await h.UseCases.TriageAsync(incoming with { IdempotencyKey = "evt:Ev2" });
        var noKey = await h.UseCases.TriageAsync(incoming with { IdempotencyKey = null });

        Assert.Equal(first.Request.Id, again.Request.Id);
        Assert.Equal(first.Request.ReceivedAt, again.Request.ReceivedAt);
        Assert.NotEqual(first.Request.Id, otherEvent.Request.Id);
        Assert.NotEqual(first.Request.Id, noKey.Request.Id);
        var stored = await h.Requests.ListForLeadAsync(T, first.Request.LeadId, DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1));
        Assert.Equal(3, stored.Count);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("lead")]
    public async Task TriageAsync_SameIdempotencyKeyForADifferentRequest_ConflictAndNothingOverwritten(string differs)
    {
        var h = new UseCaseHarness();
        var incoming = UseCaseHarness.Incoming(TeachCausal) with { IdempotencyKey = "api:JIRA-7" };
        var first = await h.UseCases.TriageAsync(incoming);
        var other = differs == "text"
            ? incoming with { Text = "who can grant me access to the orders table?" }
            : incoming with { LeadId = "leo" };

        var error = await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.TriageAsync(other));

        Assert.Equal(UserErrorKind.Conflict, error.Kind);
        Assert.Contains("already used for a different request", error.Message, StringComparison.Ordinal);
        var stored = await h.Requests.GetAsync(T, first.Request.Id);
        Assert.Equal(TeachCausal, stored!.Text);
    }

    [Fact]
    public async Task TriageAsync_RedeliveryNamingTheRequesterDifferently_TheSameRequest()
    {
        // A Slack retry whose user lookup failed once (the raw user id) and then succeeded (the org id).
        var h = new UseCaseHarness();
        var incoming = UseCaseHarness.Incoming(TeachCausal) with { IdempotencyKey = "evt:Ev9", RequesterId = "U0BRUNO" };
        var first = await h.UseCases.TriageAsync(incoming);

        var again = await h.UseCases.TriageAsync(incoming with { RequesterId = "bruno" });

        Assert.Equal(first.Request.Id, again.Request.Id);
    }

    [Fact]
    public async Task TriageAsync_RequesterInOrg_UsesOrgName()
    {
        var h = new UseCaseHarness();
        var result = await h.TriageAsync(TeachCausal);
        Assert.Equal("Bruno Costa", result.Request.RequesterName);
        Assert.Equal("Bruno Costa", result.Card.RequesterName);
    }

    [Fact]
    public async Task TriageAsync_Outsider_KeepsGivenNameAndIsNotAnError()
    {
        var h = new UseCaseHarness();
        var result = await h.UseCases.TriageAsync(UseCaseHarness.Incoming(FixSql, requester: "U999", requesterName: "Zoe Guest"));
        Assert.Equal("Zoe Guest", result.Request.RequesterName);
        Assert.Equal("U999", result.Request.RequesterId);
    }

    [Fact]
    public async Task TriageAsync_UnknownLead_ThrowsUserError()
    {
        var h = new UseCaseHarness();
        var ex = await Assert.ThrowsAsync<TriageUserException>(() => h.TriageAsync(TeachCausal, lead: "nobody"));
        Assert.Contains("nobody", ex.Message, StringComparison.Ordinal);
        Assert.Empty(h.Requests.All);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n ")]
    public async Task TriageAsync_EmptyText_ThrowsUserError(string text)
    {
        var h = new UseCaseHarness();
        await Assert.ThrowsAsync<TriageUserException>(() => h.TriageAsync(text));
        Assert.Empty(h.Requests.All);
    }

    [Fact]
    public async Task TriageAsync_NoTopic_Clarify()
    {
        var h = new UseCaseHarness();
        var result = await h.TriageAsync(Vague);
        Assert.Equal(DecisionOutcome.Clarify, result.Card.Outcome);
        Assert.Equal("Clarify: what is this about?", result.Card.Headline);
        Assert.Equal(CardAction.AskForDetails, result.Card.Actions[0]);
        Assert.Null(result.Request.TopicId);
    }

    [Fact]
    public async Task TriageAsync_ThirdRequestOnTopicInFourWeeks_CardSuggestsWriteUp()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(TeachCausal);
        h.Time.Advance(TimeSpan.FromDays(9));
        var second = await h.TriageAsync(TeachCausal, requester: "carla");
        h.Time.Advance(TimeSpan.FromDays(9));
        var third = await h.TriageAsync(TeachCausal);

        Assert.Null(first.Card.RepeatNotice);
        Assert.Null(second.Card.RepeatNotice);
        Assert.NotNull(third.Card.RepeatNotice);
        Assert.Contains("Causal inference has reached you 3 times in the last 4 weeks", third.Card.RepeatNotice, StringComparison.Ordinal);
        Assert.Contains("writing it up", third.Card.RepeatNotice, StringComparison.Ordinal);
        Assert.Contains("group session", third.Card.RepeatNotice, StringComparison.Ordinal);

        // The card fetched later says the same (count as of when it was received).
        var again = await h.UseCases.GetAsync(T, third.Request.Id);
        Assert.Equal(third.Card.RepeatNotice, again.Card.RepeatNotice);
    }

    [Fact]
    public async Task TriageAsync_OlderThanWindow_NotCountedAsRepeat()
    {
        var h = new UseCaseHarness();
        await h.TriageAsync(TeachCausal);
        h.Time.Advance(TimeSpan.FromDays(29));
        await h.TriageAsync(TeachCausal);
        h.Time.Advance(TimeSpan.FromDays(1));
        var third = await h.TriageAsync(TeachCausal);
        Assert.Null(third.Card.RepeatNotice);
    }

    [Fact]
    public async Task TriageAsync_OtherLeadsRequests_NotCountedAsRepeat()
    {
        var h = new UseCaseHarness();
        await h.TriageAsync(TeachCausal, lead: "leo");
        await h.TriageAsync(TeachCausal, lead: "leo");
        var mine = await h.TriageAsync(TeachCausal);
        Assert.Null(mine.Card.RepeatNotice);
    }

    [Fact]
    public async Task TriageAsync_LeadAtBudgetThisWeekInOwnTimezone_BudgetRuleRedirects()
    {
        var h = new UseCaseHarness();
        // Ana is in Sao Paulo (UTC−3); her week 2026-W48 starts Monday 2026-11-23 03:00 UTC.
        await h.LogAsync("ana", 360, new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

        var result = await h.TriageAsync(TeachCausalShort);

        Assert.Equal(RuleIds.Budget, result.Decision.Decision.Rule);
        Assert.Equal(DecisionOutcome.Redirect, result.Decision.Decision.Outcome);
        Assert.StartsWith("You've reached your help budget", result.Card.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TriageAsync_HoursBeforeLeadsLocalMonday_NotCountedThisWeek()
    {
        var h = new UseCaseHarness();
        // Monday 02:00 UTC is still Sunday 23:00 in Sao Paulo: last week for Ana.
        await h.LogAsync("ana", 360, new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero));
        // An estimate does not count as spent either.
        await h.LogAsync("ana", 600, new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero), estimate: true);

        var result = await h.TriageAsync(TeachCausalShort);

        Assert.Equal(RuleIds.Skilled, result.Decision.Decision.Rule);
    }

    [Fact]
    public async Task TriageAsync_LeadSettingsBudget_OverridesOrgBudget()
    {
        var h = new UseCaseHarness();
        await h.UseCases.UpdateSettingsAsync(T, "ana", new SettingsChange(BudgetHours: 1));
        await h.LogAsync("ana", 60, new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        var result = await h.TriageAsync(TeachCausalShort);
        Assert.Equal(RuleIds.Budget, result.Decision.Decision.Rule);
    }

    [Fact]
    public async Task TriageAsync_QueriesLedgerWithLeadsWeekBounds()
    {
        var h = new UseCaseHarness();
        var ledger = new Mock<ITimeLedger>();
        ledger.Setup(l => l.LoggedMinutesByLeadAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<string, int>());
        var useCases = new TriageUseCases(new StaticOrgProvider(h.Org), h.Policy, h.Requests, ledger.Object, h.Settings, h.Time);

        await useCases.TriageAsync(UseCaseHarness.Incoming(TeachCausal));

        var start = new DateTimeOffset(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);
        ledger.Verify(l => l.LoggedMinutesByLeadAsync(T, start, start.AddDays(7), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task OverrideAsync_RecomputesAndKeepsBothVersions()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(TeachCausalShort);
        h.Time.Advance(TimeSpan.FromMinutes(5));

        var second = await h.UseCases.OverrideAsync(T, first.Request.Id, "ana", Question.Skill, AnswerValue.No);

        Assert.Equal(2, second.Decision.Version);
        Assert.Equal(2, second.Card.Version);
        Assert.Equal(AnswerValue.No, second.Decision.Decision.AnswerTo(Question.Skill).Value);
        Assert.True(second.Card.Answers.Single(a => a.Question == Question.Skill).Overridden);
        Assert.Equal(AnswerValue.No, second.Decision.Overrides[Question.Skill]);
        // Same analysis kept.
        Assert.Same(first.Decision.Decision.Analysis, second.Decision.Decision.Analysis);

        var versions = await h.Requests.GetDecisionsAsync(T, first.Request.Id);
        Assert.Equal([1, 2], versions.Select(v => v.Version));
        Assert.Equal(AnswerValue.Yes, versions[0].Decision.AnswerTo(Question.Skill).Value);
        Assert.Empty(versions[0].Overrides);
        Assert.Equal(DecisionOutcome.Take, versions[0].Decision.Outcome);
    }

    [Fact]
    public async Task OverrideAsync_Twice_AccumulatesOverrides()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(TeachCausalShort);
        await h.UseCases.OverrideAsync(T, first.Request.Id, "ana", Question.Skill, AnswerValue.No);
        var third = await h.UseCases.OverrideAsync(T, first.Request.Id, "ana", Question.Horizon, AnswerValue.Long);
        Assert.Equal(3, third.Decision.Version);
        Assert.Equal(2, third.Decision.Overrides.Count);
        Assert.Equal(AnswerValue.No, third.Decision.Decision.AnswerTo(Question.Skill).Value);
        Assert.Equal(AnswerValue.Long, third.Decision.Decision.AnswerTo(Question.Horizon).Value);
    }

    [Fact]
    public async Task OverrideAsync_ConcurrentOverrideWinsVersion_RetriedOnTopAndBothKept()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(TeachCausalShort);
        var raced = false;
        h.Requests.BeforeAddDecision = async attempt =>
        {
            if (!raced)
            {
                // Another click stores version 2 (reuse → no) just before ours.
                raced = true;
                h.Requests.BeforeAddDecision = null;
                await h.UseCases.OverrideAsync(T, first.Request.Id, "ana", Question.Reuse, AnswerValue.No);
            }
        };

        var result = await h.UseCases.OverrideAsync(T, first.Request.Id, "ana", Question.Skill, AnswerValue.No);

        Assert.True(raced);
        Assert.Equal(3, result.Decision.Version);
        Assert.Equal(AnswerValue.No, result.Decision.Overrides[Question.Reuse]);
        Assert.Equal(AnswerValue.No, result.Decision.Overrides[Question.Skill]);
        Assert.Equal([1, 2, 3], (await h.Requests.GetDecisionsAsync(T, first.Request.Id)).Select(v => v.Version));
    }

    [Fact]
    public async Task OverrideAsync_StoreFailsWithoutNewerVersion_ErrorPropagates()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(TeachCausalShort);
        h.Requests.BeforeAddDecision = _ => throw new TimeoutException("database unavailable");
        await Assert.ThrowsAsync<TimeoutException>(() => h.UseCases.OverrideAsync(T, first.Request.Id, "ana", Question.Skill, AnswerValue.No));
        Assert.Single(await h.Requests.GetDecisionsAsync(T, first.Request.Id));
    }

    [Fact]
    public async Task OverrideAsync_NotTheRequestsLead_ThrowsAndStoresNothing()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(TeachCausal);
        await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.OverrideAsync(T, first.Request.Id, "leo", Question.Skill, AnswerValue.No));
        Assert.Single(await h.Requests.GetDecisionsAsync(T, first.Request.Id));
    }

    [Fact]
    public async Task OverrideAsync_ValueNotAllowedForQuestion_Throws()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(TeachCausal);
        var ex = await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.OverrideAsync(T, first.Request.Id, "ana", Question.Horizon, AnswerValue.Yes));
        Assert.Contains("Long", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverrideAsync_OtherTenant_NotFound()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(TeachCausal);
        await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.OverrideAsync("slack:OTHER", first.Request.Id, "ana", Question.Skill, AnswerValue.No));
    }

    [Fact]
    public async Task TakeAsync_WithEstimate_MarksTakenAndLogsEstimateOfModeKind()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(TeachCausal);

        var taken = await h.UseCases.TakeAsync(T, first.Request.Id, "ana", "1h15m");

        Assert.Equal(RequestStatus.Taken, taken.Request.Status);
        Assert.Equal(RequestStatus.Taken, (await h.Requests.GetAsync(T, first.Request.Id))!.Status);
        Assert.NotNull(taken.Estimate);
        Assert.True(taken.Estimate.IsEstimate);
        Assert.Equal(75, taken.Estimate.Minutes);
        Assert.Equal(HelpKind.Teach, taken.Estimate.Kind);
        Assert.Equal("causal-inference", taken.Estimate.TopicId);
        Assert.Equal("bruno", taken.Estimate.RequesterId);
        Assert.Single(h.Ledger.All);
        Assert.Contains("1h15m", taken.Confirmation, StringComparison.Ordinal);
        Assert.Equal("Taken: teach", taken.Card.Headline);
        Assert.Equal([CardAction.LogTime, CardAction.Done, CardAction.Redirect], taken.Card.Actions);
    }

    [Fact]
    public async Task TriageAndWho_TextOverTheLimit_RefusedWithMessageAndNothingStored()
    {
        var h = new UseCaseHarness();
        var huge = "sql window functions " + new string('x', TriageUseCases.MaxTextLength);

        var triage = await Assert.ThrowsAsync<TriageUserException>(() => h.TriageAsync(huge));
        var who = await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.WhoAsync(T, "bruno", huge));

        Assert.Contains("40,000", triage.Message, StringComparison.Ordinal);
        Assert.Contains("40,000", who.Message, StringComparison.Ordinal);
        Assert.Empty(await h.Requests.ListForLeadAsync(T, "ana", DateTimeOffset.MinValue, DateTimeOffset.MaxValue));
        Assert.Equal("ana", (await h.TriageAsync("sql window functions " + new string('x', TriageUseCases.MaxTextLength - 21))).Request.LeadId);
    }

    [Fact]
    public async Task TakeAsync_TwiceWithEstimates_FirstEstimateKeptAndCountedOnce()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(TeachCausal);

        await h.UseCases.TakeAsync(T, first.Request.Id, "ana", "45m");
        var again = await h.UseCases.TakeAsync(T, first.Request.Id, "ana", "2h");

        var estimate = Assert.Single(h.Ledger.All);
        Assert.Equal(45, estimate.Minutes);
        Assert.Null(again.Estimate);
        Assert.Contains("first estimate is kept", again.Confirmation, StringComparison.Ordinal);
        Assert.Equal(RequestStatus.Taken, again.Request.Status);
    }

    [Fact]
    public async Task TakeAsync_WithoutEstimate_NoEntry()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(TeachCausal);
        var taken = await h.UseCases.TakeAsync(T, first.Request.Id, "ana");
        Assert.Null(taken.Estimate);
        Assert.Empty(h.Ledger.All);
    }

    [Fact]
    public async Task TakeAsync_BadEstimate_ThrowsAndChangesNothing()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(TeachCausal);
        await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.TakeAsync(T, first.Request.Id, "ana", "soon"));
        Assert.Equal(RequestStatus.Open, (await h.Requests.GetAsync(T, first.Request.Id))!.Status);
        Assert.Empty(h.Ledger.All);
    }

    [Fact]
    public async Task TakeAsync_RedirectDecisionTakenAnyway_KindInferred()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(Deploy);
        var taken = await h.UseCases.TakeAsync(T, first.Request.Id, "ana", "30m");
        Assert.Equal(HelpKind.Do, taken.Estimate!.Kind);
    }

    [Fact]
    public async Task TakeAsync_OtherLead_Throws()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(TeachCausal);
        await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.TakeAsync(T, first.Request.Id, "leo"));
    }

    [Fact]
    public async Task RedirectAsync_DefaultOwner_ServiceTeamWithIntakeAndPoliteMessage()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(Deploy);

        var result = await h.UseCases.RedirectAsync(T, first.Request.Id, "ana");

        Assert.Equal(OwnerType.Team, result.Owner.Type);
        Assert.Equal("platform-ml", result.Owner.Id);
        var stored = (await h.Requests.GetAsync(T, first.Request.Id))!;
        Assert.Equal(RequestStatus.Redirected, stored.Status);
        Assert.Equal(OwnerType.Team, stored.OwnerType);
        Assert.Equal("platform-ml", stored.OwnerId);
        Assert.StartsWith("Hi Bruno!", result.Message, StringComparison.Ordinal);
        Assert.Contains("#help-ml-platform", result.Message, StringComparison.Ordinal);
        Assert.Contains("ML Platform", result.Message, StringComparison.Ordinal);
        Assert.Contains("context", result.Message, StringComparison.Ordinal);
        Assert.Contains("what you've tried", result.Message, StringComparison.Ordinal);
        Assert.Contains("links", result.Message, StringComparison.Ordinal);
        Assert.Contains("deadline", result.Message, StringComparison.Ordinal);
        Assert.Contains("come back to Ana", result.Message, StringComparison.Ordinal);
        Assert.Equal("Redirected to ML Platform", result.Card.Headline);
        Assert.Empty(result.Card.Actions);
    }

    [Fact]
    public async Task RedirectAsync_ToPersonId_RecordsPersonOwnerAndNamesThem()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(FixSql);
        var result = await h.UseCases.RedirectAsync(T, first.Request.Id, "ana", "leo");
        Assert.Equal(OwnerType.Person, result.Owner.Type);
        Assert.Equal("leo", result.Owner.Id);
        Assert.Contains("Ana thinks Leo Braun is the best person to help with this: Leo is one of the most experienced people on SQL.", result.Message, StringComparison.Ordinal);
        Assert.Contains("reach out to Leo directly", result.Message, StringComparison.Ordinal);

        var redirects = await h.Requests.CountRedirectsByOwnerAsync(T, UseCaseHarness.Start.AddDays(-1));
        Assert.Equal(1, redirects["leo"]);
    }

    [Fact]
    public async Task RedirectAsync_ToPersonNotSuggested_UsesOrgNameAndSkill()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(FixSql);
        var result = await h.UseCases.RedirectAsync(T, first.Request.Id, "ana", "raj");
        Assert.Equal("Raj Patel", result.Owner.Name);
        Assert.Equal("chosen by the Lead", result.Owner.Why);
    }

    [Fact]
    public async Task RedirectAsync_ToTeamId_UsesIntake()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(FixSql);
        var result = await h.UseCases.RedirectAsync(T, first.Request.Id, "ana", "platform-ml");
        Assert.Equal(OwnerType.Team, result.Owner.Type);
        Assert.Equal("#help-ml-platform", result.Owner.Intake);
        Assert.Contains("post your request in #help-ml-platform", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ghost")]
    [InlineData("ana")]
    [InlineData("bruno")]
    public async Task RedirectAsync_UnknownSelfOrRequester_ThrowsAndChangesNothing(string ownerId)
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(FixSql);
        await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.RedirectAsync(T, first.Request.Id, "ana", ownerId));
        Assert.Equal(RequestStatus.Open, (await h.Requests.GetAsync(T, first.Request.Id))!.Status);
    }

    [Fact]
    public async Task RedirectAsync_NoSuggestedOwnerAndNoneGiven_Throws()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(Vague);
        var ex = await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.RedirectAsync(T, first.Request.Id, "ana"));
        Assert.Contains("Name a person or a team", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedirectAsync_EditedMessage_ReturnedAsIs()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(Deploy);
        var result = await h.UseCases.RedirectAsync(T, first.Request.Id, "ana", message: "  Ask Raj in #help-ml-platform please  ");
        Assert.Equal("Ask Raj in #help-ml-platform please", result.Message);
    }

    [Fact]
    public async Task PreviewRedirectAsync_ChangesNothing()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(Deploy);
        var preview = await h.UseCases.PreviewRedirectAsync(T, first.Request.Id, "ana");
        var redirect = await h.UseCases.PreviewRedirectAsync(T, first.Request.Id, "ana", "raj");

        Assert.Equal("platform-ml", preview.Owner.Id);
        Assert.Equal("raj", redirect.Owner.Id);
        Assert.Equal(RequestStatus.Open, (await h.Requests.GetAsync(T, first.Request.Id))!.Status);
        Assert.Equal(RequestStatus.Open, preview.Request.Status);
        Assert.Contains("#help-ml-platform", preview.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClarifyAsync_SetsStatusAndAsksWhatItIsAbout()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(Vague);
        var result = await h.UseCases.ClarifyAsync(T, first.Request.Id, "ana");
        Assert.Equal(RequestStatus.Clarified, (await h.Requests.GetAsync(T, first.Request.Id))!.Status);
        Assert.StartsWith("Hi Bruno!", result.Message, StringComparison.Ordinal);
        Assert.Contains("what it's about", result.Message, StringComparison.Ordinal);
        Assert.Equal("Asked for details", result.Card.Headline);
    }

    [Fact]
    public async Task ClarifyAsync_CustomMessage_Used()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(Vague);
        var result = await h.UseCases.ClarifyAsync(T, first.Request.Id, "ana", "Which dashboard?");
        Assert.Equal("Which dashboard?", result.Message);
    }

    [Fact]
    public async Task LogTimeAsync_DefaultsToLatestTakenRequest_KindFromModeNotEstimate()
    {
        var h = new UseCaseHarness();
        var older = await h.TriageAsync(Deploy);
        await h.UseCases.TakeAsync(T, older.Request.Id, "ana");
        h.Time.Advance(TimeSpan.FromMinutes(10));
        var latest = await h.TriageAsync(TeachCausal);
        await h.UseCases.TakeAsync(T, latest.Request.Id, "ana");
        h.Time.Advance(TimeSpan.FromMinutes(40));

        var logged = await h.UseCases.LogTimeAsync(T, "ana", "1.5h", note: " pairing ");

        Assert.Equal(latest.Request.Id, logged.Entry.RequestId);
        Assert.Equal(90, logged.Entry.Minutes);
        Assert.False(logged.Entry.IsEstimate);
        Assert.Equal(HelpKind.Teach, logged.Entry.Kind);
        Assert.Equal("pairing", logged.Entry.Note);
        Assert.Equal(h.Time.GetUtcNow(), logged.Entry.At);
        Assert.Equal(1.5, logged.WeekHours);
        Assert.Equal(6, logged.BudgetHours);
        Assert.Equal("Logged 1h30m on Bruno's request about Causal inference — 1.5 h of 6 h this week.", logged.Confirmation);
    }

    [Fact]
    public async Task LogTimeAsync_ExplicitKind_Wins()
    {
        var h = new UseCaseHarness();
        var r = await h.TriageAsync(TeachCausal);
        var logged = await h.UseCases.LogTimeAsync(T, "ana", "30m", r.Request.Id, kind: HelpKind.Review);
        Assert.Equal(HelpKind.Review, logged.Entry.Kind);
    }

    [Fact]
    public async Task LogTimeAsync_OverBudget_ConfirmationSaysSo()
    {
        var h = new UseCaseHarness();
        await h.LogAsync("ana", 330, UseCaseHarness.Start.AddHours(-1));
        var logged = await h.UseCases.LogTimeAsync(T, "ana", "1h");
        Assert.Equal(6.5, logged.WeekHours);
        Assert.Contains("0.5 h over budget", logged.Confirmation, StringComparison.Ordinal);
        Assert.Null(logged.Entry.RequestId);
    }

    [Fact]
    public async Task LogTimeAsync_BadDuration_ThrowsWithFormats()
    {
        var h = new UseCaseHarness();
        var ex = await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.LogTimeAsync(T, "ana", "a while"));
        Assert.Contains("1h15m", ex.Message, StringComparison.Ordinal);
        Assert.Empty(h.Ledger.All);
    }

    [Fact]
    public async Task LogTimeAsync_OtherLeadsRequest_Throws()
    {
        var h = new UseCaseHarness();
        var r = await h.TriageAsync(TeachCausal);
        await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.LogTimeAsync(T, "leo", "30m", r.Request.Id));
    }

    [Fact]
    public async Task MarkDoneAsync_LatestTaken_DoneWithLoggedTotal()
    {
        var h = new UseCaseHarness();
        var r = await h.TriageAsync(TeachCausal);
        await h.UseCases.TakeAsync(T, r.Request.Id, "ana", "2h");
        h.Time.Advance(TimeSpan.FromHours(1));
        await h.UseCases.LogTimeAsync(T, "ana", "45m");

        var done = await h.UseCases.MarkDoneAsync(T, "ana");

        Assert.Equal(RequestStatus.Done, done.Request.Status);
        Assert.Equal(RequestStatus.Done, (await h.Requests.GetAsync(T, r.Request.Id))!.Status);
        Assert.Equal("Marked done: Bruno's request about Causal inference. You logged 45m on it.", done.Confirmation);
        Assert.Empty(await h.Requests.ListByStatusAsync(T, "ana", RequestStatus.Taken, 10));
    }

    [Fact]
    public async Task MarkDoneAsync_RequestAlreadyDone_ConflictAndNothingChanged()
    {
        var h = new UseCaseHarness();
        var r = await h.TriageAsync(TeachCausal);
        await h.UseCases.TakeAsync(T, r.Request.Id, "ana");
        var done = await h.UseCases.MarkDoneAsync(T, "ana", r.Request.Id);
        h.Time.Advance(TimeSpan.FromMinutes(5));

        var again = await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.MarkDoneAsync(T, "ana", r.Request.Id));

        Assert.Equal(UserErrorKind.Conflict, again.Kind);
        Assert.Equal(done.Request.UpdatedAt, (await h.Requests.GetAsync(T, r.Request.Id))!.UpdatedAt);
    }

    [Fact]
    public async Task OverrideAsync_SameAnswerAgain_NoNewVersion()
    {
        var h = new UseCaseHarness();
        var r = await h.TriageAsync(TeachCausal);
        var first = await h.UseCases.OverrideAsync(T, r.Request.Id, "ana", Question.Horizon, AnswerValue.Short);

        var again = await h.UseCases.OverrideAsync(T, r.Request.Id, "ana", Question.Horizon, AnswerValue.Short);

        Assert.True(first.Changed);
        Assert.False(again.Changed);
        Assert.Equal(first.Decision.Version, again.Decision.Version);
        Assert.Equal(2, (await h.Requests.GetDecisionsAsync(T, r.Request.Id)).Count);
    }

    [Fact]
    public async Task MarkDoneAsync_NothingTaken_Throws()
    {
        var h = new UseCaseHarness();
        await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.MarkDoneAsync(T, "ana"));
    }

    [Fact]
    public async Task WhoAsync_ServiceTopic_TeamFirst()
    {
        var h = new UseCaseHarness();
        var who = await h.UseCases.WhoAsync(T, "bruno", Deploy);
        Assert.Equal("platform-ml", who.Owners[0].Id);
        await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.WhoAsync(T, "bruno", " "));
    }

    [Fact]
    public async Task GetHomeAsync_ShowsWeekHoursOpenTakenAndRedirects()
    {
        var h = new UseCaseHarness();
        var a = await h.TriageAsync(TeachCausal);
        await h.UseCases.TakeAsync(T, a.Request.Id, "ana");
        var b = await h.TriageAsync(Deploy);
        await h.UseCases.RedirectAsync(T, b.Request.Id, "ana");
        await h.UseCases.LogTimeAsync(T, "ana", "90");

        var home = await h.UseCases.GetHomeAsync(T, "ana");

        Assert.Equal("Ana Lima", home.LeadName);
        Assert.Equal("2026-W48", home.IsoWeek);
        Assert.Equal(1.5, home.HoursSpent);
        Assert.Equal(6, home.BudgetHours);
        Assert.Equal([a.Request.Id], home.OpenTaken.Select(r => r.Id));
        Assert.Equal([b.Request.Id], home.RecentRedirects.Select(r => r.Id));
        Assert.Equal("America/Sao_Paulo", home.Settings.TimeZone);
    }

    [Fact]
    public async Task GetSettingsAsync_FallsBackOrgThenDefaults()
    {
        var h = new UseCaseHarness();
        var ana = await h.UseCases.GetSettingsAsync(T, "ana");
        Assert.Equal(new EffectiveLeadSettings(6, DayOfWeek.Friday, new TimeOnly(16, 0), "America/Sao_Paulo"), ana);
        var leo = await h.UseCases.GetSettingsAsync(T, "leo");
        Assert.Equal(new EffectiveLeadSettings(4, DayOfWeek.Friday, new TimeOnly(16, 0), "Europe/Berlin"), leo);
        // A Lead the org file says nothing more about gets the policy's and the host's defaults.
        var bare = TriageBot.Engine.Org.OrgParser.Parse("topics: [{id: sql, name: SQL}]\npeople: [{id: zoe, name: Zoe, level: lead}]\n").Directory!;
        var custom = new TriageUseCases(new StaticOrgProvider(bare), DecisionPolicy.Default with { DefaultBudgetHours = 3 }, h.Requests, h.Ledger, h.Settings, h.Time, new DigestDefaults(DayOfWeek.Monday, new TimeOnly(9, 0)));
        Assert.Equal(new EffectiveLeadSettings(3, DayOfWeek.Monday, new TimeOnly(9, 0), "UTC"), await custom.GetSettingsAsync(T, "zoe"));
    }

    [Fact]
    public async Task LeadOnlyUseCases_PersonWhoIsNotALead_RefusedNamingTheLevel()
    {
        var h = new UseCaseHarness();

        var triage = await Assert.ThrowsAsync<TriageUserException>(() => h.TriageAsync(TeachCausal, lead: "carla"));
        await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.GetSettingsAsync(T, "carla"));

        Assert.Contains("not a Lead", triage.Message, StringComparison.Ordinal);
        Assert.Contains("level senior", triage.Message, StringComparison.Ordinal);
        Assert.Empty(await h.Requests.ListForLeadAsync(T, "carla", DateTimeOffset.MinValue, DateTimeOffset.MaxValue));
    }

    [Fact]
    public async Task UpdateSettingsAsync_ValidChange_StoredPerTenantAndMerged()
    {
        var h = new UseCaseHarness();
        await h.UseCases.UpdateSettingsAsync(T, "ana", new SettingsChange(BudgetHours: 8));
        var effective = await h.UseCases.UpdateSettingsAsync(T, "ana", new SettingsChange(DigestDay: DayOfWeek.Monday, DigestTime: new TimeOnly(9, 30), TimeZone: "Europe/Berlin"));

        Assert.Equal(new EffectiveLeadSettings(8, DayOfWeek.Monday, new TimeOnly(9, 30), "Europe/Berlin"), effective);
        Assert.Equal(effective, await h.UseCases.GetSettingsAsync(T, "ana"));
        Assert.Equal(6, (await h.UseCases.GetSettingsAsync("teams:other", "ana")).BudgetHours);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(60.5)]
    [InlineData(double.NaN)]
    public async Task UpdateSettingsAsync_BudgetOutOfRange_FriendlyError(double budget)
    {
        var h = new UseCaseHarness();
        var ex = await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.UpdateSettingsAsync(T, "ana", new SettingsChange(BudgetHours: budget)));
        Assert.Contains("between 0 and 60", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(60)]
    public async Task UpdateSettingsAsync_BudgetBounds_Accepted(double budget)
    {
        var h = new UseCaseHarness();
        Assert.Equal(budget, (await h.UseCases.UpdateSettingsAsync(T, "ana", new SettingsChange(BudgetHours: budget))).BudgetHours);
    }

    [Theory]
    [InlineData("Mars/Olympus")]
    [InlineData("Central European Standard Time")]
    [InlineData("")]
    public async Task UpdateSettingsAsync_BadTimezone_FriendlyError(string zone)
    {
        var h = new UseCaseHarness();
        var ex = await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.UpdateSettingsAsync(T, "ana", new SettingsChange(TimeZone: zone)));
        Assert.Contains("IANA", ex.Message, StringComparison.Ordinal);
        Assert.Null(await h.Settings.GetAsync(T, "ana"));
    }

    [Fact]
    public async Task UpdateSettingsAsync_UnknownLead_Throws()
    {
        var h = new UseCaseHarness();
        await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.UpdateSettingsAsync(T, "ghost", new SettingsChange(BudgetHours: 2)));
    }

    [Fact]
    public async Task BuildDigestAsync_BadWeek_FriendlyError()
    {
        var h = new UseCaseHarness();
        await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.BuildDigestAsync(T, "ana", "last week"));
    }

    [Fact]
    public async Task BuildDigestAsync_NoWeek_CurrentWeekInLeadsTimezone()
    {
        var h = new UseCaseHarness();
        // Sunday 2026-11-29 23:30 UTC is Monday 00:30 in Berlin (W49) and still Sunday 20:30 in Sao Paulo (W48).
        h.Time.SetUtcNow(new DateTimeOffset(2026, 11, 29, 23, 30, 0, TimeSpan.Zero));
        Assert.Equal("2026-W48", (await h.UseCases.BuildDigestAsync(T, "ana")).IsoWeek);
        Assert.Equal("2026-W49", (await h.UseCases.BuildDigestAsync(T, "leo")).IsoWeek);
    }

    [Fact]
    public void TriageAsync_ArbitraryText_RecordsOrThrowsOnlyUserErrors()
    {
        var h = new UseCaseHarness();
        Gen.String[0, 3000].Sample(text =>
        {
            try
            {
                var result = h.TriageAsync(text).GetAwaiter().GetResult();
                Assert.True(result.Card.RequestExcerpt.Length <= DecisionCardPresenter.MaxExcerptLength);
                Assert.Equal(4, result.Card.Answers.Count);
            }
            catch (TriageUserException)
            {
                Assert.True(string.IsNullOrWhiteSpace(text));
            }
        }, iter: 300);
    }

    [Fact]
    public async Task GetAsync_UnknownRequest_FriendlyError()
    {
        var h = new UseCaseHarness();
        await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.GetAsync(T, Guid.NewGuid()));
    }

    [Fact]
    public async Task GetAsync_ReturnsLatestVersion()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(TeachCausal);
        await h.UseCases.OverrideAsync(T, first.Request.Id, "ana", Question.Reuse, AnswerValue.No);
        var got = await h.UseCases.GetAsync(T, first.Request.Id);
        Assert.Equal(2, got.Decision.Version);
        Assert.Equal(2, got.Card.Version);
    }
}

using TriageBot.Engine.Analysis;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Digest;
using TriageBot.Engine.Ledger;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Tests.Fakes;
using TriageBot.Engine.UseCases;

namespace TriageBot.Engine.Tests.Digest;

/// <summary>A crafted week for Ana (Sao Paulo, UTC−3, budget 6 h): 2026-W48, Monday 2026-11-23 .. Sunday 2026-11-29 local.</summary>
public sealed class DigestBuilderTests
{
    private const string T = TestOrg.Tenant;
    private static readonly TimeSpan SaoPaulo = TimeSpan.FromHours(-3);

    private static DateTimeOffset Local(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, SaoPaulo);

    private static Decision DecisionWithHorizon(AnswerValue horizon) => new(
        DecisionOutcome.Take,
        HelpMode.Teach,
        RuleIds.Skilled,
        "rule",
        new RequestAnalysis([], AskKind.Learn, [], false, Horizon.Unknown, []),
        [new QuestionAnswer(Question.Horizon, horizon, "why", [])],
        [],
        null,
        false,
        "2026.1");

    private static Guid Seed(InMemoryRequestStore store, string requester, string requesterName, string? topic, RequestStatus status, DateTimeOffset at, AnswerValue horizon = AnswerValue.Unsure, OwnerType? ownerType = null, string? ownerId = null)
    {
        var id = Guid.NewGuid();
        var request = new RequestRecord(id, T, Platform.Slack, "C1", null, null, requester, requesterName, "ana", "text", at, topic, status, ownerType, ownerId, at);
        store.Seed(request, new DecisionRecord(id, 1, DecisionWithHorizon(horizon), new Dictionary<Question, AnswerValue>(), at));
        return id;
    }

    private static async Task<WeeklyDigest> CraftedWeekAsync()
    {
        var h = new UseCaseHarness();
        var s = h.Requests;
        var r1 = Seed(s, "bruno", "Bruno Costa", "causal-inference", RequestStatus.Taken, Local(11, 23, 10), AnswerValue.Long);
        var r2 = Seed(s, "carla", "Carla Souza", "causal-inference", RequestStatus.Done, Local(11, 24, 11), AnswerValue.Short);
        Seed(s, "bruno", "Bruno Costa", "sql", RequestStatus.Redirected, Local(11, 25, 9), ownerType: OwnerType.Person, ownerId: "leo");
        Seed(s, "bruno", "Bruno Costa", "model-deployment", RequestStatus.Redirected, Local(11, 25, 15), ownerType: OwnerType.Team, ownerId: "platform-ml");
        Seed(s, "U999", "Zoe Guest", null, RequestStatus.Clarified, Local(11, 26, 10));
        var r6 = Seed(s, "raj", "Raj Patel", "causal-inference", RequestStatus.Taken, Local(11, 29, 23, 30), AnswerValue.Unsure); // Sunday late: still this week
        Seed(s, "bruno", "Bruno Costa", "causal-inference", RequestStatus.Open, Local(11, 22, 23)); // previous week (W47)
        Seed(s, "bruno", "Bruno Costa", "causal-inference", RequestStatus.Open, Local(11, 30, 0, 30)); // next week (W49)

        await h.LogAsync("ana", 60, Local(11, 23, 11), HelpKind.Teach, topic: "causal-inference", requester: "bruno", request: r1);
        await h.LogAsync("ana", 90, Local(11, 24, 12), HelpKind.Do, topic: "causal-inference", requester: "carla", request: r2);
        await h.LogAsync("ana", 30, Local(11, 29, 23, 45), HelpKind.Review, topic: "causal-inference", requester: "raj", request: r6);
        await h.LogAsync("ana", 120, Local(11, 22, 23, 30), HelpKind.Do); // previous week
        await h.LogAsync("ana", 45, Local(11, 23, 10, 5), HelpKind.Teach, estimate: true, request: r1);
        await h.LogAsync("ana", 30, Local(11, 25, 8), HelpKind.Do);
        await h.LogAsync("leo", 300, Local(11, 25, 8), HelpKind.Do); // someone else's time

        return await h.UseCases.BuildDigestAsync(T, "ana", "2026-W48");
    }

    [Fact]
    public async Task BuildAsync_CraftedWeek_HoursBudgetAndShare()
    {
        var d = await CraftedWeekAsync();
        Assert.Equal("2026-W48", d.IsoWeek);
        Assert.Equal(new DateOnly(2026, 11, 23), d.WeekStart);
        Assert.Equal("America/Sao_Paulo", d.TimeZone);
        Assert.Equal("Ana Lima", d.LeadName);
        Assert.Equal(3.5, d.HoursSpent);
        Assert.Equal(0.75, d.EstimatedHours);
        Assert.Equal(6, d.BudgetHours);
        Assert.Equal(0.0875, d.ShareOfWeek);
    }

    [Fact]
    public async Task BuildAsync_CraftedWeek_Counts()
    {
        var d = await CraftedWeekAsync();
        Assert.Equal(6, d.Received);
        Assert.Equal(3, d.Taken);
        Assert.Equal(2, d.Redirected);
        Assert.Equal(1, d.Clarified);
    }

    [Fact]
    public async Task BuildAsync_CraftedWeek_HoursByKindAndTopic()
    {
        var d = await CraftedWeekAsync();
        Assert.Equal([new KindHours(HelpKind.Teach, 1), new KindHours(HelpKind.Do, 2), new KindHours(HelpKind.Review, 0.5)], d.HoursByKind);
        Assert.Equal(
            [
                new TopicHours("causal-inference", "Causal inference", 3, 3),
                new TopicHours(DigestBuilder.NoTopicId, "No topic", 0.5, 1),
                new TopicHours("model-deployment", "Model deployment", 0, 1),
                new TopicHours("sql", "SQL", 0, 1),
            ],
            d.HoursByTopic);
    }

    [Fact]
    public async Task BuildAsync_CraftedWeek_TopRequestersAndRedirectTargets()
    {
        var d = await CraftedWeekAsync();
        Assert.Equal(
            [
                new RequesterCount("bruno", "Bruno Costa", 3, 1),
                new RequesterCount("carla", "Carla Souza", 1, 1.5),
                new RequesterCount("raj", "Raj Patel", 1, 0.5),
                new RequesterCount("U999", "Zoe Guest", 1, 0),
            ],
            d.TopRequesters);
        Assert.Equal([new RedirectTarget("leo", "Leo Braun", 1), new RedirectTarget("platform-ml", "ML Platform", 1)], d.RedirectedTo);
    }

    [Fact]
    public async Task BuildAsync_CraftedWeek_RepeatedTopicsInFourWeeks()
    {
        var d = await CraftedWeekAsync();
        var repeated = Assert.Single(d.RepeatedTopics);
        Assert.Equal("causal-inference", repeated.TopicId);
        Assert.Equal(4, repeated.CountInWindow);
        Assert.Contains("write it up", repeated.Suggestion, StringComparison.Ordinal);
        Assert.Contains("group session", repeated.Suggestion, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildAsync_CraftedWeek_LeverageFromHorizons()
    {
        var d = await CraftedWeekAsync();
        // Long 40 h + short 4 h + unsure 8 h, for 3.5 h invested.
        Assert.Equal(DigestBuilder.GuidedHoursLong + DigestBuilder.GuidedHoursShort + DigestBuilder.GuidedHoursUnsure, d.HoursGuided);
        Assert.Equal(52, d.HoursGuided);
        Assert.Equal(14.86, d.Leverage);
    }

    [Fact]
    public async Task BuildAsync_CraftedWeek_DailyMondayToSundayInLeadsTimezone()
    {
        var d = await CraftedWeekAsync();
        Assert.Equal(7, d.Daily.Count);
        Assert.Equal(Enumerable.Range(23, 7).Select(day => new DateOnly(2026, 11, day)), d.Daily.Select(x => x.Day));
        Assert.Equal(new DailyHours(new DateOnly(2026, 11, 23), 1, 0, 0), d.Daily[0]);
        Assert.Equal(new DailyHours(new DateOnly(2026, 11, 24), 0, 1.5, 0), d.Daily[1]);
        Assert.Equal(new DailyHours(new DateOnly(2026, 11, 25), 0, 0.5, 0), d.Daily[2]);
        Assert.Equal(0, d.Daily[3].Total);
        // 23:45 Sunday local is Monday 02:45 UTC: it belongs to Sunday.
        Assert.Equal(new DailyHours(new DateOnly(2026, 11, 29), 0, 0, 0.5), d.Daily[6]);
        Assert.Equal(d.HoursSpent, d.Daily.Sum(x => x.Total), 6);
    }

    [Fact]
    public async Task BuildAsync_CraftedWeek_TrendOfPreviousFourWeeks()
    {
        var d = await CraftedWeekAsync();
        Assert.Equal(
            [
                new WeekTrend("2026-W44", 0, 0, 0),
                new WeekTrend("2026-W45", 0, 0, 0),
                new WeekTrend("2026-W46", 0, 0, 0),
                new WeekTrend("2026-W47", 2, 1, 0),
            ],
            d.Trend);
    }

    [Fact]
    public async Task BuildAsync_CraftedWeek_Highlights()
    {
        var d = await CraftedWeekAsync();
        Assert.Equal(
            [
                "You spent 3.5 h of your 6 h budget helping (9% of a 40-hour week).",
                "6 requests reached you: 3 taken, 2 redirected, 1 clarified.",
                "Up 3 h on your 4-week average of 0.5 h.",
                "Causal inference came up 4 times in 4 weeks: a write-up or group session would answer it once.",
                "You redirected 2 requests; Leo Braun got 1.",
                "Your 3.5 h of help guided about 52 h of others' work (14.9× leverage).",
            ],
            d.Highlights);
    }

    [Fact]
    public async Task BuildAsync_QuietWeek_NoDivisionByZero()
    {
        var h = new UseCaseHarness();
        var d = await h.UseCases.BuildDigestAsync(T, "leo", "2026-W48");
        Assert.Equal(0, d.HoursSpent);
        Assert.Equal(0, d.Leverage);
        Assert.Equal(7, d.Daily.Count);
        Assert.Equal(4, d.Trend.Count);
        Assert.Equal(4, d.BudgetHours);
        Assert.StartsWith("A quiet week", d.Highlights[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildAsync_OverBudget_HighlightSaysByHowMuch()
    {
        var h = new UseCaseHarness();
        await h.LogAsync("leo", 330, new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero));
        var d = await h.UseCases.BuildDigestAsync(T, "leo", "2026-W48");
        Assert.Equal("You spent 5.5 h helping, 1.5 h over your 4 h budget (14% of a 40-hour week).", d.Highlights[0]);
    }

    [Fact]
    public async Task BuildAsync_OtherTenant_SeesNothing()
    {
        var h = new UseCaseHarness();
        await h.LogAsync("ana", 60, new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero));
        var d = await h.UseCases.BuildDigestAsync("teams:other", "ana", "2026-W48");
        Assert.Equal(0, d.HoursSpent);
    }

    [Fact]
    public async Task BuildAsync_UsesLatestDecisionVersionForHorizon()
    {
        var h = new UseCaseHarness();
        var r = await h.TriageAsync("Can you teach me propensity score matching?");
        await h.UseCases.TakeAsync(T, r.Request.Id, "ana");
        var before = await h.UseCases.BuildDigestAsync(T, "ana");
        await h.UseCases.OverrideAsync(T, r.Request.Id, "ana", Question.Horizon, AnswerValue.Long);
        var after = await h.UseCases.BuildDigestAsync(T, "ana");
        Assert.Equal(DigestBuilder.GuidedHoursUnsure, before.HoursGuided);
        Assert.Equal(DigestBuilder.GuidedHoursLong, after.HoursGuided);
    }

    [Fact]
    public async Task Render_CraftedWeek_PlainTextHasEveryFigure()
    {
        var d = await CraftedWeekAsync();
        var text = DigestTextRenderer.Render(d);
        Assert.Contains("Weekly help digest for Ana Lima, 2026-W48", text, StringComparison.Ordinal);
        Assert.Contains("Help time: 3.5 h of 6 h budget, 9% of a 40-hour week (estimated at take: 0.8 h)", text, StringComparison.Ordinal);
        Assert.Contains("Requests: 6 received, 3 taken, 2 redirected, 1 clarified", text, StringComparison.Ordinal);
        Assert.Contains("By kind: teach 1 h, do 2 h, review 0.5 h", text, StringComparison.Ordinal);
        Assert.Contains("  - Causal inference: 3 h, 3 requests", text, StringComparison.Ordinal);
        Assert.Contains("  - Bruno Costa: 3 requests, 1 h", text, StringComparison.Ordinal);
        Assert.Contains("  - Causal inference (4×):", text, StringComparison.Ordinal);
        Assert.Contains("  - ML Platform: 1", text, StringComparison.Ordinal);
        Assert.Contains("Leverage: about 52 h of others' work guided for 3.5 h invested (14.9×)", text, StringComparison.Ordinal);
        Assert.Contains("  Sun 2026-11-29: 0.5 h (0 h / 0 h / 0.5 h)", text, StringComparison.Ordinal);
        Assert.Contains("  2026-W47: 2 h, 1 received, 0 taken", text, StringComparison.Ordinal);
        Assert.Contains("Highlights:\n  * You spent 3.5 h of your 6 h budget", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_WeekBoundsFollowTimezone()
    {
        var org = TestOrg.Build();
        var lead = org.FindPerson("leo")!;
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Pacific/Auckland");
        // Monday 00:30 in Auckland is Sunday 11:30 UTC: same ISO week 2026-W49 for the Lead.
        var entry = new TimeEntry(Guid.NewGuid(), T, "leo", null, 60, HelpKind.Do, false, null, null, new DateTimeOffset(2026, 11, 29, 11, 30, 0, TimeSpan.Zero), null);
        var data = new DigestData(T, lead, new IsoWeekId(2026, 49), zone, 4, [], [entry], new Dictionary<Guid, AnswerValue>());
        var d = DigestBuilder.Compose(data, org, DecisionPolicy.Default);
        Assert.Equal(1, d.HoursSpent);
        Assert.Equal(1, d.Daily[0].Do);
        Assert.Equal("Pacific/Auckland", d.TimeZone);
    }
}

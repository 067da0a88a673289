using Microsoft.Extensions.Time.Testing;
using TriageBot.Engine.Digest;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Tests.Fakes;

namespace TriageBot.Engine.Tests.Digest;

/// <summary>
/// Leads in the test org: Ana (lead, Sao Paulo, Friday 16:00 = 19:00 UTC) and Leo (staff, Berlin, default Friday 16:00 = 15:00 UTC).
/// </summary>
public sealed class DigestDispatcherTests
{
    private const string T = TestOrg.Tenant;
    private static readonly DateTimeOffset Thursday = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FridayBothDue = new(2026, 11, 27, 19, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FridayOnlyLeoDue = new(2026, 11, 27, 16, 0, 0, TimeSpan.Zero);

    private sealed class Setup
    {
        public Setup(params string[] tenants)
        {
            Harness = new UseCaseHarness();
            Deliveries = new InMemoryDigestDeliveryStore(tenants.Length == 0 ? [T, "local"] : tenants);
            Dispatcher = NewDispatcher(Slack);
        }

        public UseCaseHarness Harness { get; }

        public FakeTimeProvider Time => Harness.Time;

        public InMemoryDigestDeliveryStore Deliveries { get; }

        public FakeDigestSender Slack { get; } = new(Platform.Slack);

        public InMemoryInstallationStore Installations { get; } = new();

        public FakeChartRenderer Chart { get; } = new();

        public DigestDispatcher Dispatcher { get; }

        public DigestDispatcher NewDispatcher(params IDigestSender[] senders) =>
            new(new StaticOrgProvider(Harness.Org), Harness.UseCases, Deliveries, Installations, senders, Chart, Time);
    }

    public sealed class FakeChartRenderer : IDigestChartRenderer
    {
        public bool Fail { get; set; }

        public byte[] RenderPng(WeeklyDigest digest) => Fail ? throw new InvalidOperationException("no fonts") : [0x89, 0x50, 0x4E, 0x47];
    }

    [Fact]
    public async Task RunDueAsync_NotDue_SendsNothingAndClaimsNothing()
    {
        var s = new Setup();
        s.Time.SetUtcNow(Thursday);
        Assert.Equal(0, await s.Dispatcher.RunDueAsync("a", CancellationToken.None));
        Assert.Empty(s.Slack.Sent);
        Assert.Equal(0, s.Deliveries.ClaimCalls);
    }

    [Fact]
    public async Task RunDueAsync_Due_SendsEachLeadTheirWeekWithTextAndChart()
    {
        var s = new Setup();
        s.Time.SetUtcNow(FridayBothDue);
        await s.Harness.LogAsync("ana", 90, new DateTimeOffset(2026, 11, 24, 15, 0, 0, TimeSpan.Zero));

        Assert.Equal(2, await s.Dispatcher.RunDueAsync("a", CancellationToken.None));

        Assert.Equal(["ana", "leo"], s.Slack.Sent.Select(x => x.Lead.Id).Order());
        var ana = s.Slack.Sent.Single(x => x.Lead.Id == "ana").Message;
        Assert.Equal("2026-W48", ana.Digest.IsoWeek);
        Assert.Equal(1.5, ana.Digest.HoursSpent);
        Assert.Contains("Weekly help digest for Ana Lima", ana.PlainText, StringComparison.Ordinal);
        Assert.NotNull(ana.ChartPng);
        Assert.Equal(DigestDeliveryStatus.Sent, await s.Deliveries.GetStatusAsync(T, "ana", "2026-W48"));
        // Non-leads (bruno, carla, mia the manager) get nothing; "local" is never a delivery tenant.
        Assert.Null(await s.Deliveries.GetStatusAsync(T, "mia", "2026-W48"));
        Assert.Null(await s.Deliveries.GetStatusAsync("local", "ana", "2026-W48"));
    }

    [Fact]
    public async Task RunDueAsync_EachLeadsOwnTimezone_OnlyDueLeadsSent()
    {
        var s = new Setup();
        s.Time.SetUtcNow(FridayOnlyLeoDue);
        Assert.Equal(1, await s.Dispatcher.RunDueAsync("a", CancellationToken.None));
        Assert.Equal("leo", Assert.Single(s.Slack.Sent).Lead.Id);
    }

    [Fact]
    public async Task RunDueAsync_LeadsOwnSettings_Respected()
    {
        var s = new Setup();
        await s.Harness.UseCases.UpdateSettingsAsync(T, "leo", new TriageBot.Engine.UseCases.SettingsChange(DigestDay: DayOfWeek.Saturday));
        s.Time.SetUtcNow(FridayBothDue);
        Assert.Equal(1, await s.Dispatcher.RunDueAsync("a", CancellationToken.None));
        Assert.Equal("ana", Assert.Single(s.Slack.Sent).Lead.Id);
    }

    [Fact]
    public async Task RunDueAsync_RunTwice_SentOnce()
    {
        var s = new Setup();
        s.Time.SetUtcNow(FridayBothDue);
        Assert.Equal(2, await s.Dispatcher.RunDueAsync("a", CancellationToken.None));
        s.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, await s.Dispatcher.RunDueAsync("a", CancellationToken.None));
        s.Time.Advance(TimeSpan.FromHours(30));
        Assert.Equal(0, await s.Dispatcher.RunDueAsync("a", CancellationToken.None));
        Assert.Equal(2, s.Slack.Sent.Count);
    }

    [Fact]
    public async Task RunDueAsync_TwoDispatchersSharingStore_EachDigestExactlyOnce()
    {
        var s = new Setup();
        s.Time.SetUtcNow(FridayBothDue);
        var otherSender = new FakeDigestSender(Platform.Slack);
        var other = s.NewDispatcher(otherSender);

        for (var round = 0; round < 5; round++)
        {
            var results = await Task.WhenAll(
                Task.Run(() => s.Dispatcher.RunDueAsync("instance-a", CancellationToken.None)),
                Task.Run(() => other.RunDueAsync("instance-b", CancellationToken.None)));
            Assert.Equal(round == 0 ? 2 : 0, results.Sum());
            s.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var all = s.Slack.Sent.Concat(otherSender.Sent).Select(x => x.Lead.Id).Order().ToList();
        Assert.Equal(["ana", "leo"], all);
    }

    [Fact]
    public async Task RunDueAsync_MissedWhileDown_SentOnceOnRestart()
    {
        var s = new Setup();
        // The bot was down over the weekend and comes back on Monday (W49 everywhere): last week's digests go out once.
        s.Time.SetUtcNow(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        var restarted = s.NewDispatcher(s.Slack);

        Assert.Equal(2, await restarted.RunDueAsync("a", CancellationToken.None));
        Assert.All(s.Slack.Sent, x => Assert.Equal("2026-W48", x.Message.Digest.IsoWeek));

        var restartedAgain = s.NewDispatcher(s.Slack);
        Assert.Equal(0, await restartedAgain.RunDueAsync("a", CancellationToken.None));
        Assert.Equal(2, s.Slack.Sent.Count);
    }

    [Fact]
    public async Task RunDueAsync_InstanceCrashedAfterClaim_RetriedAfterLease()
    {
        var s = new Setup();
        s.Time.SetUtcNow(FridayBothDue);
        // Another instance claimed Ana's digest and died before completing it.
        Assert.True(await s.Deliveries.TryClaimAsync(T, "ana", "2026-W48", "dead", FridayBothDue, FridayBothDue.AddMinutes(10)));

        Assert.Equal(1, await s.Dispatcher.RunDueAsync("a", CancellationToken.None));
        Assert.Equal("leo", Assert.Single(s.Slack.Sent).Lead.Id);

        s.Time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(1, await s.Dispatcher.RunDueAsync("a", CancellationToken.None));
        Assert.Equal(["leo", "ana"], s.Slack.Sent.Select(x => x.Lead.Id));
    }

    [Theory]
    [InlineData(DigestSendResult.Blocked)]
    [InlineData(DigestSendResult.NotReachable)]
    public async Task RunDueAsync_BlockedOrUnreachable_SkippedAndNotRetried(DigestSendResult result)
    {
        var s = new Setup();
        s.Time.SetUtcNow(FridayBothDue);
        var calls = 0;
        s.Slack.Behaviour = (_, lead) =>
        {
            if (lead.Id == "ana")
            {
                calls++;
                return result;
            }

            return DigestSendResult.Sent;
        };

        Assert.Equal(1, await s.Dispatcher.RunDueAsync("a", CancellationToken.None));
        Assert.Equal(DigestDeliveryStatus.Skipped, await s.Deliveries.GetStatusAsync(T, "ana", "2026-W48"));
        Assert.Equal(result.ToString(), s.Deliveries.Find(T, "ana", "2026-W48")!.Detail);

        s.Time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(0, await s.NewDispatcher(s.Slack).RunDueAsync("b", CancellationToken.None));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task RunDueAsync_SendFails_RecordedFailedAndRetriedNextRun()
    {
        var s = new Setup();
        s.Time.SetUtcNow(FridayBothDue);
        var failures = 1;
        s.Slack.Behaviour = (_, lead) => lead.Id == "ana" && failures-- > 0 ? throw new HttpRequestException("503 from chat API") : DigestSendResult.Sent;
        var events = new List<DigestDeliveryEventArgs>();
        s.Dispatcher.DeliveryCompleted += (_, e) => events.Add(e);

        Assert.Equal(1, await s.Dispatcher.RunDueAsync("a", CancellationToken.None));
        Assert.Equal(DigestDeliveryStatus.Failed, await s.Deliveries.GetStatusAsync(T, "ana", "2026-W48"));
        Assert.Contains("503", s.Deliveries.Find(T, "ana", "2026-W48")!.Detail, StringComparison.Ordinal);
        var failed = events.Single(e => e.LeadId == "ana");
        Assert.Equal(DigestDeliveryStatus.Failed, failed.Status);
        Assert.IsType<HttpRequestException>(failed.Error);

        s.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await s.Dispatcher.RunDueAsync("a", CancellationToken.None));
        Assert.Equal(DigestDeliveryStatus.Sent, await s.Deliveries.GetStatusAsync(T, "ana", "2026-W48"));
        Assert.Equal(2, s.Deliveries.Find(T, "ana", "2026-W48")!.Claims);
    }

    [Fact]
    public async Task RunDueAsync_ChartFails_DigestSentWithoutChart()
    {
        var s = new Setup();
        s.Time.SetUtcNow(FridayBothDue);
        s.Chart.Fail = true;
        Assert.Equal(2, await s.Dispatcher.RunDueAsync("a", CancellationToken.None));
        Assert.All(s.Slack.Sent, x => Assert.Null(x.Message.ChartPng));
    }

    [Fact]
    public async Task RunDueAsync_TenantFromInstallations_UsesItsPlatformSender()
    {
        var s = new Setup(["local"]);
        s.Time.SetUtcNow(FridayBothDue);
        await s.Installations.SaveAsync(new Installation("teams:tenant-1", Platform.Teams, null, null, null, FridayBothDue, null));
        var teams = new FakeDigestSender(Platform.Teams);
        var dispatcher = s.NewDispatcher(s.Slack, teams);

        Assert.Equal(2, await dispatcher.RunDueAsync("a", CancellationToken.None));
        Assert.Empty(s.Slack.Sent);
        Assert.All(teams.Sent, x => Assert.Equal("teams:tenant-1", x.Tenant));
    }

    [Fact]
    public async Task RunDueAsync_NoSenderForPlatform_NothingClaimed()
    {
        var s = new Setup(["teams:tenant-1"]);
        s.Time.SetUtcNow(FridayBothDue);
        Assert.Equal(0, await s.Dispatcher.RunDueAsync("a", CancellationToken.None));
        Assert.Equal(0, s.Deliveries.ClaimCalls);
    }

    [Theory]
    [InlineData("slack:T1", Platform.Slack)]
    [InlineData("slack:E123", Platform.Slack)]
    [InlineData("teams:0000-1111", Platform.Teams)]
    [InlineData("local", null)]
    [InlineData("other:1", null)]
    public void PlatformOf_TenantPrefix(string tenant, Platform? expected)
    {
        Assert.Equal(expected, DigestDispatcher.PlatformOf(tenant));
    }
}

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Engine.Digest;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Engine.UseCases;
using TriageBot.Slack.App;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TriageBot.Slack.Tests;

/// <summary>
/// A digest is two steps, text then chart: a chart upload that fails (HTTP 500 on files.completeUploadExternal) is retried
/// on its own and never posts the digest text again, for the on-demand digest and the scheduled one alike.
/// </summary>
public sealed class DigestDeliveryTests : IDisposable
{
    private const string Tenant = "slack:T0E2E";
    private readonly FakeSlack _slack = new();
    private readonly string _dataDir = Directory.CreateTempSubdirectory("triagebot-slack-digest-").FullName;

    // Ana's DM (other Leads' digests, which the scheduler also sends, go to the fake's shared D0DM).
    private const string AnaDm = "DANA1";

    public DigestDeliveryTests()
    {
        _slack.Server.Given(Request.Create().WithPath("/api/conversations.open").UsingPost().WithBody(new WildcardMatcher("*U01ANA*"))).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"ok":true,"channel":{"id":"DANA1"}}"""));

        // The first completeUploadExternal into Ana's DM answers 500; from then on the default (ok) mapping answers.
        _slack.Server.Given(Request.Create().WithPath("/api/files.completeUploadExternal").UsingPost().WithBody(new WildcardMatcher("*" + AnaDm + "*"))).AtPriority(1)
            .InScenario("chart-upload-fails-once").WillSetStateTo("failed-once")
            .RespondWith(Response.Create().WithStatusCode(500).WithBody("upstream error"));
    }

    public void Dispose()
    {
        _slack.Dispose();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file briefly on some systems.
        }
    }

    private string Command(string text, string user = "U01ANA") =>
        $"token=t&team_id=T0E2E&team_domain=e2e&channel_id=C0HELP&channel_name=help&user_id={user}&user_name=x&command=%2Ftriage&text={Uri.EscapeDataString(text)}&response_url={Uri.EscapeDataString(_slack.ResponseUrl("cmd1"))}&trigger_id=333.444.trigger&api_app_id=A1";

    [Fact]
    public async Task DigestCommand_ChartUploadFailsOnce_TextPostedOnceAndChartUploadedOnRetry()
    {
        await using var app = new SlackAppFactory(_slack.ApiBaseUrl, _dataDir);
        using var client = app.CreateClient();

        var response = await app.PostFormAsync(client, Command("digest"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await AssertTextOnceChartOnRetryAsync(app);
    }

    [Fact]
    public async Task ScheduledDigest_ChartUploadFailsOnce_SentTextPostedOnceAndChartUploadedOnRetry()
    {
        await using var app = new SlackAppFactory(_slack.ApiBaseUrl, _dataDir);
        using var client = app.CreateClient();
        // A stored request makes the workspace an active tenant for the scheduler.
        var triage = await app.PostFormAsync(client, Command("Can you help me design a difference in differences analysis for next quarter's launches?"));
        Assert.Equal(HttpStatusCode.OK, triage.StatusCode);
        Assert.Single(await _slack.WaitForResponsesAsync(1)); // read after the ack, answered through response_url

        // Friday 27 November 2026, 17:00 in São Paulo: Ana's digest (Fridays 16:00) is due.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 20, 0, 0, TimeSpan.Zero));
        var dispatcher = new DigestDispatcher(
            app.Service<IOrgProvider>(),
            app.Service<ITriageUseCases>(),
            app.Service<IDigestDeliveryStore>(),
            app.Service<IInstallationStore>(),
            app.Services.GetServices<IDigestSender>(),
            app.Service<IDigestChartRenderer>(),
            clock);
        var delivered = new List<DigestDeliveryEventArgs>();
        dispatcher.DeliveryCompleted += (_, e) => delivered.Add(e);

        await dispatcher.RunDueAsync("digest-test", CancellationToken.None);

        var ana = Assert.Single(delivered, e => e.LeadId == "ana" && e.Tenant == Tenant);
        Assert.Equal(DigestDeliveryStatus.Sent, ana.Status);
        Assert.Equal(DigestDeliveryStatus.Sent, await app.Service<IDigestDeliveryStore>().GetStatusAsync(Tenant, "ana", ana.IsoWeek));
        await AssertTextOnceChartOnRetryAsync(app);
    }

    [Fact]
    public async Task SendDigestItem_FirstRun_TextCarriesTheItemIdInMetadata()
    {
        await using var app = new SlackAppFactory(_slack.ApiBaseUrl, _dataDir);
        app.CreateClient().Dispose();
        var item = DigestItem(previousClaims: 0);

        var result = await SendDigestAsync(app, item);

        Assert.Equal(DigestSendResult.Sent, result);
        var post = FakeSlack.Json(Assert.Single(_slack.Posts(AnaDm)));
        Assert.Equal(item.Id.ToString("D"), (string?)post["metadata"]!["event_payload"]!["work_item_id"]);
        Assert.Empty(_slack.Calls("conversations.history"));
    }

    [Fact]
    public async Task SendDigestItem_RetryAfterLostLease_TextAlreadyInTheDm_NotPostedAgain()
    {
        await using var app = new SlackAppFactory(_slack.ApiBaseUrl, _dataDir);
        app.CreateClient().Dispose();
        var item = DigestItem(previousClaims: 1);
        _slack.Ok("conversations.history", """{"ok":true,"has_more":false,"messages":[{"ts":"1764925200.000100","metadata":{"event_type":"triagebot_work_item","event_payload":{"work_item_id":"ID"}}}]}""".Replace("ID", item.Id.ToString("D"), StringComparison.Ordinal), priority: 1);

        var result = await SendDigestAsync(app, item);

        Assert.Equal(DigestSendResult.Sent, result);
        Assert.Empty(_slack.Posts(AnaDm));
        Assert.Equal(AnaDm, FakeSlack.Form(Assert.Single(_slack.Calls("conversations.history")))["channel"]);
    }

    private static WorkItem DigestItem(int previousClaims)
    {
        var now = TimeProvider.System.GetUtcNow();
        return new WorkItem(Guid.CreateVersion7(now), Tenant, SlackWorkKinds.SendDigest, """{"lead_id":"ana"}""", 0, now, now) { PreviousClaims = previousClaims };
    }

    private static async Task<DigestSendResult> SendDigestAsync(SlackAppFactory app, WorkItem item)
    {
        var ana = app.Service<IOrgProvider>().Directory.FindPerson("ana")!;
        var digest = await app.Service<ITriageUseCases>().BuildDigestAsync(Tenant, "ana", null, CancellationToken.None);
        return await app.Service<SlackDigestSender>().SendAsync(Tenant, ana, new DigestMessage(digest, SlackDigestSender.FallbackText(digest), null), item, CancellationToken.None);
    }

    private async Task AssertTextOnceChartOnRetryAsync(SlackAppFactory app)
    {
        // The chart step is retried by the queue with its backoff: one 500, then the upload that works.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (ChartUploads().Count < 2 && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(25);
        }

        var uploads = ChartUploads();
        Assert.Equal(2, uploads.Count);
        Assert.Equal(500, Convert.ToInt32(uploads[0].ResponseMessage.StatusCode, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(200, Convert.ToInt32(uploads[1].ResponseMessage.StatusCode, System.Globalization.CultureInfo.InvariantCulture));
        await WaitForQueueDrainAsync(app);

        // Exactly one digest text in Ana's DM, however many times the chart was tried; no third upload.
        Assert.Single(_slack.Posts(AnaDm));
        Assert.Equal(2, ChartUploads().Count);
    }

    private List<WireMock.Logging.ILogEntry> ChartUploads() =>
        _slack.Calls("files.completeUploadExternal").Where(c => FakeSlack.Form(c).GetValueOrDefault("channel_id") == AnaDm).ToList();

    private static async Task WaitForQueueDrainAsync(SlackAppFactory app)
    {
        var queue = app.Service<IWorkQueue>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await queue.GetStatsAsync()).Pending > 0)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                Assert.Fail("The work queue did not drain.");
            }

            await Task.Delay(25);
        }
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Engine.Ports;
using TriageBot.Host.Observability;

namespace TriageBot.Host.Tests;

// OpenTelemetry's MeterProvider listens to every meter named "TriageBot" in the process, whichever service provider
// created it. Test apps of other classes running in parallel would then feed their own (empty) queue gauge into this
// app's /metrics, so these tests run alone.
[CollectionDefinition(nameof(MetricsTests), DisableParallelization = true)]
public sealed class MetricsTestsCollection;

[Collection(nameof(MetricsTests))]
public class MetricsTests
{
    [Fact]
    public async Task Metrics_AfterTriageAndSlackAck_ExposesHostAndAdapterInstruments()
    {
        const string secret = "8f742231b10e8888abcd99yyyzzz85a5";
        await using var app = new TestApp(new Dictionary<string, string?>
        {
            ["TriageBot:Slack:SigningSecret"] = secret,
            ["TriageBot:Slack:BotToken"] = "xoxb-17-42-metrics",
            ["TriageBot:Slack:ApiBaseUrl"] = "http://127.0.0.1:9/api/",
            ["TriageBot:Playground:Enabled"] = "true",
            ["TriageBot:Workers:MetricsInterval"] = "00:00:00.100",
        });
        var client = app.CreateClient();

        var triage = await client.PostJsonAsync("/playground/api/triage", new { leadId = "ana", requesterId = "bia", text = "how do I compute the sample size for an A/B test?" });
        Assert.Equal(HttpStatusCode.OK, triage.StatusCode);

        // A signed url_verification through the real Slack endpoint records the adapter's ack histogram.
        var body = "{\"token\":\"x\",\"challenge\":\"abc123\",\"type\":\"url_verification\"}";
        var ts = DateTimeOffset.FromUnixTimeSeconds(app.Services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds()).ToUnixTimeSeconds().ToString();
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        var sig = "v0=" + Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes($"v0:{ts}:{body}")));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", sig);
        var slack = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, slack.StatusCode);

        var metrics = await Http.EventuallyAsync(
            () => client.GetStringAsync("/metrics"),
            text => text.Contains("triagebot_requests_triaged_total", StringComparison.Ordinal) && text.Contains("triagebot_ack_duration", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10));

        Assert.Matches("triagebot_requests_triaged_total\\{[^}]*decision=\"redirect\"[^}]*platform=\"local\"", metrics);
        Assert.Contains("triagebot_queue_depth", metrics, StringComparison.Ordinal);
        Assert.Contains("triagebot_queue_oldest_age_seconds", metrics, StringComparison.Ordinal);
        Assert.Contains("triagebot_ack_duration", metrics, StringComparison.Ordinal);
        // The runtime's meter: GC pause time and the thread pool's queue, for tails outside the request pipeline.
        Assert.Contains("dotnet_gc_pause_time_seconds_total", metrics, StringComparison.Ordinal);
        Assert.Contains("dotnet_thread_pool_queue_length", metrics, StringComparison.Ordinal);

        // The single writer's histograms use buckets that fit seconds and item counts (the triage above was one batch).
        Assert.Contains("triagebot_storage_write_batch_duration_seconds_bucket{otel_scope_name=\"TriageBot.Storage\",le=\"0.001\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("triagebot_storage_write_batch_size_bucket{otel_scope_name=\"TriageBot.Storage\",le=\"256\"}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueueGauges_ItemPendingInStore_ReportDepthAndAge()
    {
        await using var app = new TestApp(new Dictionary<string, string?>
        {
            ["TriageBot:Workers:Enabled"] = "false",
            ["TriageBot:Workers:MetricsInterval"] = "00:00:00.100",
        });
        var client = app.CreateClient();
        var queue = app.Services.GetRequiredService<IWorkQueue>();
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await queue.EnqueueAsync(new WorkItem(Guid.NewGuid(), "local", "test.nothing", "{}", 0, now, now.AddSeconds(-30)));

        var metrics = app.Services.GetRequiredService<TriageBotMetrics>();
        var sample = await Http.EventuallyAsync(() => Task.FromResult(metrics.Queue), q => q.Pending == 1, TimeSpan.FromSeconds(10));

        Assert.Equal(1, sample.Pending);
        Assert.True(sample.OldestAgeSeconds >= 29);
        Assert.Contains("triagebot_queue_depth{otel_scope_name=\"TriageBot\"} 1", await client.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("slack:T1", "slack")]
    [InlineData("Slack:T1", "slack")]
    [InlineData("teams:72f988bf", "teams")]
    [InlineData("local", "local")]
    [InlineData("discord:1", "local")]
    [InlineData("not a key", "local")]
    public void PlatformOfTenant_TenantKeys_TagAsTheDigestDispatcherReadsThem(string tenant, string expected) =>
        Assert.Equal(expected, TriageBotMetrics.PlatformOfTenant(tenant));
}

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Engine.Ports;
using TriageBot.Host.WarmUp;
using TriageBot.Storage;

namespace TriageBot.Host.Tests;

public sealed class WarmUpTests
{
    [Fact]
    public async Task Readyz_WarmUpStillRunning_Returns503UntilItCompletes()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocking = new BlockingWarmUp(release.Task);
        await using var app = new TestApp(services: s => s.AddSingleton<IWarmUp>(blocking), waitForWarmUp: false);
        var client = app.CreateClient();
        await blocking.Started.WaitAsync(TimeSpan.FromMinutes(2));

        var before = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);
        var check = (await before.JsonAsync()).GetProperty("checks").GetProperty("warm-up");
        Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        release.SetResult();
        await app.Services.GetRequiredService<WarmUpState>().Completed.WaitAsync(TimeSpan.FromMinutes(2));
        var after = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("Healthy", (await after.JsonAsync()).GetProperty("checks").GetProperty("warm-up").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readyz_WarmUpPastItsDeadline_ReadyAndSaysSo()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocking = new BlockingWarmUp(release.Task);
        await using var app = new TestApp(
            services: s => s.AddSingleton<IWarmUp>(blocking).AddSingleton(new WarmUpState { Deadline = TimeSpan.FromMilliseconds(100) }),
            waitForWarmUp: false);
        var client = app.CreateClient();
        var state = app.Services.GetRequiredService<WarmUpState>();

        await state.Completed.WaitAsync(TimeSpan.FromMinutes(2));
        var ready = await client.GetAsync("/readyz");
        release.SetResult();

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.True(state.CutShort);
        Assert.Contains(app.Logs.Events, e => e.MessageTemplate.Text.StartsWith("Warm-up still running after", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WarmUp_StepFails_ReadyAnywayAndLogged()
    {
        await using var app = new TestApp(services: s => s.AddSingleton<IWarmUp>(new FailingWarmUp()));
        var client = app.CreateClient();

        var ready = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains(app.Logs.Events, e => e.MessageTemplate.Text.StartsWith("Warm-up step {Step} failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WarmUp_SlackConfigured_RunsAckPathAndStoresNothing()
    {
        await using var app = new TestApp(new Dictionary<string, string?>
        {
            ["TriageBot:Slack:SigningSecret"] = "warm-up-test-secret",
            ["TriageBot:Slack:BotToken"] = "xoxb-warm-up-test",
        });
        var client = app.CreateClient();

        var ready = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.DoesNotContain(app.Logs.Events, e => e.MessageTemplate.Text.StartsWith("Warm-up step {Step} failed", StringComparison.Ordinal));
        var storage = app.Services.GetRequiredService<IStorage>();
        Assert.Empty(await storage.Digests.ListActiveTenantsAsync());
        Assert.Equal(0, (await storage.Queue.GetStatsAsync()).Pending);
    }

    [Fact]
    public async Task WarmUp_ListeningWithSlack_PostsSignedEventsThroughItsOwnEndpointAndStoresNothing()
    {
        await using var app = new TestApp(new Dictionary<string, string?>
        {
            ["TriageBot:Slack:SigningSecret"] = "warm-up-test-secret",
            ["TriageBot:Slack:BotToken"] = "xoxb-warm-up-test",
        }, kestrel: true);
        _ = app.ServerAddress; // starts the host (and its warm-up) on a loopback port

        await app.Services.GetRequiredService<WarmUpState>().Completed.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.DoesNotContain(app.Logs.Events, e => e.MessageTemplate.Text.StartsWith("Warm-up step {Step} failed", StringComparison.Ordinal));
        // Each delivery came in through Kestrel, passed the signature check and was acknowledged.
        var posts = app.Logs.Events.Where(e => e.Properties.TryGetValue("RequestPath", out var path) && path.ToString() == "\"/slack/events\"").ToList();
        Assert.Equal(Slack.App.SlackWarmUp.HttpRequestCount, posts.Count);
        Assert.All(posts, e => Assert.Equal("200", e.Properties["StatusCode"].ToString()));
        var storage = app.Services.GetRequiredService<IStorage>();
        Assert.Empty(await storage.Digests.ListActiveTenantsAsync());
        Assert.Equal(0, (await storage.Queue.GetStatsAsync()).Pending);
    }

    private sealed class BlockingWarmUp(Task release) : IWarmUp
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public string Name => "blocking";

        public async Task WarmUpAsync(CancellationToken ct)
        {
            _started.TrySetResult();
            await release.WaitAsync(ct);
        }
    }

    private sealed class FailingWarmUp : IWarmUp
    {
        public string Name => "failing";

        public Task WarmUpAsync(CancellationToken ct) => throw new InvalidOperationException("warm-up failure for the test");
    }
}

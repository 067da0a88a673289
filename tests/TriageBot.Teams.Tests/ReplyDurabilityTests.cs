using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Queue;
using TriageBot.Teams.Connector;
using TriageBot.Teams.Tests.Support;

namespace TriageBot.Teams.Tests;

/// <summary>
/// Every reply to an accepted activity arrives, once: a reply the conversation's pacing would hold too long goes to the
/// durable queue, and a caller that hangs up does not cancel the work or its reply.
/// </summary>
public sealed class ReplyDurabilityTests : IDisposable
{
    private readonly TeamsAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Messages_ManyIntoOneConversationCallerHangsUp_EveryReplyArrivesExactlyOnce()
    {
        _app.ConnectorAcceptsEverything();
        using (var warmClient = _app.CreateClient())
        {
            // Warm up (signing keys, token, org, database) in another conversation, so the one under test starts unpaced.
            var warm = _app.Activity("message-personal.json");
            warm["conversation"]!["id"] = "a:warm-up-conversation";
            Assert.Equal(HttpStatusCode.OK, (await _app.PostActivityAsync(warmClient, warm)).StatusCode);
        }

        // 40 messages into Ana's 1:1 chat, 10 at a time, from a caller that gives up after 1 s: Teams paces a
        // conversation at 7 sends per second, so most replies cannot go out before the caller has hung up.
        using var client = _app.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(1);
        var ids = new List<string>();
        for (var batch = 0; batch < 4; batch++)
        {
            var sends = new List<Task>();
            for (var i = 0; i < 10; i++)
            {
                var message = _app.Activity("message-personal.json");
                message["text"] = $"How should I set up a difference in differences analysis for next quarter's launch {batch}-{i}?";
                ids.Add((string)message["id"]!);
                sends.Add(PostIgnoringHangUpAsync(client, message));
            }

            await Task.WhenAll(sends);
        }

        // Workers are off in this host: run the queue until every reply arrived (bounded).
        var runner = _app.Services.GetRequiredService<WorkQueueRunner>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (ids.Any(id => RepliesTo(id) == 0) && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            await runner.RunOnceAsync("reply-durability-test", CancellationToken.None);
            await Task.Delay(50);
        }

        Assert.All(ids, id => Assert.True(RepliesTo(id) >= 1, $"no reply to {id}"));

        // Nothing is left to send again: the queue is empty and each activity got one reply.
        await runner.RunOnceAsync("reply-durability-test", CancellationToken.None);
        Assert.Equal(0, (await _app.Services.GetRequiredService<IWorkQueue>().GetStatsAsync()).Pending);
        Assert.All(ids, id => Assert.Equal(1, RepliesTo(id)));
    }

    [Fact]
    public void TryReserve_WaitLongerThanAllowed_ReservesNothing()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        var limiter = new ConversationRateLimiter(time);
        for (var i = 0; i < 7; i++)
        {
            Assert.True(limiter.TryReserve("c1", TimeSpan.Zero, out _));
        }

        // The 8th send would wait 1 s: refused under a 0.5 s allowance, and refusing leaves the slot free.
        Assert.False(limiter.TryReserve("c1", TimeSpan.FromSeconds(0.5), out var wait));
        Assert.Equal(TimeSpan.FromSeconds(1), wait);
        Assert.True(limiter.TryReserve("c1", TimeSpan.FromSeconds(1), out wait));
        Assert.Equal(TimeSpan.FromSeconds(1), wait);
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.Reserve("c1"));
    }

    private async Task PostIgnoringHangUpAsync(HttpClient client, System.Text.Json.Nodes.JsonObject message)
    {
        try
        {
            var response = await _app.PostActivityAsync(client, message);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        catch (TaskCanceledException)
        {
            // The caller hung up (its 1 s timeout); the bot answers anyway.
        }
    }

    private int RepliesTo(string activityId) =>
        _app.ConnectorCalls().Count(c => c.Method == "POST" && c.Path.EndsWith("/activities/" + activityId, StringComparison.Ordinal));
}

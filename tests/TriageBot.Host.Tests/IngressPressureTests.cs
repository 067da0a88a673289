using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Host.Workers;
using TriageBot.Slack.Protocol;
using TriageBot.Slack.SocketMode;

namespace TriageBot.Host.Tests;

public sealed class IngressPressureTests
{
    [Fact]
    public void LastSecond_RequestsWithinASecond_AreAllCounted()
    {
        var time = new FakeTimeProvider();
        var pressure = new IngressPressure(time);
        for (var i = 0; i < 10; i++)
        {
            pressure.Record();
            time.Advance(TimeSpan.FromMilliseconds(90));
        }

        Assert.Equal(10, pressure.LastSecond());
    }

    [Fact]
    public void LastSecond_AfterQuietSecond_ForgetsOldRequests()
    {
        var time = new FakeTimeProvider();
        var pressure = new IngressPressure(time);
        for (var i = 0; i < 50; i++)
        {
            pressure.Record();
        }

        time.Advance(TimeSpan.FromMilliseconds(500));
        pressure.Record();
        Assert.Equal(51, pressure.LastSecond());

        time.Advance(TimeSpan.FromMilliseconds(600));
        Assert.Equal(1, pressure.LastSecond());

        // A bucket reused a second later starts from zero, not from what it held before.
        time.Advance(TimeSpan.FromSeconds(1));
        pressure.Record();
        Assert.Equal(1, pressure.LastSecond());
    }

    [Fact]
    public async Task HandleAsync_SocketModeEnvelope_CountsTowardThePressureAndIsHandled()
    {
        // Socket Mode envelopes never pass the HTTP middleware; the host's Slack handler counts them instead.
        await using var app = new TestApp();
        _ = app.Server;
        var handler = app.Services.GetRequiredService<ISlackInboundHandler>();
        var pressure = app.Services.GetRequiredService<IngressPressure>();
        var before = pressure.LastSecond();
        using var payload = JsonDocument.Parse("""{"team_id":"T1","channel_id":"C1","user_id":"U1","command":"/triage","text":"help","trigger_id":"1.2.3"}""");

        var ack = await handler.HandleAsync(SlackInboundParser.ParseSocketPayload("slash_commands", payload.RootElement), CancellationToken.None);

        Assert.IsType<CountingSlackInboundHandler>(handler);
        Assert.Equal(200, ack.Status);
        Assert.Equal(before + 1, pressure.LastSecond());
    }

    [Theory]
    [InlineData("/slack/events", true)]
    [InlineData("/slack/interactions", true)]
    [InlineData("/api/messages", true)]
    [InlineData("/API/Messages", true)]
    [InlineData("/api/v1/requests", false)]
    [InlineData("/metrics", false)]
    [InlineData("/slackware", false)]
    public void IsPlatformPath_Path_Expected(string path, bool expected) =>
        Assert.Equal(expected, IngressPressure.IsPlatformPath(new PathString(path)));
}

using Microsoft.Extensions.Time.Testing;
using TriageBot.Slack.Api;

namespace TriageBot.Slack.Tests;

public class PacerAndOptionsTests
{
    [Fact]
    public void Reserve_SameChannel_SpacesOnePerInterval()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-27T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var pacer = new ChannelPacer(time, TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, pacer.Reserve("C1"));
        Assert.Equal(TimeSpan.FromSeconds(1), pacer.Reserve("C1"));
        Assert.Equal(TimeSpan.FromSeconds(2), pacer.Reserve("C1"));
        Assert.Equal(TimeSpan.Zero, pacer.Reserve("C2"));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.Zero, pacer.Reserve("C1"));
    }

    [Fact]
    public async Task WaitAsync_SecondMessage_WaitsForFakeClock()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-27T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var pacer = new ChannelPacer(time, TimeSpan.FromSeconds(1));
        await pacer.WaitAsync("C1", CancellationToken.None);
        var second = pacer.WaitAsync("C1", CancellationToken.None);
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private static IReadOnlyList<string> Validate(SlackOptions options)
    {
        var result = new SlackOptionsValidator().Validate(null, options);
        return result.Failed ? result.Failures!.ToList() : [];
    }

    [Fact]
    public void Validate_NothingConfigured_IsFine()
    {
        Assert.Empty(Validate(new SlackOptions()));
    }

    [Fact]
    public void Validate_BotTokenWithoutSecret_NamesTheKey()
    {
        var failures = Validate(new SlackOptions { BotToken = "xoxb-1" });
        Assert.Contains(failures, f => f.Contains("TriageBot:Slack:SigningSecret is required when TriageBot:Slack:BotToken is set", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SocketModeWithoutSecret_IsFine()
    {
        Assert.Empty(Validate(new SlackOptions { BotToken = "xoxb-1", AppToken = "xapp-1" }));
    }

    [Theory]
    [InlineData("xoxp-user", null, null, "BotToken must be a bot token")]
    [InlineData("xoxb-1", "xoxb-wrong", null, "AppToken must be an app-level token")]
    [InlineData(null, null, "C1", "ClientSecret is required")]
    [InlineData("xoxb-1", null, null, "SigningSecret is required")]
    public void Validate_WrongSettings_ExplainWhatToSet(string? bot, string? app, string? clientId, string expected)
    {
        var failures = Validate(new SlackOptions { BotToken = bot, AppToken = app, ClientId = clientId, SigningSecret = bot is null || app is null ? null : "s" });
        Assert.Contains(failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BadApiBaseUrl_NamesTheKey()
    {
        var failures = Validate(new SlackOptions { ApiBaseUrl = "not a url" });
        Assert.Contains(failures, f => f.StartsWith("TriageBot:Slack:ApiBaseUrl", StringComparison.Ordinal));
    }
}

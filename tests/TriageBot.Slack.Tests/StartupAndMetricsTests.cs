using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TriageBot.Slack.Api;

namespace TriageBot.Slack.Tests;

public sealed class StartupAndMetricsTests
{
    [Fact]
    public void AddSlack_BotTokenWithoutSigningSecret_FailsStartupValidationNamingTheKey()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["TriageBot:Slack:BotToken"] = "xoxb-1" }).Build();
        using var provider = new ServiceCollection().AddLogging().AddSlack(config).BuildServiceProvider();
        var validator = provider.GetRequiredService<IStartupValidator>();
        var ex = Assert.Throws<OptionsValidationException>(validator.Validate);
        Assert.Contains("TriageBot:Slack:SigningSecret is required when TriageBot:Slack:BotToken is set", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiCalls_RecordOutboundMetricWithMethodAndStatus()
    {
        using var slack = new FakeSlack();
        slack.Ok("chat.update", """{"ok":false,"error":"message_not_found"}""", priority: 1);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["TriageBot:Slack:ApiBaseUrl"] = slack.ApiBaseUrl }).Build();
        await using var provider = new ServiceCollection().AddLogging().AddSlack(config).BuildServiceProvider();
        var seen = new List<(string Name, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        var factory = provider.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SlackMetrics.MeterName && instrument.Meter.Scope == factory)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            lock (seen)
            {
                seen.Add((instrument.Name, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
            }
        });
        listener.Start();
        var api = provider.GetRequiredService<SlackApiClient>();
        await api.PostMessageAsync("xoxb-1", new ChatPostMessageRequest { Channel = "C1", Text = "x" });
        await Assert.ThrowsAsync<SlackApiException>(() => api.UpdateMessageAsync("xoxb-1", new ChatUpdateRequest { Channel = "C1", Ts = "1", Text = "x" }));

        Assert.Contains(seen, m => m.Name == "triagebot.outbound.calls" && (string?)m.Tags["platform"] == "slack" && (string?)m.Tags["method"] == "chat.postMessage" && (string?)m.Tags["status"] == "ok");
        Assert.Contains(seen, m => m.Name == "triagebot.outbound.calls" && (string?)m.Tags["method"] == "chat.update" && (string?)m.Tags["status"] == "message_not_found");
    }
}

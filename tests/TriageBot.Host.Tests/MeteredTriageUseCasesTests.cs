using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Engine.UseCases;
using TriageBot.Host.Observability;

namespace TriageBot.Host.Tests;

/// <summary>What the card-action counters count: the platform the request came from, and only calls that changed something.</summary>
public sealed class MeteredTriageUseCasesTests : IDisposable
{
    private const string SlackTenant = "slack:T0TEST";
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, Dictionary<string, string?> Tags)> _seen = [];
    private readonly Mock<ITriageUseCases> _inner = new();
    private readonly MeteredTriageUseCases _metered;

    public MeteredTriageUseCasesTests()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        var metrics = new TriageBotMetrics(factory);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this test's meter: other test apps in the process publish "TriageBot" meters of their own.
            if (instrument.Meter.Name == TriageBotMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            var bag = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                bag[tag.Key] = tag.Value?.ToString();
            }

            lock (_seen)
            {
                _seen.Add((instrument.Name, bag));
            }
        });
        _listener.Start();
        var rehearsal = new Mock<IStorageRehearsal>();
        _metered = new MeteredTriageUseCases(_inner.Object, metrics, rehearsal.Object);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task TakeAsync_RequestTriagedThroughTheApiInASlackTenant_CountedAsApi()
    {
        var request = Request(Platform.Api);
        _inner.Setup(u => u.TakeAsync(SlackTenant, request.Id, "ana", null, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new TakeResult(request, null, "Taken.", null!));

        await _metered.TakeAsync(SlackTenant, request.Id, "ana");

        var action = Assert.Single(_seen, s => s.Instrument == "triagebot.requests.actions");
        Assert.Equal("take", action.Tags["action"]);
        Assert.Equal("api", action.Tags["platform"]);
    }

    [Fact]
    public async Task CorrectTopicAsync_UnchangedRepeat_NotCountedAgain()
    {
        var request = Request(Platform.Slack);
        _inner.Setup(u => u.CorrectTopicAsync(SlackTenant, request.Id, "ana", "sql", It.IsAny<CancellationToken>()))
            .ReturnsAsync(new TriageResult(request, null!, null!) { Changed = false });
        _inner.Setup(u => u.OverrideAsync(SlackTenant, request.Id, "ana", Question.Horizon, AnswerValue.Long, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new TriageResult(request, null!, null!) { Changed = false });

        await _metered.CorrectTopicAsync(SlackTenant, request.Id, "ana", "sql");
        await _metered.OverrideAsync(SlackTenant, request.Id, "ana", Question.Horizon, AnswerValue.Long);

        Assert.DoesNotContain(_seen, s => s.Instrument is "triagebot.requests.actions" or "triagebot.topics.corrected");
    }

    [Fact]
    public async Task CorrectTopicAsync_ThatChangedTheTopic_CountedOnceWithItsTopic()
    {
        var request = Request(Platform.Teams);
        var org = OrgParser.Parse("topics: [{id: sql, name: SQL, keywords: [sql]}]\npeople: [{id: ana, name: Ana, level: lead, skills: {sql: 4}}]\n").Directory!;
        var decision = new TriageEngine(org).Decide(new TriageInput("a slow sql query", "ana", "bea", request.ReceivedAt));
        var version = new DecisionRecord(request.Id, 2, decision, new Dictionary<Question, AnswerValue>(), request.ReceivedAt);
        _inner.Setup(u => u.CorrectTopicAsync(SlackTenant, request.Id, "ana", "sql", It.IsAny<CancellationToken>()))
            .ReturnsAsync(new TriageResult(request, version, null!));

        await _metered.CorrectTopicAsync(SlackTenant, request.Id, "ana", "sql");

        var action = Assert.Single(_seen, s => s.Instrument == "triagebot.requests.actions");
        Assert.Equal("correct-topic", action.Tags["action"]);
        Assert.Equal("teams", action.Tags["platform"]);
        Assert.Equal("sql", Assert.Single(_seen, s => s.Instrument == "triagebot.topics.corrected").Tags["topic"]);
    }

    private static RequestRecord Request(Platform platform)
    {
        var at = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
        return new RequestRecord(Guid.NewGuid(), SlackTenant, platform, "api", null, null, "bea", "Beatriz", "ana", "a request", at, "sql",
            RequestStatus.Open, null, null, at);
    }
}

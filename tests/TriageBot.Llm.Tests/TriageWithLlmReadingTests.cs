using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using Moq;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Understanding;
using TriageBot.Engine.UseCases;
using TriageBot.Llm.Tests.Fakes;

namespace TriageBot.Llm.Tests;

/// <summary>The reader wired into the engine's triage use case, as the host wires it, with a fake chat client.</summary>
public sealed class TriageWithLlmReadingTests
{
    // No keyword of any topic: on words alone the engine cannot tell it is about causality.
    private const string Text = "do you know if the loyalty emails actually made people reorder, or would they have come back anyway?";

    [Fact]
    public async Task TriageAsync_ReaderAnswersWithQuotedTopic_TopTopicCarriesLlmEvidence()
    {
        var client = FakeChatClient.Answering(
            """{"topic": "causal-inference", "kind": "learn", "horizon": "unknown", "evidence": ["made people reorder", "would they have come back anyway"]}""");

        var without = await Triage(null);
        var result = await Triage(Reader(client));

        // On words alone: clarify, no topic. With the reading: the topic, quoted, and a decision that routes it.
        Assert.Equal(DecisionOutcome.Clarify, without.Decision.Decision.Outcome);
        Assert.Null(without.Decision.Decision.Analysis.TopTopic);
        Assert.NotEqual(DecisionOutcome.Clarify, result.Decision.Decision.Outcome);
        var top = result.Decision.Decision.Analysis.TopTopic;
        Assert.NotNull(top);
        Assert.Equal("causal-inference", top.TopicId);
        var evidence = Assert.Single(top.Evidence, e => e.Source == EvidenceSource.Llm);
        Assert.Contains("made people reorder", evidence.Text, StringComparison.Ordinal);
        Assert.Equal("causal-inference", result.Request.TopicId);
        Assert.Contains(Text, client.SentText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TriageAsync_ReaderWithFabricatedEvidence_DecisionIsTheOneWithoutAReader()
    {
        var client = FakeChatClient.Answering("""{"topic": "bi", "kind": "unknown", "horizon": "unknown", "evidence": ["the churn dashboard"]}""");

        var without = await Triage(null);
        var with = await Triage(Reader(client));

        AssertSameDecision(without.Decision.Decision, with.Decision.Decision);
    }

    [Theory]
    [InlineData("throws")]
    [InlineData("hangs")]
    [InlineData("garbage")]
    public async Task TriageAsync_ClientFails_DecisionIsTheOneWithoutAReader(string failure)
    {
        var client = failure switch
        {
            "throws" => FakeChatClient.Throwing(new HttpRequestException("connection refused")),
            "hangs" => FakeChatClient.Hanging(),
            _ => FakeChatClient.Answering("I think it is about causal inference!"),
        };

        var without = await Triage(null);
        var with = await Triage(Reader(client));

        Assert.Single(client.Sent);
        AssertSameDecision(without.Decision.Decision, with.Decision.Decision);
        Assert.DoesNotContain(with.Decision.Decision.Analysis.Topics.Concat(with.Decision.Decision.Analysis.Guesses).SelectMany(t => t.Evidence), e => e.Source == EvidenceSource.Llm);
    }

    private static void AssertSameDecision(Decision expected, Decision actual)
    {
        Assert.Equal(expected.Outcome, actual.Outcome);
        Assert.Equal(expected.Mode, actual.Mode);
        Assert.Equal(expected.Rule, actual.Rule);
        Assert.Equal(expected.Analysis.TopTopic?.TopicId, actual.Analysis.TopTopic?.TopicId);
        Assert.Equal(expected.Analysis.Topics.Select(t => t.TopicId), actual.Analysis.Topics.Select(t => t.TopicId));
        Assert.Equal(expected.Analysis.Guesses.Select(t => t.TopicId), actual.Analysis.Guesses.Select(t => t.TopicId));
        Assert.Equal(expected.Analysis.Kind, actual.Analysis.Kind);
        Assert.Equal(expected.Analysis.Horizon, actual.Analysis.Horizon);
        Assert.Equal(expected.Owners.Select(o => o.Id), actual.Owners.Select(o => o.Id));
        Assert.Equal(expected.Answers.Select(a => (a.Question, a.Value)), actual.Answers.Select(a => (a.Question, a.Value)));
    }

    private static ChatClientRequestReader Reader(IChatClient client) =>
        new(client, TimeSpan.FromMilliseconds(200), 4_000, "test-model", jsonSchema: true, new ListLogger(), TimeProvider.System);

    private static async Task<TriageResult> Triage(IRequestReader? reader)
    {
        var requests = new Mock<IRequestStore>();
        requests.Setup(r => r.GetAsync(It.IsAny<string>(), It.IsAny<Guid>(), It.IsAny<CancellationToken>())).ReturnsAsync((RequestRecord?)null);
        requests.Setup(r => r.CountTopicForLeadAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(0);
        requests.Setup(r => r.CountRedirectsByOwnerAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<string, int>());
        var ledger = new Mock<ITimeLedger>();
        ledger.Setup(l => l.LoggedMinutesByLeadAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<string, int>());
        var settings = new Mock<ILeadSettingsStore>();
        settings.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync((LeadSettings?)null);

        var useCases = new TriageUseCases(
            new StaticOrgProvider(LlmTestOrg.Build()),
            DecisionPolicy.Default,
            requests.Object,
            ledger.Object,
            settings.Object,
            new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 14, 0, 0, TimeSpan.Zero)),
            reader: reader);
        return await useCases.TriageAsync(new IncomingRequest(LlmTestOrg.Tenant, Platform.Slack, "C1", "1700000000.000100", null, "bruno", "Bruno Costa", "ana", Text));
    }
}

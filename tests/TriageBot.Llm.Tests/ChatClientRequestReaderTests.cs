using System.Net;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Engine.Analysis;
using TriageBot.Llm.Tests.Fakes;

namespace TriageBot.Llm.Tests;

public sealed class ChatClientRequestReaderTests
{
    private const string Request = "Did the loyalty emails actually make people reorder, or would they have come back anyway? I need it for a design doc we will use all quarter.";

    private readonly ListLogger _log = new();

    [Fact]
    public async Task ReadAsync_ValidAnswer_ReturnsReading()
    {
        var reader = Reader(FakeChatClient.Answering(
            """{"topic": "causal-inference", "kind": "learn", "horizon": "long", "evidence": ["make people reorder", "would they have come back anyway"]}"""));

        var reading = await reader.ReadAsync(Request, LlmTestOrg.Topics);

        Assert.NotNull(reading);
        Assert.Equal("causal-inference", reading.TopicId);
        Assert.Equal(AskKind.Learn, reading.Kind);
        Assert.Equal(Horizon.Long, reading.Horizon);
        Assert.Equal(["make people reorder", "would they have come back anyway"], reading.Quotes);
    }

    [Fact]
    public async Task ReadAsync_UnknownTopicId_ReturnsNullTopic()
    {
        var reader = Reader(FakeChatClient.Answering(
            """{"topic": "marketing-attribution", "kind": "review", "horizon": "short", "evidence": ["loyalty emails"]}"""));

        var reading = await reader.ReadAsync(Request, LlmTestOrg.Topics);

        Assert.NotNull(reading);
        Assert.Null(reading.TopicId);
        Assert.Equal(AskKind.Review, reading.Kind);
        Assert.Equal(Horizon.Short, reading.Horizon);
    }

    [Fact]
    public async Task ReadAsync_TopicIdInOtherCaseOrTopicName_MapsToTheOrgId()
    {
        var byCase = await Reader(FakeChatClient.Answering("""{"topic": "Causal-Inference", "kind": "learn", "horizon": "unknown", "evidence": ["reorder"]}"""))
            .ReadAsync(Request, LlmTestOrg.Topics);
        var byName = await Reader(FakeChatClient.Answering("""{"topic": "causal inference", "kind": "learn", "horizon": "unknown", "evidence": ["reorder"]}"""))
            .ReadAsync(Request, LlmTestOrg.Topics);

        Assert.Equal("causal-inference", byCase?.TopicId);
        Assert.Equal("causal-inference", byName?.TopicId);
    }

    [Fact]
    public async Task ReadAsync_FabricatedQuote_IsDropped()
    {
        var reader = Reader(FakeChatClient.Answering(
            """{"topic": "causal-inference", "kind": "learn", "horizon": "long", "evidence": ["make people reorder", "run a propensity score model"]}"""));

        var reading = await reader.ReadAsync(Request, LlmTestOrg.Topics);

        Assert.NotNull(reading);
        Assert.Equal("causal-inference", reading.TopicId);
        Assert.Equal(["make people reorder"], reading.Quotes);
    }

    [Fact]
    public async Task ReadAsync_AllQuotesFabricated_ReturnsNullTopic()
    {
        var reader = Reader(FakeChatClient.Answering(
            """{"topic": "causal-inference", "kind": "learn", "horizon": "long", "evidence": ["uplift model", "difference in differences"]}"""));

        var reading = await reader.ReadAsync(Request, LlmTestOrg.Topics);

        Assert.NotNull(reading);
        Assert.Null(reading.TopicId);
        Assert.Empty(reading.Quotes);
        Assert.Equal(AskKind.Learn, reading.Kind);
    }

    [Fact]
    public async Task ReadAsync_TopicWithoutEvidence_ReturnsNullTopic()
    {
        var reader = Reader(FakeChatClient.Answering("""{"topic": "bi", "kind": "task", "horizon": "short", "evidence": []}"""));

        var reading = await reader.ReadAsync(Request, LlmTestOrg.Topics);

        Assert.NotNull(reading);
        Assert.Null(reading.TopicId);
    }

    [Fact]
    public async Task ReadAsync_QuoteInOtherCaseAndSpacing_IsKeptAsTheRequesterWroteIt()
    {
        var reader = Reader(FakeChatClient.Answering(
            """{"topic": "causal-inference", "kind": "learn", "horizon": "long", "evidence": ["\u201CLOYALTY   emails actually\u201D"]}"""));

        var reading = await reader.ReadAsync(Request, LlmTestOrg.Topics);

        Assert.Equal(["loyalty emails actually"], reading?.Quotes);
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("""{"topic": "causal-inference", "kind": """)]
    [InlineData("")]
    [InlineData("[\"causal-inference\"]")]
    [InlineData("""{"topic": 42, "kind": "learn", "horizon": "long", "evidence": ["reorder"]}""")]
    [InlineData("""{"topic": "causal-inference", "kind": "learn", "horizon": "long", "evidence": {"quote": "reorder"}}""")]
    public async Task ReadAsync_MalformedAnswer_ReturnsNullAndWarns(string answer)
    {
        var reader = Reader(FakeChatClient.Answering(answer));

        var reading = await reader.ReadAsync(Request, LlmTestOrg.Topics);

        Assert.Null(reading);
        Assert.Contains(_log.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("not valid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadAsync_AnswerInsideCodeFence_IsRead()
    {
        var reader = Reader(FakeChatClient.Answering(
            "```json\n{\"topic\": \"bi\", \"kind\": \"task\", \"horizon\": \"short\", \"evidence\": [\"loyalty emails\"]}\n```"));

        var reading = await reader.ReadAsync(Request, LlmTestOrg.Topics);

        Assert.Equal("bi", reading?.TopicId);
        Assert.Equal(AskKind.Task, reading?.Kind);
    }

    [Fact]
    public async Task ReadAsync_UnknownKindAndHorizon_AreNull()
    {
        var reader = Reader(FakeChatClient.Answering("""{"topic": null, "kind": "unknown", "horizon": "forever", "evidence": []}"""));

        var reading = await reader.ReadAsync(Request, LlmTestOrg.Topics);

        Assert.NotNull(reading);
        Assert.Null(reading.TopicId);
        Assert.Null(reading.Kind);
        Assert.Null(reading.Horizon);
    }

    [Fact]
    public async Task ReadAsync_SlowClient_ReturnsNullAfterTheTimeout()
    {
        var reader = Reader(FakeChatClient.Hanging(), timeout: TimeSpan.FromMilliseconds(50));

        var reading = await reader.ReadAsync(Request, LlmTestOrg.Topics);

        Assert.Null(reading);
        Assert.Contains(_log.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("timed out", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadAsync_ClientIgnoringCancellation_IsAbandonedAtTheTimeout()
    {
        var time = new FakeTimeProvider();
        var reader = Reader(FakeChatClient.Deaf(), timeout: TimeSpan.FromSeconds(5), time: time);

        var pending = reader.ReadAsync(Request, LlmTestOrg.Topics);
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Null(await pending);
    }

    [Fact]
    public async Task ReadAsync_ClientThrows_ReturnsNull()
    {
        var reader = Reader(FakeChatClient.Throwing(new InvalidOperationException("boom")));

        var reading = await reader.ReadAsync(Request, LlmTestOrg.Topics);

        Assert.Null(reading);
        Assert.Contains(_log.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("InvalidOperationException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadAsync_HttpError_ReturnsNullAndLogsTheStatus()
    {
        var reader = Reader(FakeChatClient.Throwing(new HttpRequestException("Too many requests", null, HttpStatusCode.TooManyRequests)));

        var reading = await reader.ReadAsync(Request, LlmTestOrg.Topics);

        Assert.Null(reading);
        Assert.Contains(_log.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("HTTP 429", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadAsync_EndpointUnreachable_ReturnsNullAndLogsAConnectionFailure()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (llm:11434)");
        var reader = Reader(FakeChatClient.Throwing(new System.ClientModel.ClientResultException("Connection refused", null, refused)));

        var reading = await reader.ReadAsync(Request, LlmTestOrg.Topics);

        Assert.Null(reading);
        Assert.Contains(_log.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("connection failed (ConnectionError)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadAsync_CallerCancels_PassesTheCancellationOn()
    {
        var reader = Reader(FakeChatClient.Hanging(), timeout: TimeSpan.FromSeconds(30));
        using var cts = new CancellationTokenSource();

        var pending = reader.ReadAsync(Request, LlmTestOrg.Topics, cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }

    [Fact]
    public async Task ReadAsync_Failure_LogsNeitherTheRequestTextNorTheApiKey()
    {
        const string apiKey = "sk-test-7f3c9a1b2d4e";
        const string secretRequest = "Our churn numbers for the Q3 board pack look wrong, can you check?";
        var client = FakeChatClient.Throwing(new HttpRequestException(
            $"401: Incorrect API key provided: {apiKey}. Request was: {secretRequest}", null, HttpStatusCode.Unauthorized));
        var options = new LlmOptions { Enabled = true, Endpoint = "https://llm.example.com/v1", Model = "m", ApiKey = apiKey };
        var reader = new ChatClientRequestReader(client, options, new Logger<ChatClientRequestReader>(new LoggerFactory([_log])));

        var reading = await reader.ReadAsync(secretRequest, LlmTestOrg.Topics);
        var fenced = await new ChatClientRequestReader(FakeChatClient.Answering("not json " + apiKey + secretRequest), options, new Logger<ChatClientRequestReader>(new LoggerFactory([_log])))
            .ReadAsync(secretRequest, LlmTestOrg.Topics);

        Assert.Null(reading);
        Assert.Null(fenced);
        Assert.NotEmpty(_log.Lines);
        Assert.DoesNotContain(apiKey, _log.All, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-", _log.All, StringComparison.Ordinal);
        Assert.DoesNotContain("churn", _log.All, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("HTTP 401", _log.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_Prompt_ListsTheTopicsAndContainsTheRequestText()
    {
        var client = FakeChatClient.Answering("""{"topic": null, "kind": "unknown", "horizon": "unknown", "evidence": []}""");

        await Reader(client).ReadAsync(Request, LlmTestOrg.Topics);

        var messages = Assert.Single(client.Sent);
        Assert.Equal(ChatRole.System, messages[0].Role);
        foreach (var topic in LlmTestOrg.Topics)
        {
            Assert.Contains($"- {topic.Id}: {topic.Name}", messages[0].Text, StringComparison.Ordinal);
        }

        Assert.Contains("Did X cause Y: uplift, diff-in-diff, matching.", messages[0].Text, StringComparison.Ordinal);
        Assert.Contains("STRICT", messages[0].Text.ToUpperInvariant(), StringComparison.Ordinal);
        Assert.Equal(ChatRole.User, messages[1].Role);
        Assert.Contains(Request, messages[1].Text, StringComparison.Ordinal);

        // Keywords, people and anything else of the org stay home.
        Assert.DoesNotContain("airflow", client.SentText, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Ana Lima", client.SentText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_Options_AskForDeterministicJsonBySchemaWithTheTopicIds()
    {
        var client = FakeChatClient.Answering("""{"topic": null, "kind": "unknown", "horizon": "unknown", "evidence": []}""");

        await Reader(client, model: "llama3.1:8b").ReadAsync(Request, LlmTestOrg.Topics);

        var options = Assert.Single(client.SentOptions);
        Assert.NotNull(options);
        Assert.Equal(0f, options.Temperature);
        Assert.Equal("llama3.1:8b", options.ModelId);
        var format = Assert.IsType<ChatResponseFormatJson>(options.ResponseFormat);
        Assert.NotNull(format.Schema);
        var ids = format.Schema.Value.GetProperty("properties").GetProperty("topic").GetProperty("enum").EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.Null ? null : e.GetString()).ToList();
        Assert.Equal(["causal-inference", "pipelines", "bi", null], ids);
    }

    [Fact]
    public async Task ReadAsync_JsonSchemaOff_AsksForPlainJson()
    {
        var client = FakeChatClient.Answering("""{"topic": null, "kind": "unknown", "horizon": "unknown", "evidence": []}""");

        await Reader(client, jsonSchema: false).ReadAsync(Request, LlmTestOrg.Topics);

        var format = Assert.IsType<ChatResponseFormatJson>(Assert.Single(client.SentOptions)?.ResponseFormat);
        Assert.Null(format.Schema);
    }

    [Fact]
    public async Task ReadAsync_LongText_IsTruncatedBeforeItIsSent()
    {
        var client = FakeChatClient.Answering("""{"topic": "pipelines", "kind": "task", "horizon": "short", "evidence": ["airflow job"]}""");
        var text = "the airflow job fails " + new string('x', 10_000) + " TAIL-MARKER";

        var reading = await Reader(client, maxInputChars: 500).ReadAsync(text, LlmTestOrg.Topics);

        Assert.Equal("pipelines", reading?.TopicId);
        Assert.DoesNotContain("TAIL-MARKER", client.SentText, StringComparison.Ordinal);
        Assert.True(client.Sent[0][1].Text.Length < 600);
    }

    [Fact]
    public async Task ReadAsync_QuoteFromTheCutOffPart_IsNotBelieved()
    {
        var client = FakeChatClient.Answering("""{"topic": "pipelines", "kind": "task", "horizon": "short", "evidence": ["TAIL-MARKER"]}""");
        var text = "please help " + new string('x', 1_000) + " TAIL-MARKER";

        var reading = await Reader(client, maxInputChars: 300).ReadAsync(text, LlmTestOrg.Topics);

        Assert.Null(reading?.TopicId);
    }

    [Fact]
    public async Task ReadAsync_EmptyTextOrNoTopics_ReturnsNullWithoutAsking()
    {
        var client = FakeChatClient.Answering("{}");
        var reader = Reader(client);

        Assert.Null(await reader.ReadAsync("   ", LlmTestOrg.Topics));
        Assert.Null(await reader.ReadAsync(Request, []));
        Assert.Empty(client.Sent);
    }

    [Fact]
    public void Truncate_SurrogatePairAtTheCut_IsNotSplit()
    {
        var text = "ab\U0001F600cd";

        var cut = ChatClientRequestReader.Truncate(text, 3);

        Assert.Equal("ab", cut);
    }

    private ChatClientRequestReader Reader(
        IChatClient client, TimeSpan? timeout = null, int maxInputChars = 4_000, string? model = "test-model", bool jsonSchema = true, TimeProvider? time = null) =>
        new(client, timeout ?? TimeSpan.FromSeconds(5), maxInputChars, model, jsonSchema, _log, time ?? TimeProvider.System);
}

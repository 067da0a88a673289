using System.ClientModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using TriageBot.Engine.Org;
using TriageBot.Engine.Understanding;

namespace TriageBot.Llm;

/// <summary>
/// <see cref="IRequestReader"/> over any <see cref="IChatClient"/>: asks the model for strict JSON (main topic id, kind
/// of ask, horizon, quoted evidence) and believes only what validates against the org and the request text. Never
/// throws for a failure: a timeout, an HTTP error, a bad answer or any exception gives null (and a warning in the log
/// that carries neither the request text nor the API key), and the lexical and embedding reading stands.
/// Cancellation by the caller is passed on as usual.
/// </summary>
public sealed partial class ChatClientRequestReader : IRequestReader
{
    private readonly IChatClient _client;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly int _maxInputChars;
    private readonly string? _model;
    private readonly bool _jsonSchema;

    /// <summary>Creates a reader.</summary>
    /// <param name="client">The chat client (not owned: the caller disposes it).</param>
    /// <param name="options">Model, timeout, input bound and response format.</param>
    /// <param name="logger">Where failures are reported (without request text).</param>
    /// <param name="time">The clock behind the timeout; the system clock when null.</param>
    public ChatClientRequestReader(IChatClient client, LlmOptions options, ILogger<ChatClientRequestReader> logger, TimeProvider? time = null)
        : this(
            client,
            TimeSpan.FromSeconds((options ?? throw new ArgumentNullException(nameof(options))).TimeoutSeconds),
            options.MaxInputChars,
            options.Model,
            options.JsonSchema,
            logger,
            time ?? TimeProvider.System)
    {
    }

    internal ChatClientRequestReader(IChatClient client, TimeSpan timeout, int maxInputChars, string? model, bool jsonSchema, ILogger logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInputChars, 1);
        _client = client;
        _timeout = timeout;
        _maxInputChars = maxInputChars;
        _model = string.IsNullOrWhiteSpace(model) ? null : model.Trim();
        _jsonSchema = jsonSchema;
        _logger = logger;
        _time = time;
    }

    /// <inheritdoc />
    public async Task<LlmReading?> ReadAsync(string text, IReadOnlyList<Topic> topics, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        if (string.IsNullOrWhiteSpace(text) || topics is null || topics.Count == 0)
        {
            return null;
        }

        var input = Truncate(text, _maxInputChars);
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        string? answer;
        try
        {
            var messages = LlmPrompt.Messages(input, topics);
            var options = LlmPrompt.Options(topics, _model, _jsonSchema);

            // WaitAsync: a client that ignores the token is abandoned at the timeout all the same.
            var response = await _client.GetResponseAsync(messages, options, linked.Token).WaitAsync(linked.Token).ConfigureAwait(false);
            answer = response.Text;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            LogTimedOut(_logger, _timeout.TotalSeconds);
            return null;
        }
#pragma warning disable CA1031 // Any failure of an optional reader must leave the request to the embedded reading.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogFailed(_logger, Describe(e));
            return null;
        }

        var reading = LlmAnswer.Parse(answer, input, topics, out var problem);
        if (reading is null)
        {
            LogRefused(_logger, problem);
        }

        return reading;
    }

    /// <summary>At most <paramref name="max"/> characters, not cutting a surrogate pair.</summary>
    internal static string Truncate(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return text[..cut];
    }

    // The kind of failure only: an exception's message may quote the request or part of a key (the OpenAI client
    // echoes a masked key on 401), so it is never logged.
    private static string Describe(Exception e) => e switch
    {
        ClientResultException { Status: > 0 } http => $"HTTP {http.Status}",
        ClientResultException { InnerException: HttpRequestException inner } => Describe(inner),
        HttpRequestException { StatusCode: { } status } => $"HTTP {(int)status}",
        HttpRequestException http => $"connection failed ({http.HttpRequestError})",
        _ => e.GetType().Name,
    };

    [LoggerMessage(1, LogLevel.Warning, "LLM reading timed out after {Seconds} s; the embedded reading stands")]
    private static partial void LogTimedOut(ILogger logger, double seconds);

    [LoggerMessage(2, LogLevel.Warning, "LLM reading failed ({Failure}); the embedded reading stands")]
    private static partial void LogFailed(ILogger logger, string failure);

    [LoggerMessage(3, LogLevel.Warning, "LLM reading refused: the answer was not valid ({Problem}); the embedded reading stands")]
    private static partial void LogRefused(ILogger logger, AnswerProblem problem);
}

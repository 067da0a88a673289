using Microsoft.Extensions.AI;

namespace TriageBot.Llm.Tests.Fakes;

/// <summary>A chat client that answers with a scripted behaviour and records what it was sent. No network.</summary>
public sealed class FakeChatClient : IChatClient
{
    private readonly Func<IReadOnlyList<ChatMessage>, CancellationToken, Task<ChatResponse>> _answer;

    public FakeChatClient(Func<IReadOnlyList<ChatMessage>, CancellationToken, Task<ChatResponse>> answer) => _answer = answer;

    /// <summary>Answers <paramref name="text"/> at once.</summary>
    public static FakeChatClient Answering(string text) =>
        new((_, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text))));

    /// <summary>Throws <paramref name="exception"/> when asked.</summary>
    public static FakeChatClient Throwing(Exception exception) => new((_, _) => throw exception);

    /// <summary>Waits for cancellation (a model that never answers in time).</summary>
    public static FakeChatClient Hanging() => new(async (_, ct) =>
    {
        await Task.Delay(Timeout.Infinite, ct);
        throw new InvalidOperationException("unreachable");
    });

    /// <summary>Never answers and ignores cancellation (a client stuck below the token).</summary>
    public static FakeChatClient Deaf() => new((_, _) => new TaskCompletionSource<ChatResponse>().Task);

    public List<IReadOnlyList<ChatMessage>> Sent { get; } = [];

    public List<ChatOptions?> SentOptions { get; } = [];

    public bool Disposed { get; private set; }

    /// <summary>Everything sent, all messages of all calls, as one text.</summary>
    public string SentText => string.Join("\n", Sent.SelectMany(m => m).Select(m => m.Text));

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        Sent.Add(list);
        SentOptions.Add(options);
        return _answer(list, cancellationToken);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The reader asks for one whole answer.");

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() => Disposed = true;
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TriageBot.Llm.Tests.Fakes;

/// <summary>Keeps every log line (with its exception, state values and scopes) so tests can look for what must never be logged.</summary>
public sealed class ListLogger : ILoggerProvider, ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Text)> Lines { get; } = new();

    /// <summary>All that was logged, messages, structured values and exceptions, as one text.</summary>
    public string All => string.Join("\n", Lines.Select(l => l.Text));

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull
    {
        Lines.Enqueue((LogLevel.None, "scope: " + state));
        return null;
    }

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
        Lines.Enqueue((logLevel, $"{formatter(state, exception)} | {values} | {exception}"));
    }

    public void Dispose()
    {
    }
}

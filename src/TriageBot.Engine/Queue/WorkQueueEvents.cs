using TriageBot.Engine.Ports;

namespace TriageBot.Engine.Queue;

/// <summary>An item completed by its handler.</summary>
/// <param name="item">The item.</param>
/// <param name="elapsed">How long the handler ran.</param>
public sealed class WorkItemCompletedEventArgs(WorkItem item, TimeSpan elapsed) : EventArgs
{
    /// <summary>The item.</summary>
    public WorkItem Item { get; } = item;

    /// <summary>How long the handler ran.</summary>
    public TimeSpan Elapsed { get; } = elapsed;
}

/// <summary>An attempt that failed: retried at <see cref="RetryAt"/>, or dead.</summary>
/// <param name="item">The item.</param>
/// <param name="error">The failure (null when no handler exists).</param>
/// <param name="attempt">Which attempt failed (1-based).</param>
/// <param name="dead">True when the item will not be retried.</param>
/// <param name="retryAt">When it will be retried (meaningless when dead).</param>
/// <param name="reason">A short text for logs.</param>
public sealed class WorkItemFailedEventArgs(WorkItem item, Exception? error, int attempt, bool dead, DateTimeOffset retryAt, string reason) : EventArgs
{
    /// <summary>The item.</summary>
    public WorkItem Item { get; } = item;

    /// <summary>The failure; null when no handler exists for the kind.</summary>
    public Exception? Error { get; } = error;

    /// <summary>Which attempt failed (1-based).</summary>
    public int Attempt { get; } = attempt;

    /// <summary>True when the item will not be retried.</summary>
    public bool Dead { get; } = dead;

    /// <summary>When it will be retried.</summary>
    public DateTimeOffset RetryAt { get; } = retryAt;

    /// <summary>Short reason for logs (exception type and message, or "no handler").</summary>
    public string Reason { get; } = reason;
}

/// <summary>A run that ended without a recorded outcome, or a failed heartbeat (<see cref="Item"/> is null).</summary>
/// <param name="item">The item, or null for a heartbeat.</param>
/// <param name="error">The failure.</param>
public sealed class WorkRunFaultedEventArgs(WorkItem? item, Exception error) : EventArgs
{
    /// <summary>The item whose outcome could not be recorded, or null when a heartbeat failed.</summary>
    public WorkItem? Item { get; } = item;

    /// <summary>The failure.</summary>
    public Exception Error { get; } = error;
}

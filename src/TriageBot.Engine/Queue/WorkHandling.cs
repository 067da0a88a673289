using TriageBot.Engine.Ports;

namespace TriageBot.Engine.Queue;

/// <summary>Runs one kind of queued work. Adapters register handlers for their kinds ("slack.*", "teams.*").</summary>
public interface IWorkHandler
{
    /// <summary>True when this handler runs items of <paramref name="kind"/>.</summary>
    bool CanHandle(string kind);

    /// <summary>Runs the item. Throw <see cref="PermanentWorkException"/> for failures that must not be retried; any other exception retries with backoff.</summary>
    Task HandleAsync(WorkItem item, CancellationToken ct);
}

/// <summary>A work failure that retrying cannot fix (bad payload, revoked token, user blocked the bot).</summary>
public sealed class PermanentWorkException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PermanentWorkException(string message) : base(message) { }

    /// <summary>Creates the exception with an inner cause.</summary>
    public PermanentWorkException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with a generic message.</summary>
    public PermanentWorkException() : base("Permanent failure.") { }
}

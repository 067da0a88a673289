namespace TriageBot.Storage;

/// <summary>
/// A write clashed with existing data: a request id already stored, or a decision version that is not the next one
/// (two overrides raced). Derives from <see cref="InvalidOperationException"/> so callers without a Storage reference
/// (the engine) can catch it.
/// </summary>
public sealed class StorageConflictException : InvalidOperationException
{
    public StorageConflictException(string message) : base(message) { }

    public StorageConflictException(string message, Exception inner) : base(message, inner) { }

    public StorageConflictException() : base("The write conflicts with stored data.") { }
}

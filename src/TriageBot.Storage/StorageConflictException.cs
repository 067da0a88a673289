namespace TriageBot.Storage;

/// <summary>
/// A write clashed with existing data: a request id already stored, or a decision version that is not the next one
/// (two overrides raced). Derives from the engine's <see cref="Engine.Ports.StoreConflictException"/>, which the use cases catch.
/// </summary>
public sealed class StorageConflictException : Engine.Ports.StoreConflictException
{
    public StorageConflictException(string message) : base(message) { }

    public StorageConflictException(string message, Exception inner) : base(message, inner) { }

    public StorageConflictException() : base("The write conflicts with stored data.") { }
}

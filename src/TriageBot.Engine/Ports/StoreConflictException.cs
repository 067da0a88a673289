namespace TriageBot.Engine.Ports;

/// <summary>
/// A write clashed with data already stored (or being stored by a write committed with it): an id that exists, a
/// decision version that is not the next one. Stores throw it (or a subclass) so the use cases can tell a race they
/// expect from any other failure.
/// </summary>
public class StoreConflictException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public StoreConflictException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public StoreConflictException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with a generic message.</summary>
    public StoreConflictException() : base("The write conflicts with stored data.") { }
}

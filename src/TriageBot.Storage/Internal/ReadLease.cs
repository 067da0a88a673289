using System.Data.Common;

namespace TriageBot.Storage.Internal;

/// <summary>
/// A connection lent for reading. Disposing it gives the connection back: to SQLite's read pool (where it keeps its
/// prepared statements), or, for a plain pooled connection, to the provider's pool by closing it.
/// </summary>
internal sealed class ReadLease(DbConnection connection, Action<DbConnection>? giveBack) : IAsyncDisposable
{
    private int _returned;

    public DbConnection Connection { get; } = connection;

    public ValueTask DisposeAsync()
    {
        // Once only: a second give-back would let two callers share one connection and its cached commands.
        if (Interlocked.Exchange(ref _returned, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }

        if (giveBack is not null && Connection.State == System.Data.ConnectionState.Open)
        {
            giveBack(Connection);
            return ValueTask.CompletedTask;
        }

        return Connection.DisposeAsync();
    }
}

using System.Collections.Concurrent;
using System.Data.Common;

namespace TriageBot.Storage.Internal;

/// <summary>
/// Long-lived SQLite connections for reads, each with its own prepared statements (<see cref="StatementCache"/>).
/// Microsoft.Data.Sqlite's own pool finalizes every statement when a connection is closed, so each read would parse and
/// plan its SQL again; measured, a kept statement halves the cost of the small indexed reads a triage makes. When all
/// kept connections are busy, a plain pooled connection serves the read.
/// </summary>
internal sealed class SqliteReadPool(Func<CancellationToken, ValueTask<DbConnection>> open) : IAsyncDisposable
{
    private readonly ConcurrentBag<DbConnection> _idle = [];
    private readonly ConcurrentDictionary<DbConnection, StatementCache> _kept = new();
    private readonly int _max = Math.Max(8, Environment.ProcessorCount * 4);
    private int _disposed;

    public async ValueTask<ReadLease> RentAsync(CancellationToken ct)
    {
        if (_idle.TryTake(out var idle))
        {
            return new ReadLease(idle, GiveBack);
        }

        var connection = await open(ct).ConfigureAwait(false);
        if (Volatile.Read(ref _disposed) == 0 && _kept.Count < _max && _kept.TryAdd(connection, StatementCache.Attach(connection)))
        {
            return new ReadLease(connection, GiveBack);
        }

        return new ReadLease(connection, null);
    }

    public async ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        // Close the idle ones; a connection still lent out is closed when its lease gives it back (GiveBack).
        while (_idle.TryTake(out var connection))
        {
            if (_kept.TryRemove(connection, out var cache))
            {
                cache.Dispose();
            }

            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void GiveBack(DbConnection connection)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _idle.Add(connection);
        }
        else if (_kept.TryRemove(connection, out var cache))
        {
            cache.Dispose();
            connection.Dispose();
        }
    }
}

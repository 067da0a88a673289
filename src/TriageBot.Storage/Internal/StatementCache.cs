using System.Data.Common;
using System.Runtime.CompilerServices;

namespace TriageBot.Storage.Internal;

/// <summary>
/// Prepared commands kept for one long-lived connection, one per SQL text. Microsoft.Data.Sqlite keeps a command's
/// prepared statement while its text is unchanged, so re-executing a cached command skips SQLite's parse and plan
/// (a large part of a small INSERT's cost). Only the SQLite single writer uses this: its connection lives for the
/// process, while pooled connections finalize their statements on every close.
/// </summary>
internal sealed class StatementCache : IDisposable
{
    private static readonly ConditionalWeakTable<DbConnection, StatementCache> Caches = new();

    private readonly DbConnection _connection;
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

    private StatementCache(DbConnection connection) => _connection = connection;

    /// <summary>Gives <paramref name="connection"/> a statement cache until the returned cache is disposed.</summary>
    public static StatementCache Attach(DbConnection connection)
    {
        var cache = new StatementCache(connection);
        Caches.AddOrUpdate(connection, cache);
        return cache;
    }

    public static StatementCache? For(DbConnection connection) => Caches.TryGetValue(connection, out var cache) ? cache : null;

    /// <summary>The cached command for <paramref name="sql"/> (used by one caller at a time: the writer is single-threaded).</summary>
    public DbCommand Get(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
#pragma warning disable CA2100 // SQL text is a constant of this assembly; values are always bound as parameters.
            command.CommandText = sql;
#pragma warning restore CA2100
            _commands.Add(sql, command);
        }

        return command;
    }

    public void Dispose()
    {
        Caches.Remove(_connection);
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }
}

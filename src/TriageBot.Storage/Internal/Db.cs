using System.Data.Common;
using System.Globalization;

namespace TriageBot.Storage.Internal;

/// <summary>
/// The few things that differ between the providers: how to open a connection, how to start a write transaction,
/// how timestamps and ids are bound and read, the migration lock and the queue-claim locking clause.
/// Every store is written once over this, so both providers run the very same SQL and behave the same.
/// </summary>
internal abstract class Db : IAsyncDisposable
{
    public abstract string Provider { get; }

    /// <summary>Tenants whose row in <c>tenants</c> this process has seen committed (see <c>Tenants.TouchAsync</c>).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, byte> KnownTenants { get; } = new(StringComparer.Ordinal);

    /// <summary>Name of the embedded migration folder ("Sqlite" or "Postgres").</summary>
    public abstract string MigrationFolder { get; }

    /// <summary>Opens a pooled connection, ready to use.</summary>
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>A connection for reads; dispose the lease to give it back.</summary>
    public virtual async ValueTask<ReadLease> OpenReadAsync(CancellationToken ct) => new(await OpenAsync(ct), null);

    /// <summary>
    /// Begins a transaction that will write. SQLite: <c>BEGIN IMMEDIATE</c>, so the write lock is taken up front and
    /// a concurrent writer waits on busy_timeout instead of failing on a read-to-write upgrade. PostgreSQL: READ COMMITTED.
    /// </summary>
    public abstract ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct);

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction and returns once it has committed. The work must pass the
    /// given transaction to every command and must only touch the database (SQLite may run it again after a failed
    /// batch; it commits at most once). PostgreSQL: its own connection and transaction. SQLite: the process's single
    /// writer, which commits queued work in batches (<see cref="SqliteWriteBatcher"/>).
    /// </summary>
    public virtual async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await OpenAsync(ct);
        await using var tx = await BeginWriteAsync(connection, ct);
        var result = await work(connection, tx, ct);
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>
    /// A write that is one atomic statement. PostgreSQL runs it in autocommit (no extra round trip for COMMIT); SQLite
    /// hands it to the single writer like any other write. The transaction passed to the work is null on PostgreSQL.
    /// </summary>
    public virtual async Task<T> WriteStatementAsync<T>(Func<DbConnection, DbTransaction?, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await OpenAsync(ct);
        return await work(connection, null, ct);
    }

    /// <summary>
    /// Runs <paramref name="statements"/> in order as one atomic write and returns the rows each affected. PostgreSQL
    /// sends them in one round trip (a batch, run as one implicit transaction); SQLite hands them to the single writer
    /// as one item of its group commit.
    /// </summary>
    public virtual Task<IReadOnlyList<int>> WriteBatchAsync(IReadOnlyList<(string Sql, (string Name, object? Value)[] Parameters)> statements, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(statements);
        return WriteAsync<IReadOnlyList<int>>(async (connection, tx, ct) =>
        {
            var affected = new int[statements.Count];
            for (var i = 0; i < statements.Count; i++)
            {
                affected[i] = await ExecuteAsync(connection, tx, statements[i].Sql, ct, statements[i].Parameters);
            }

            return affected;
        }, ct);
    }

    /// <summary>
    /// Runs <paramref name="work"/> as a rehearsal (see <see cref="Engine.Ports.IStorageRehearsal"/>): everything its
    /// async flow reads and writes goes to one connection in one transaction that is rolled back at the end. False,
    /// without running it, when the provider cannot do that.
    /// </summary>
    public virtual Task<bool> RehearseAsync(Func<CancellationToken, Task> work, CancellationToken ct) => Task.FromResult(false);

    /// <summary>True inside a rehearsal's flow.</summary>
    public virtual bool IsRehearsing => false;

    /// <summary>Serialises migrations across processes; called inside the migration transaction.</summary>
    public abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction tx, CancellationToken ct);

    /// <summary>Row-locking clause for the queue claim subquery ("" on SQLite, where the write transaction is exclusive).</summary>
    public abstract string SkipLockedClause { get; }

    /// <summary>True when the exception is a unique/primary key violation.</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>Binds a timestamp (truncated to whole microseconds, UTC).</summary>
    public abstract object Ts(DateTimeOffset value);

    public object? Ts(DateTimeOffset? value) => value is { } v ? Ts(v) : null;

    public abstract DateTimeOffset ReadTs(DbDataReader reader, int ordinal);

    public DateTimeOffset? ReadNullableTs(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadTs(reader, ordinal);

    public abstract object Id(Guid value);

    public object? Id(Guid? value) => value is { } v ? Id(v) : null;

    public abstract Guid ReadId(DbDataReader reader, int ordinal);

    public Guid? ReadNullableId(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadId(reader, ordinal);

    public abstract ValueTask DisposeAsync();

    /// <summary>Both providers keep microseconds: PostgreSQL's timestamptz resolution.</summary>
    protected static long TruncatedUtcTicks(DateTimeOffset value) => value.UtcTicks - (value.UtcTicks % 10);

    // ----- small ADO.NET helpers (parameterised always) -----

    public static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
#pragma warning disable CA2100 // SQL text is a constant of this assembly; values are always bound as parameters.
        cmd.CommandText = sql;
#pragma warning restore CA2100
        AddParameters(cmd, parameters);
        return cmd;
    }

    // "@name", as written in the SQL: Microsoft.Data.Sqlite binds an unprefixed name by trying "@", ":" and "$" in turn
    // (three lookups per parameter, a measurable share of a small INSERT); Npgsql trims the prefix. Interned per name.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> PrefixedNames = new(StringComparer.Ordinal);

    private static string Prefixed(string name) =>
        name.StartsWith('@') ? name : PrefixedNames.GetOrAdd(name, static n => "@" + n);

    private static void AddParameters(DbCommand cmd, (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = Prefixed(name);
            p.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }
    }

    public static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        var cmd = Rent(connection, tx, sql, parameters, out var owned);
        try
        {
            return await cmd.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            await ReturnAsync(cmd, owned);
        }
    }

    public static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        var cmd = Rent(connection, tx, sql, parameters, out var owned);
        try
        {
            var value = await cmd.ExecuteScalarAsync(ct);
            return value is DBNull ? null : value;
        }
        finally
        {
            await ReturnAsync(cmd, owned);
        }
    }

    public static async Task<List<T>> QueryAsync<T>(DbConnection connection, DbTransaction? tx, string sql, Func<DbDataReader, T> map, CancellationToken ct, params (string, object?)[] parameters)
    {
        var cmd = Rent(connection, tx, sql, parameters, out var owned);
        try
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            var list = new List<T>();
            while (await reader.ReadAsync(ct))
            {
                list.Add(map(reader));
            }

            return list;
        }
        finally
        {
            await ReturnAsync(cmd, owned);
        }
    }

    // A connection with a statement cache (the SQLite single writer's long-lived connection) reuses one prepared
    // command per SQL text; any other connection gets a fresh command that is disposed after use.
    private static DbCommand Rent(DbConnection connection, DbTransaction? tx, string sql, (string Name, object? Value)[] parameters, out bool owned)
    {
        if (StatementCache.For(connection) is { } cache)
        {
            owned = false;
            var cmd = cache.Get(sql);
            cmd.Transaction = tx;
            cmd.Parameters.Clear();
            AddParameters(cmd, parameters);
            return cmd;
        }

        owned = true;
        return Command(connection, tx, sql, parameters);
    }

    private static ValueTask ReturnAsync(DbCommand cmd, bool owned) => owned ? cmd.DisposeAsync() : ValueTask.CompletedTask;

    public static string? ReadNullableString(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static int ReadInt(DbDataReader reader, int ordinal) =>
        Convert.ToInt32(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    public static TEnum ReadEnum<TEnum>(DbDataReader reader, int ordinal) where TEnum : struct, Enum =>
        Enum.Parse<TEnum>(reader.GetString(ordinal));

    public static TEnum? ReadNullableEnum<TEnum>(DbDataReader reader, int ordinal) where TEnum : struct, Enum =>
        reader.IsDBNull(ordinal) ? null : Enum.Parse<TEnum>(reader.GetString(ordinal));
}

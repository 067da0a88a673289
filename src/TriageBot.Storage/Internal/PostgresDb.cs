using System.Data.Common;
using Npgsql;

namespace TriageBot.Storage.Internal;

/// <summary>PostgreSQL through one <see cref="NpgsqlDataSource"/> (pooled). Timestamps are timestamptz, ids uuid.</summary>
internal sealed partial class PostgresDb : Db
{
    /// <summary>Advisory lock key serialising migrations across processes ("TriageBt" in ASCII).</summary>
    public const long MigrationLockKey = 0x5472696167654274;

    /// <summary>Connections the pool keeps open (opened by the warm-up, <see cref="SqlStorage.WarmUpAsync"/>) unless the connection string sets <c>Minimum Pool Size</c>.</summary>
    public const int DefaultMinPoolSize = 4;

    /// <summary>Most connections one process opens unless the connection string sets <c>Maximum Pool Size</c> (Npgsql's own default is 100).</summary>
    public const int DefaultMaxPoolSize = 16;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresDb(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(WithDefaults(connectionString));
        _dataSource = builder.Build();
        MinPoolSize = builder.ConnectionStringBuilder.MinPoolSize;
    }

    public override string Provider => "postgres";

    public override string MigrationFolder => "Postgres";

    public override string SkipLockedClause => "FOR UPDATE SKIP LOCKED";

    /// <summary>Connections the pool keeps open (warmed up at start).</summary>
    public int MinPoolSize { get; }

    /// <summary>
    /// The connection string with this bot's defaults for what it does not set itself (measured under Slack load, see
    /// docs/storage.md): every statement the bot runs is a constant text, so server-side prepared statements pay off
    /// (<c>Max Auto Prepare</c>, prepared from the second use); connections keep no session state (no SET, temporary
    /// tables or LISTEN; the migration lock is transaction-scoped), so the DISCARD ALL that Npgsql sends when a pooled
    /// connection is reused — one more server transaction per statement, dropping the prepared plans — is skipped
    /// (<c>No Reset On Close</c>, always); a few connections stay open so a burst does not pay for authentication; and a
    /// process opens at most <see cref="DefaultMaxPoolSize"/>: three replicas under load with Npgsql's 100 each ran 185
    /// server processes on two cores and PostgreSQL spent 5.6 ms of CPU per Slack event; capped at 12 they ran 40 and it
    /// spent 3.0 ms (a request waits for a free connection in the pool instead of competing on the server).
    /// </summary>
    internal static string WithDefaults(string connectionString)
    {
        // A value left at Npgsql's default is taken as not set; any other value in the connection string wins.
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = builder.AutoPrepareMinUsages == 5 ? 2 : builder.AutoPrepareMinUsages;
        }

        builder.NoResetOnClose = true;
        if (builder.MaxPoolSize == 100)
        {
            builder.MaxPoolSize = DefaultMaxPoolSize;
        }

        if (builder.MinPoolSize == 0)
        {
            builder.MinPoolSize = Math.Min(DefaultMinPoolSize, builder.MaxPoolSize);
        }

        return builder.ConnectionString;
    }

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct);

    public override async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        await connection.BeginTransactionAsync(ct);

    public override async Task<IReadOnlyList<int>> WriteBatchAsync(IReadOnlyList<(string Sql, (string Name, object? Value)[] Parameters)> statements, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(statements);
        if (CurrentRehearsal is { } rehearsal)
        {
            return await rehearsal.WriteAsync((connection, _, ct) => RunBatchAsync(connection, statements, ct), ct);
        }

        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        return await RunBatchAsync(connection, statements, ct);
    }

    private static async Task<IReadOnlyList<int>> RunBatchAsync(NpgsqlConnection connection, IReadOnlyList<(string Sql, (string Name, object? Value)[] Parameters)> statements, CancellationToken ct)
    {
        // One round trip: the statements go out together and PostgreSQL runs them as one implicit transaction (all
        // or nothing), so no BEGIN and COMMIT of our own.
        await using var batch = connection.CreateBatch();
        foreach (var (sql, parameters) in statements)
        {
            var command = batch.CreateBatchCommand();
#pragma warning disable CA2100 // SQL text is a constant of this assembly; values are always bound as parameters.
            command.CommandText = sql;
#pragma warning restore CA2100
            foreach (var (name, value) in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter(name.TrimStart('@'), value ?? DBNull.Value));
            }

            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(ct);
        var affected = new int[batch.BatchCommands.Count];
        for (var i = 0; i < affected.Length; i++)
        {
            affected[i] = batch.BatchCommands[i].RecordsAffected;
        }

        return affected;
    }

    public override async Task LockForMigrationAsync(DbConnection connection, DbTransaction tx, CancellationToken ct) =>
        // Released automatically at commit or rollback; a second process blocks here until the first has finished.
        await ExecuteAsync(connection, tx, "SELECT pg_advisory_xact_lock(@key)", ct, ("key", MigrationLockKey));

    public override bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override object Ts(DateTimeOffset value) => new DateTime(TruncatedUtcTicks(value), DateTimeKind.Utc);

    public override DateTimeOffset ReadTs(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override object Id(Guid value) => value;

    public override Guid ReadId(DbDataReader reader, int ordinal) => reader.GetGuid(ordinal);

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}

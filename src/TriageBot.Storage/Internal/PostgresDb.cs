using System.Data.Common;
using Npgsql;

namespace TriageBot.Storage.Internal;

/// <summary>PostgreSQL through one <see cref="NpgsqlDataSource"/> (pooled). Timestamps are timestamptz, ids uuid.</summary>
internal sealed class PostgresDb : Db
{
    /// <summary>Advisory lock key serialising migrations across processes ("TriageBt" in ASCII).</summary>
    public const long MigrationLockKey = 0x5472696167654274;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresDb(string connectionString)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public override string Provider => "postgres";

    public override string MigrationFolder => "Postgres";

    public override string SkipLockedClause => "FOR UPDATE SKIP LOCKED";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct);

    public override async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        await connection.BeginTransactionAsync(ct);

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

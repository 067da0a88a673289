using Npgsql;

namespace TriageBot.Storage.Tests.Infrastructure;

/// <summary>A fresh, empty database for one test: a temporary SQLite file or a new PostgreSQL schema.</summary>
public interface ITestDatabase : IAsyncDisposable
{
    StorageOptions Options { get; }
}

public sealed class SqliteTestDatabase : ITestDatabase
{
    private readonly string _directory;

    public SqliteTestDatabase()
    {
        _directory = Path.Combine(Path.GetTempPath(), "triagebot-storage-tests", Guid.NewGuid().ToString("N"));
        FilePath = Path.Combine(_directory, "sub", "triagebot.db");
        Options = new StorageOptions { Provider = "sqlite", ConnectionString = $"Data Source={FilePath}" };
    }

    public string FilePath { get; }

    public StorageOptions Options { get; }

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a handle still closing; the OS temp cleaner gets it.
        }
        catch (UnauthorizedAccessException)
        {
        }

        return ValueTask.CompletedTask;
    }
}

public sealed class PostgresTestDatabase : ITestDatabase
{
    public const string EnvironmentVariable = "TRIAGEBOT_TEST_POSTGRES";

    public const string SkipReason =
        "PostgreSQL tests need a server: run `eval \"$(bash .ci/postgres.sh)\"` (starts a throwaway server on 127.0.0.1 and sets " +
        EnvironmentVariable + "), then run the tests again.";

    private readonly string _baseConnectionString;

    private PostgresTestDatabase(string baseConnectionString, string schema)
    {
        _baseConnectionString = baseConnectionString;
        Schema = schema;
        var builder = new NpgsqlConnectionStringBuilder(baseConnectionString) { SearchPath = schema, MaxPoolSize = 20 };
        Options = new StorageOptions { Provider = "postgres", ConnectionString = builder.ConnectionString };
    }

    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value ? value : null;

    public string Schema { get; }

    public StorageOptions Options { get; }

    /// <summary>Creates a uniquely named empty schema; the storage's search_path points at it, so tests never share tables.</summary>
    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var baseConnectionString = ConnectionString ?? throw new InvalidOperationException(SkipReason);
        var schema = "t_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(baseConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
        await cmd.ExecuteNonQueryAsync();
        return new PostgresTestDatabase(baseConnectionString, schema);
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(_baseConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE", connection);
        await cmd.ExecuteNonQueryAsync();
    }
}

using TriageBot.Storage.Internal;

namespace TriageBot.Storage;

/// <summary>Opens the configured database and migrates it.</summary>
public static class StorageFactory
{
    /// <summary>The SQLite connection string used when none is configured.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=./data/triagebot.db";

    /// <summary>
    /// Opens the storage named by <paramref name="options"/> ("sqlite", the default, or "postgres"), applies pending
    /// migrations, and returns every port over it. SQLite creates the file's directory and switches it to WAL.
    /// </summary>
    /// <exception cref="InvalidOperationException">The provider is unknown or PostgreSQL has no connection string;
    /// the message names the configuration key to set.</exception>
    public static async Task<IStorage> OpenAsync(StorageOptions options, TimeProvider time, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var db = CreateDb(options);
        var storage = new SqlStorage(db, time);
        try
        {
            if (db is SqliteDb sqlite)
            {
                await sqlite.EnableWalAsync(ct);
            }

            await storage.MigratorImpl.MigrateAsync(ct);
            return storage;
        }
        catch
        {
            await storage.DisposeAsync();
            throw;
        }
    }

    internal static Db CreateDb(StorageOptions options)
    {
        var provider = string.IsNullOrWhiteSpace(options.Provider) ? "sqlite" : options.Provider.Trim().ToLowerInvariant();
        switch (provider)
        {
            case "sqlite":
                return new SqliteDb(string.IsNullOrWhiteSpace(options.ConnectionString) ? DefaultSqliteConnectionString : options.ConnectionString);
            case "postgres" or "postgresql" or "npgsql":
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    throw new InvalidOperationException(
                        "TriageBot:Storage:ConnectionString is required when TriageBot:Storage:Provider is 'postgres'. " +
                        "Set it to an Npgsql connection string, e.g. 'Host=db;Port=5432;Username=triagebot;Password=...;Database=triagebot' " +
                        "(environment variable TriageBot__Storage__ConnectionString).");
                }

                return new PostgresDb(options.ConnectionString);
            default:
                throw new InvalidOperationException(
                    $"TriageBot:Storage:Provider '{options.Provider}' is not supported. Use 'sqlite' (default) or 'postgres'.");
        }
    }
}

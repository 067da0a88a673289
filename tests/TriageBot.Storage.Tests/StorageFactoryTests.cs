using Microsoft.Data.Sqlite;
using Npgsql;
using TriageBot.Storage.Internal;
using TriageBot.Storage.Tests.Infrastructure;

namespace TriageBot.Storage.Tests;

public sealed class StorageFactoryTests
{
    [Fact]
    public async Task OpenAsync_UnknownProvider_MessageNamesTheKey()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            StorageFactory.OpenAsync(new StorageOptions { Provider = "mysql" }, TimeProvider.System));

        Assert.Contains("TriageBot:Storage:Provider", ex.Message, StringComparison.Ordinal);
        Assert.Contains("mysql", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public async Task OpenAsync_PostgresWithoutConnectionString_MessageNamesTheKey(string? connectionString)
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            StorageFactory.OpenAsync(new StorageOptions { Provider = "postgres", ConnectionString = connectionString }, TimeProvider.System));

        Assert.Contains("TriageBot:Storage:ConnectionString", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_SqliteInMemory_IsRefusedWithAClearMessage()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            StorageFactory.OpenAsync(new StorageOptions { ConnectionString = "Data Source=:memory:" }, TimeProvider.System));

        Assert.Contains("TriageBot:Storage:ConnectionString", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateDb_DefaultProvider_IsSqliteOnTheDefaultFile()
    {
        Assert.Equal("Data Source=./data/triagebot.db", StorageFactory.DefaultSqliteConnectionString);
        // Not opened: only checks the choice, so no ./data directory is created by the test.
        Assert.Equal("sqlite", new StorageOptions().Provider);
    }

    [Fact]
    public async Task OpenAsync_Sqlite_CreatesDirectoryWalNormalSyncForeignKeysAndBusyTimeout()
    {
        await using var database = new SqliteTestDatabase();
        Assert.False(File.Exists(database.FilePath));

        await using (var storage = await StorageFactory.OpenAsync(database.Options, TimeProvider.System))
        {
            Assert.True(File.Exists(database.FilePath));
            var db = ((SqlStorage)storage).Db;
            await using var connection = await db.OpenAsync(CancellationToken.None);
            Assert.Equal("wal", await Db.ScalarAsync(connection, null, "PRAGMA journal_mode", CancellationToken.None));
            Assert.Equal(1L, await Db.ScalarAsync(connection, null, "PRAGMA synchronous", CancellationToken.None)); // 1 = NORMAL
            Assert.Equal(1L, await Db.ScalarAsync(connection, null, "PRAGMA foreign_keys", CancellationToken.None));
            Assert.Equal((long)SqliteDb.BusyTimeoutMs, await Db.ScalarAsync(connection, null, "PRAGMA busy_timeout", CancellationToken.None));
            Assert.True(await storage.Migrator.IsReadyAsync());

            // Settings are applied once per native handle; a connection reopened from the pool still has them.
            await connection.CloseAsync();
            await using var reopened = await db.OpenAsync(CancellationToken.None);
            Assert.Equal(1L, await Db.ScalarAsync(reopened, null, "PRAGMA foreign_keys", CancellationToken.None));
            Assert.Equal((long)SqliteDb.BusyTimeoutMs, await Db.ScalarAsync(reopened, null, "PRAGMA busy_timeout", CancellationToken.None));
        }

        // A second open of the same file migrates nothing and is ready.
        await using var again = await StorageFactory.OpenAsync(database.Options, TimeProvider.System);
        Assert.Equal(0, await again.Migrator.MigrateAsync());
    }

    [Fact]
    public async Task IsReadyAsync_UnreachablePostgres_IsFalse()
    {
        // Port 1 on loopback: connection refused at once.
        var db = new PostgresDb("Host=127.0.0.1;Port=1;Username=x;Password=y;Database=z;Timeout=2");
        await using var _ = db;

        Assert.False(await new Migrator(db, TimeProvider.System).IsReadyAsync());
    }

    [PostgresFact]
    public async Task OpenAsync_Postgres_MigratesAndUsesTimestamptz()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var storage = await StorageFactory.OpenAsync(database.Options, TimeProvider.System);

        Assert.Equal("postgres", storage.Provider);
        await using var connection = new NpgsqlConnection(database.Options.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT data_type FROM information_schema.columns WHERE table_schema = @s AND table_name = 'time_entries' AND column_name = 'at'", connection);
        cmd.Parameters.AddWithValue("s", database.Schema);
        Assert.Equal("timestamp with time zone", await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task SqliteFile_SecondStorageInstance_SeesWritesOfTheFirst()
    {
        await using var database = new SqliteTestDatabase();
        await using var a = await StorageFactory.OpenAsync(database.Options, TimeProvider.System);
        await using var b = await StorageFactory.OpenAsync(database.Options, TimeProvider.System);

        Assert.True(await a.Events.TryMarkProcessedAsync("t1", "e1", DateTimeOffset.UnixEpoch));
        Assert.False(await b.Events.TryMarkProcessedAsync("t1", "e1", DateTimeOffset.UnixEpoch));
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public void PostgresDefaults_NothingSet_PreparesKeepsAndCapsConnections()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresDb.WithDefaults("Host=db;Username=u;Password=p;Database=d"));

        Assert.Equal(64, builder.MaxAutoPrepare);
        Assert.Equal(2, builder.AutoPrepareMinUsages);
        Assert.True(builder.NoResetOnClose);
        Assert.Equal(PostgresDb.DefaultMinPoolSize, builder.MinPoolSize);
        Assert.Equal(PostgresDb.DefaultMaxPoolSize, builder.MaxPoolSize);
        Assert.Equal("db", builder.Host);
    }

    [Fact]
    public void PostgresDefaults_ValuesInConnectionString_Win()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresDb.WithDefaults(
            "Host=db;Username=u;Password=p;Database=d;Max Auto Prepare=10;Auto Prepare Min Usages=3;Minimum Pool Size=1;Maximum Pool Size=40"));

        Assert.Equal(10, builder.MaxAutoPrepare);
        Assert.Equal(3, builder.AutoPrepareMinUsages);
        Assert.Equal(1, builder.MinPoolSize);
        Assert.Equal(40, builder.MaxPoolSize);
    }
}

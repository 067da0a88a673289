using TriageBot.Storage.Internal;

namespace TriageBot.Storage.Tests.Infrastructure;

/// <summary>A bare <see cref="SqliteDb"/> on a fresh WAL file with one table <c>items (id, note)</c>, for tests of the SQLite plumbing.</summary>
public abstract class SqliteItemsDatabase : IAsyncLifetime
{
    private readonly SqliteTestDatabase _database = new();

    internal SqliteDb Sqlite { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Sqlite = new SqliteDb(_database.Options.ConnectionString!);
        await Sqlite.EnableWalAsync(CancellationToken.None);
        await using var connection = await Sqlite.OpenAsync(CancellationToken.None);
        await Db.ExecuteAsync(connection, null, "CREATE TABLE items (id INTEGER NOT NULL PRIMARY KEY, note TEXT NOT NULL)", CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Sqlite.DisposeAsync();
        await _database.DisposeAsync();
    }
}

using TriageBot.Storage.Internal;
using TriageBot.Storage.Tests.Infrastructure;

namespace TriageBot.Storage.Tests;

/// <summary>SQLite reads on kept connections: reused with their statements, and never holding a WAL snapshot.</summary>
public sealed class SqliteReadPoolTests : SqliteItemsDatabase
{
    [Fact]
    public async Task OpenReadAsync_AfterAGiveBack_LendsTheSameConnectionWithItsStatements()
    {
        System.Data.Common.DbConnection first;
        await using (var lease = await Sqlite.OpenReadAsync(CancellationToken.None))
        {
            first = lease.Connection;
            Assert.NotNull(StatementCache.For(first));
            Assert.Equal(0L, await Db.ScalarAsync(first, null, "SELECT COUNT(*) FROM items", CancellationToken.None));
        }

        await using var again = await Sqlite.OpenReadAsync(CancellationToken.None);
        Assert.Same(first, again.Connection);
    }

    [Fact]
    public async Task OpenReadAsync_TwoAtOnce_GetDifferentConnections()
    {
        await using var a = await Sqlite.OpenReadAsync(CancellationToken.None);
        await using var b = await Sqlite.OpenReadAsync(CancellationToken.None);

        Assert.NotSame(a.Connection, b.Connection);
    }

    [Fact]
    public async Task Lease_DisposedTwice_GivesItsConnectionBackOnce()
    {
        var lease = await Sqlite.OpenReadAsync(CancellationToken.None);
        await lease.DisposeAsync();
        await lease.DisposeAsync();

        await using var a = await Sqlite.OpenReadAsync(CancellationToken.None);
        await using var b = await Sqlite.OpenReadAsync(CancellationToken.None);
        Assert.NotSame(a.Connection, b.Connection);
    }

    [Fact]
    public async Task Dispose_WithALeaseOut_TheLeaseStillFinishesItsRead()
    {
        var lease = await Sqlite.OpenReadAsync(CancellationToken.None);
        await Sqlite.DisposeAsync();

        Assert.Equal(0L, await Db.ScalarAsync(lease.Connection, null, "SELECT COUNT(*) FROM items", CancellationToken.None));
        await lease.DisposeAsync();
        Assert.Equal(System.Data.ConnectionState.Closed, lease.Connection.State);
    }

    [Fact]
    public async Task KeptReaders_AfterReadsAndWrites_DoNotHoldTheWalBack()
    {
        for (var i = 0; i < 20; i++)
        {
            var id = i;
            await Sqlite.WriteAsync((c, tx, ct) => Db.ExecuteAsync(c, tx, "INSERT INTO items (id, note) VALUES (@id, 'x')", ct, ("id", id)), CancellationToken.None);
            await using var lease = await Sqlite.OpenReadAsync(CancellationToken.None);
            var rows = await Db.QueryAsync(lease.Connection, null, "SELECT id FROM items ORDER BY id", r => r.GetInt64(0), CancellationToken.None);
            Assert.Equal(i + 1, rows.Count);
        }

        // A kept statement that was not reset would keep a read snapshot open and block a full checkpoint.
        await using var probe = await Sqlite.OpenAsync(CancellationToken.None);
        var result = await Db.QueryAsync(probe, null, "PRAGMA wal_checkpoint(TRUNCATE)", r => (Busy: r.GetInt64(0), Log: r.GetInt64(1)), CancellationToken.None);
        Assert.Equal((0L, 0L), result[0]);
    }
}

using System.Data.Common;
using TriageBot.Storage.Internal;
using TriageBot.Storage.Tests.Infrastructure;

namespace TriageBot.Storage.Tests;

/// <summary>
/// The SQLite single writer: callers complete only after their batch commits, one bad item fails alone, a lost
/// transaction falls back to one transaction per item, and disposal drains the queue. A "gate" item holds the writer
/// busy so the following items are deterministically queued together into one batch.
/// </summary>
public sealed class SqliteWriteBatcherTests : SqliteItemsDatabase
{
    [Fact]
    public async Task WriteAsync_ManyConcurrentCallers_AllCommittedInFewBatches()
    {
        var gate = await HoldWriterAsync();
        var writes = Enumerable.Range(1, 200).Select(i => InsertAsync(i)).ToList();

        gate.SetResult();
        await Task.WhenAll(writes);

        Assert.Equal(200, await CountAsync());
        // The gate's own batch, then the 200 queued items in one batch of at most MaxBatch (256).
        Assert.InRange(Sqlite.Writer.BatchesCommitted, 2, 3);
    }

    [Fact]
    public async Task WriteAsync_CallerAwaited_RowVisibleToOtherConnections()
    {
        await InsertAsync(7);

        // Completion means committed: a separate reader sees the row at once.
        Assert.Equal(1, await CountAsync());
    }

    [Fact]
    public async Task WriteAsync_OneItemThrowsInBatch_OnlyThatCallerFailsAndItsWritesRollBack()
    {
        var gate = await HoldWriterAsync();
        var first = InsertAsync(1);
        var bad = Sqlite.WriteAsync<int>(async (connection, tx, ct) =>
        {
            await Db.ExecuteAsync(connection, tx, "INSERT INTO items (id, note) VALUES (2, 'half-done')", ct);
            throw new InvalidOperationException("item 2 is broken");
        }, CancellationToken.None);
        var duplicate = InsertAsync(1); // primary key violation against the first item of the same batch
        var last = InsertAsync(3);

        gate.SetResult();

        await first;
        await last;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => bad);
        Assert.Equal("item 2 is broken", error.Message);
        await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => duplicate);
        var ids = await IdsAsync();
        Assert.Equal(new[] { 1, 3 }, ids);
    }

    [Fact]
    public async Task WriteAsync_ItemEndsTheTransaction_OthersRetriedAloneAndCommitted()
    {
        var gate = await HoldWriterAsync();
        var first = InsertAsync(1);
        // Ends the shared transaction behind the batcher's back: the savepoint is gone, so the batch cannot commit.
        var rogue = Sqlite.WriteAsync<int>(async (connection, tx, ct) =>
        {
            await Db.ExecuteAsync(connection, tx, "ROLLBACK", ct);
            throw new InvalidOperationException("rogue");
        }, CancellationToken.None);
        var last = InsertAsync(3);

        gate.SetResult();

        await first;
        await last;
        await Assert.ThrowsAnyAsync<Exception>(() => rogue);
        var ids = await IdsAsync();
        Assert.Equal(new[] { 1, 3 }, ids);
    }

    [Fact]
    public async Task WriteAsync_CallerCancelledBeforeItsTurn_SkippedAndNotWritten()
    {
        var gate = await HoldWriterAsync();
        using var cts = new CancellationTokenSource();
        var cancelled = InsertAsync(5, cts.Token);
        var kept = InsertAsync(6);

        await cts.CancelAsync();
        gate.SetResult();

        await kept;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        var ids = await IdsAsync();
        Assert.Equal(new[] { 6 }, ids);
    }

    [Fact]
    public async Task DisposeAsync_ItemsQueued_CommitsThemThenRefusesNewWrites()
    {
        var gate = await HoldWriterAsync();
        var writes = Enumerable.Range(1, 50).Select(i => InsertAsync(i)).ToList();

        var disposing = Sqlite.Writer.DisposeAsync().AsTask();
        gate.SetResult();
        await disposing;

        // Everything handed over before disposal is committed when it returns, and every caller succeeds.
        Assert.Equal(50, await CountAsync());
        await Task.WhenAll(writes);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => InsertAsync(99));
    }

    [Fact]
    public async Task WriteStatementAsync_OnSqlite_RunsThroughTheWriterWithATransaction()
    {
        DbTransaction? seen = null;
        var changed = await Sqlite.WriteStatementAsync((connection, tx, ct) =>
        {
            seen = tx;
            return Db.ExecuteAsync(connection, tx, "INSERT INTO items (id, note) VALUES (1, 'x')", ct);
        }, CancellationToken.None);

        Assert.Equal(1, changed);
        Assert.NotNull(seen);
        Assert.Equal(1, Sqlite.Writer.BatchesCommitted);
    }

    /// <summary>Queues an item that blocks the writer until the returned source is completed.</summary>
    private async Task<TaskCompletionSource> HoldWriterAsync()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Sqlite.WriteAsync(async (connection, tx, ct) =>
        {
            started.SetResult();
            await release.Task;
            return 0;
        }, CancellationToken.None);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return release;
    }

    private Task<int> InsertAsync(int id, CancellationToken ct = default) =>
        Sqlite.WriteAsync((connection, tx, token) =>
            Db.ExecuteAsync(connection, tx, "INSERT INTO items (id, note) VALUES (@id, 'n')", token, ("id", id)), ct);

    private async Task<long> CountAsync()
    {
        await using var connection = await Sqlite.OpenAsync(CancellationToken.None);
        return (long)(await Db.ScalarAsync(connection, null, "SELECT COUNT(*) FROM items", CancellationToken.None))!;
    }

    private async Task<int[]> IdsAsync()
    {
        await using var connection = await Sqlite.OpenAsync(CancellationToken.None);
        var ids = await Db.QueryAsync(connection, null, "SELECT id FROM items ORDER BY id", r => r.GetInt32(0), CancellationToken.None);
        return [.. ids];
    }
}

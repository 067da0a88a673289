using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;

namespace TriageBot.Storage.Internal;

/// <summary>
/// The single SQLite writer of this process, committing in batches ("group commit").
/// </summary>
/// <remarks>
/// SQLite allows one writer at a time. With one transaction per caller, concurrent callers queue on the file's write
/// lock inside <c>busy_timeout</c>, whose sleeps (1, 2, 5, 10… ms) and per-commit WAL work cap the whole bot at about a
/// thousand writes per second on a small machine. Here callers hand their work to one loop instead; the loop takes
/// everything queued (up to <see cref="MaxBatch"/> items), runs each item inside its own SAVEPOINT of one
/// <c>BEGIN IMMEDIATE</c> transaction, commits once, and only then completes each caller. So:
/// <list type="bullet">
/// <item>a caller whose task completed successfully has its write committed (acknowledge after this, never before);</item>
/// <item>an item that throws is rolled back to its savepoint and fails alone; the rest of the batch still commits;</item>
/// <item>if the transaction itself is lost (commit fails, or SQLite aborted it), nothing of the batch was committed and
/// each remaining item is retried in a transaction of its own, so one bad item cannot fail its neighbours. Work items
/// must therefore only touch the database: they may run more than once, but commit at most once;</item>
/// <item>an item whose caller gave up before it started is skipped; once started it runs to commit or rollback;</item>
/// <item>disposal stops taking new work and drains what was queued.</item>
/// </list>
/// Other processes (the CLI, a second host on the same file) still take the lock with <c>BEGIN IMMEDIATE</c> and wait
/// on <c>busy_timeout</c>, as before.
/// </remarks>
internal sealed class SqliteWriteBatcher : IAsyncDisposable
{
    /// <summary>Most items committed in one transaction (bounds the time one commit holds the write lock).</summary>
    public const int MaxBatch = 256;

    /// <summary>Items waiting beyond this make callers wait to enqueue (back-pressure instead of unbounded memory).</summary>
    public const int QueueCapacity = 10_000;

    private const string Savepoint = "item";

    // Process-wide meter (the host exports every "TriageBot.*" meter): batch sizes and commit times tell an operator
    // whether the single writer is the bottleneck.
    private static readonly Meter Meter = new("TriageBot.Storage");
    // Buckets that fit the values: 1–256 items, and commits from 50 µs to seconds (the exporter's default buckets are
    // meant for milliseconds and would put every commit in the first one).
    private static readonly Histogram<int> BatchSize = Meter.CreateHistogram(
        "triagebot.storage.write_batch.size", "{item}", "Items committed together by the SQLite single writer.", tags: null,
        new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
    private static readonly Histogram<double> BatchDuration = Meter.CreateHistogram(
        "triagebot.storage.write_batch.duration", "s", "Time from BEGIN IMMEDIATE to COMMIT of one SQLite write batch.", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });

    private readonly Func<CancellationToken, ValueTask<DbConnection>> _open;
    private readonly Func<DbConnection, CancellationToken, ValueTask<DbTransaction>> _begin;
    private readonly Channel<WriteItem> _channel;
    private readonly Task _loop;

    public SqliteWriteBatcher(
        Func<CancellationToken, ValueTask<DbConnection>> open,
        Func<DbConnection, CancellationToken, ValueTask<DbTransaction>> begin)
    {
        _open = open;
        _begin = begin;
        _channel = Channel.CreateBounded<WriteItem>(new BoundedChannelOptions(QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        // The loop gets a thread of its own: SQLite's calls are synchronous anyway, and on the thread pool every wake-up
        // of the loop would queue behind the request work already waiting there (dozens of items under a burst), which
        // delays the commit that every caller of the batch waits for.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop = done.Task;
        var thread = new Thread(() =>
        {
            try
            {
                RunAsync().GetAwaiter().GetResult();
            }
            finally
            {
                done.SetResult();
            }
        })
        {
            IsBackground = true,
            Name = "SQLite writer",
        };
        thread.Start();
    }

    /// <summary>Batches committed so far (for tests and diagnostics).</summary>
    public long BatchesCommitted => Interlocked.Read(ref _batchesCommitted);

    private long _batchesCommitted;

    // The writer's own connection, kept open with prepared statements between batches; replaced after a failure.
    private DbConnection? _connection;
    private StatementCache? _statements;

    /// <summary>
    /// Runs <paramref name="work"/> in the shared write transaction and completes once that transaction has committed.
    /// The work must pass the given transaction to every command and must have no effect outside the database.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        var item = new WriteItem<T>(work, ct);
        try
        {
            await _channel.Writer.WriteAsync(item, ct).ConfigureAwait(false);
        }
        catch (ChannelClosedException e)
        {
            throw new ObjectDisposedException("The SQLite storage has been disposed; no more writes are accepted.", e);
        }

        return await item.Task.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<WriteItem>(MaxBatch);
        try
        {
            Loop(batch);
        }
#pragma warning disable CA1031 // A bug here must not leave callers waiting forever: fail them and refuse new work.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _channel.Writer.TryComplete(ex);
            foreach (var item in batch)
            {
                item.Fail(ex);
            }

            while (_channel.Reader.TryRead(out var queued))
            {
                queued.Fail(ex);
            }
        }
        finally
        {
            await CloseConnectionQuietlyAsync().ConfigureAwait(false);
        }
    }

    private void Loop(List<WriteItem> batch)
    {
        var reader = _channel.Reader;
        while (WaitToRead(reader))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var item))
            {
                if (item.CallerToken.IsCancellationRequested)
                {
                    item.Cancel();
                }
                else
                {
                    batch.Add(item);
                }
            }

            if (batch.Count > 0)
            {
                // Blocking on purpose, on the writer's own thread: a continuation that did not complete synchronously
                // finishes on the pool and the loop goes on here, never on a pool thread.
                CommitBatchAsync(batch).GetAwaiter().GetResult();
            }
        }
    }

    // Waits on the writer's own thread for work (false once the channel is completed and empty).
    private static bool WaitToRead(ChannelReader<WriteItem> reader)
    {
        var wait = reader.WaitToReadAsync();
        return wait.IsCompletedSuccessfully ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
    }

    private async ValueTask<DbConnection> ConnectionAsync()
    {
        if (_connection is null)
        {
            _connection = await _open(CancellationToken.None).ConfigureAwait(false);
            _statements = StatementCache.Attach(_connection);
        }

        return _connection;
    }

    private async ValueTask CloseConnectionQuietlyAsync()
    {
        var connection = _connection;
        _connection = null;
        _statements?.Dispose();
        _statements = null;
        if (connection is null)
        {
            return;
        }

        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Closing a broken connection may fail; the next batch opens a new one either way.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private async Task CommitBatchAsync(IReadOnlyList<WriteItem> batch)
    {
        var ran = false;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var connection = await ConnectionAsync().ConfigureAwait(false);
            await using var tx = await _begin(connection, CancellationToken.None).ConfigureAwait(false);
            ran = true;
            if (batch.Count == 1)
            {
                // Alone in its transaction: no savepoint needed; if the work throws, disposal rolls back.
                var item = batch[0];
                try
                {
                    await item.RunAsync(connection, tx).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    item.Fail(e);
                    return;
                }
            }
            else
            {
                foreach (var item in batch)
                {
                    await RunInSavepointAsync(item, tx, connection).ConfigureAwait(false);
                }
            }

            await tx.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            Interlocked.Increment(ref _batchesCommitted);
            BatchSize.Record(batch.Count);
            BatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
#pragma warning disable CA1031 // Every failure is handed to the callers; the loop itself must survive.
        catch (Exception e)
#pragma warning restore CA1031
        {
            // The connection may be unusable (I/O error, rolled-back transaction): the next batch opens a fresh one
            // (the writer's connections are not pooled, so this one is really closed, not handed to someone else).
            await CloseConnectionQuietlyAsync().ConfigureAwait(false);

            // Nothing of this batch is committed. If the failure came before any work ran (open, BEGIN IMMEDIATE timed
            // out on another process's lock), every caller gets it. Otherwise retry each remaining item on its own.
            var remaining = batch.Where(i => !i.IsCompleted).ToList();
            if (!ran || batch.Count == 1)
            {
                foreach (var item in remaining)
                {
                    item.Fail(e);
                }
            }
            else
            {
                foreach (var item in remaining)
                {
                    await CommitBatchAsync([item]).ConfigureAwait(false);
                }
            }

            return;
        }

        foreach (var item in batch)
        {
            item.Succeed();
        }
    }

    // SAVEPOINT/RELEASE/ROLLBACK TO through the statement cache (DbTransaction.Save etc. would re-parse them every time).
    private static async Task RunInSavepointAsync(WriteItem item, DbTransaction tx, DbConnection connection)
    {
        await Db.ExecuteAsync(connection, tx, "SAVEPOINT " + Savepoint, CancellationToken.None).ConfigureAwait(false);
        try
        {
            await item.RunAsync(connection, tx).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // If SQLite has already rolled the whole transaction back (I/O error, disk full), these throw and the batch
            // falls back to one transaction per item; this item then runs again on its own.
            await Db.ExecuteAsync(connection, tx, "ROLLBACK TO " + Savepoint, CancellationToken.None).ConfigureAwait(false);
            await Db.ExecuteAsync(connection, tx, "RELEASE " + Savepoint, CancellationToken.None).ConfigureAwait(false);
            item.Fail(e);
            return;
        }

        await Db.ExecuteAsync(connection, tx, "RELEASE " + Savepoint, CancellationToken.None).ConfigureAwait(false);
    }

    private abstract class WriteItem
    {
        protected WriteItem(CancellationToken callerToken) => CallerToken = callerToken;

        public CancellationToken CallerToken { get; }

        public abstract bool IsCompleted { get; }

        public abstract Task RunAsync(DbConnection connection, DbTransaction tx);

        public abstract void Succeed();

        public abstract void Fail(Exception exception);

        public abstract void Cancel();
    }

    private sealed class WriteItem<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken callerToken)
        : WriteItem(callerToken)
    {
        // Continuations run off the writer loop, so a caller's code never delays the next batch.
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _completion.Task;

        public override bool IsCompleted => _completion.Task.IsCompleted;

        public override async Task RunAsync(DbConnection connection, DbTransaction tx) =>
            _result = await work(connection, tx, CallerToken).ConfigureAwait(false);

        public override void Succeed() => _completion.TrySetResult(_result!);

        public override void Fail(Exception exception)
        {
            if (exception is OperationCanceledException && CallerToken.IsCancellationRequested)
            {
                _completion.TrySetCanceled(CallerToken);
            }
            else
            {
                _completion.TrySetException(exception);
            }
        }

        public override void Cancel() => _completion.TrySetCanceled(CallerToken);
    }
}

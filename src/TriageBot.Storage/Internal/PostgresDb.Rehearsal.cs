using System.Data.Common;
using Npgsql;

namespace TriageBot.Storage.Internal;

/// <summary>
/// Rehearsals (<see cref="Engine.Ports.IStorageRehearsal"/>): the warm-up runs real acknowledgements — event claims,
/// stored requests and decisions, queued replies — so their code is compiled and their statements prepared before the
/// replica reports ready, and rolls all of it back. The flow's reads and writes share one connection and one
/// transaction; each write runs under a savepoint, so a write that fails (a unique violation a store expects) is
/// undone alone, as it would have been in autocommit. Nothing is ever committed: the queue never sees the replies.
/// </summary>
internal sealed partial class PostgresDb
{
    private readonly AsyncLocal<Rehearsal?> _rehearsal = new();

    // A task started inside a rehearsal that outlives it (the flow captured it) uses the pool again.
    private Rehearsal? CurrentRehearsal => _rehearsal.Value is { Ended: false } r ? r : null;

    public override bool IsRehearsing => CurrentRehearsal is not null;

    public override async Task<bool> RehearseAsync(Func<CancellationToken, Task> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        using var rehearsal = new Rehearsal(connection, tx);
        var knownBefore = KnownTenants.Keys.ToHashSet(StringComparer.Ordinal);
        _rehearsal.Value = rehearsal;
        try
        {
            await work(ct);
        }
        finally
        {
            rehearsal.End();
            _rehearsal.Value = null;
            // Tenant rows the rehearsal wrote are rolled back: forget them, so a real first request writes its own.
            foreach (var tenant in KnownTenants.Keys.Where(t => !knownBefore.Contains(t)).ToList())
            {
                KnownTenants.TryRemove(tenant, out _);
            }

            if (connection.State == System.Data.ConnectionState.Open)
            {
                await tx.RollbackAsync(CancellationToken.None);
            }
        }

        return true;
    }

    public override async ValueTask<ReadLease> OpenReadAsync(CancellationToken ct)
    {
        if (CurrentRehearsal is { } rehearsal)
        {
            await rehearsal.EnterAsync(ct);
            return new ReadLease(rehearsal.Connection, _ => rehearsal.Exit());
        }

        return await base.OpenReadAsync(ct);
    }

    public override Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken ct) =>
        CurrentRehearsal is { } rehearsal ? rehearsal.WriteAsync((c, tx, ct) => work(c, tx, ct), ct) : base.WriteAsync(work, ct);

    public override Task<T> WriteStatementAsync<T>(Func<DbConnection, DbTransaction?, CancellationToken, Task<T>> work, CancellationToken ct) =>
        CurrentRehearsal is { } rehearsal ? rehearsal.WriteAsync((c, tx, ct) => work(c, tx, ct), ct) : base.WriteStatementAsync(work, ct);

    /// <summary>One rehearsal's connection and transaction, used by one statement at a time.</summary>
    private sealed class Rehearsal(NpgsqlConnection connection, NpgsqlTransaction transaction) : IDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private volatile bool _ended;

        public NpgsqlConnection Connection => connection;

        public bool Ended => _ended;

        public void End() => _ended = true;

        public void Dispose() => _gate.Dispose();

        // A connection runs one command at a time: parallel reads inside a rehearsal take turns. Bounded, so a flow
        // that would wait on itself fails the rehearsal instead of hanging the warm-up.
        public async Task EnterAsync(CancellationToken ct)
        {
            if (!await _gate.WaitAsync(TimeSpan.FromSeconds(10), ct))
            {
                throw new TimeoutException("A rehearsal's connection stayed busy for 10 s.");
            }
        }

        public void Exit() => _gate.Release();

        public async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>> work, CancellationToken ct)
        {
            await EnterAsync(ct);
            try
            {
                await transaction.SaveAsync("rehearsal_write", ct);
                try
                {
                    var result = await work(connection, transaction, ct);
                    await transaction.ReleaseAsync("rehearsal_write", ct);
                    return result;
                }
                catch
                {
                    await transaction.RollbackAsync("rehearsal_write", CancellationToken.None);
                    throw;
                }
            }
            finally
            {
                Exit();
            }
        }
    }
}

using System.Data.Common;
using TriageBot.Engine.Ports;

namespace TriageBot.Storage.Internal;

/// <summary>
/// Durable queue. States: pending (ready or leased) → done, or → dead. A claim leases ready items to one owner until
/// <c>lease_until</c>; an item whose lease expired (its worker died) is ready again. <c>attempts</c> counts failed
/// attempts recorded by <see cref="FailAsync"/>; a claimed item carries the attempts made before this one.
/// Completed rows are kept (state done) so a dedup key stays taken; a dead row frees its key.
/// </summary>
internal sealed class WorkQueue(Db db, TimeProvider time) : IWorkQueue
{
    private const string Columns = "id, tenant, kind, payload_json, attempts, not_before, created_at, dedup_key";
    private const string ClaimedColumns = Columns + ", claims";

    public async Task<bool> EnqueueAsync(WorkItem item, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        // The partial unique index on (tenant, dedup_key) makes a second item with the same key a no-op.
        var inserted = await db.WriteStatementAsync((connection, tx, ct) => Db.ExecuteAsync(connection, tx,
            $"INSERT INTO work_items ({Columns}, state, lease_owner, lease_until, last_error, updated_at) " +
            "VALUES (@id, @tenant, @kind, @payload, @attempts, @not_before, @created_at, @dedup, 'pending', NULL, NULL, NULL, @now) ON CONFLICT DO NOTHING",
            ct,
            ("id", db.Id(item.Id)),
            ("tenant", item.Tenant),
            ("kind", item.Kind),
            ("payload", item.PayloadJson),
            ("attempts", item.Attempts),
            ("not_before", db.Ts(item.NotBefore)),
            ("created_at", db.Ts(item.CreatedAt)),
            ("dedup", item.DedupKey),
            ("now", db.Ts(now))), ct);
        return inserted == 1;
    }

    public async Task<IReadOnlyList<WorkItem>> ClaimAsync(string owner, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct = default)
    {
        if (max <= 0)
        {
            return [];
        }

        // SQLite: the single writer's transaction makes select-and-lease exclusive. PostgreSQL: FOR UPDATE SKIP LOCKED
        // lets parallel claimers take disjoint items without waiting on each other; the statement is atomic on its
        // own, so it runs in autocommit (one round trip, no BEGIN/COMMIT).
        var items = await db.WriteStatementAsync((connection, tx, ct) => Db.QueryAsync(connection, tx,
            // MATERIALIZED: the pick runs exactly once. PostgreSQL may otherwise re-run an IN (... LIMIT n) subquery
            // and lease more than n rows.
            "WITH picked AS MATERIALIZED (SELECT id FROM work_items WHERE state = 'pending' AND not_before <= @now AND (lease_until IS NULL OR lease_until <= @now) " +
            $"ORDER BY not_before, created_at LIMIT @max {db.SkipLockedClause}) " +
            "UPDATE work_items SET lease_owner = @owner, lease_until = @lease_until, claims = claims + 1, updated_at = @now " +
            "WHERE id IN (SELECT id FROM picked) AND state = 'pending' AND (lease_until IS NULL OR lease_until <= @now) " +
            $"RETURNING {ClaimedColumns}",
            MapClaimed, ct,
            ("owner", owner), ("lease_until", db.Ts(leaseUntil)), ("now", db.Ts(now)), ("max", max)), ct);
        items.Sort((a, b) => a.NotBefore != b.NotBefore ? a.NotBefore.CompareTo(b.NotBefore) : a.CreatedAt.CompareTo(b.CreatedAt));
        return items;
    }

    public async Task<int> RenewAsync(string owner, IReadOnlyCollection<Guid> ids, DateTimeOffset leaseUntil, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return 0;
        }

        var now = time.GetUtcNow();
        var renewed = 0;

        // One statement per chunk (bounded parameter count); only leases this owner still holds are extended. A chunk's
        // id list is padded to a power of two (repeating its last id) so the writer's prepared statements stay few.
        foreach (var chunk in ids.Distinct().Chunk(128))
        {
            var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)chunk.Length);
            var parameters = new List<(string, object?)> { ("owner", owner), ("lease_until", db.Ts(leaseUntil)), ("now", db.Ts(now)) };
            var names = new List<string>(size);
            for (var i = 0; i < size; i++)
            {
                var name = "id" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                names.Add("@" + name);
                parameters.Add((name, db.Id(chunk[Math.Min(i, chunk.Length - 1)])));
            }

            var sql = "UPDATE work_items SET lease_until = @lease_until, updated_at = @now " +
                $"WHERE id IN ({string.Join(", ", names)}) AND state = 'pending' AND lease_owner = @owner";
            var args = parameters.ToArray();
            renewed += await db.WriteStatementAsync((connection, tx, ct) => Db.ExecuteAsync(connection, tx, sql, ct, args), ct);
        }

        return renewed;
    }

    public async Task<int> ReleaseAsync(string owner, DateTimeOffset now, CancellationToken ct = default)
    {
        // lease_owner stays set: the next claim counts this run as one whose outcome is unknown (see claims).
        return await db.WriteStatementAsync((connection, tx, ct) => Db.ExecuteAsync(connection, tx,
            "UPDATE work_items SET lease_until = @now, updated_at = @now WHERE state = 'pending' AND lease_owner = @owner AND lease_until > @now", ct,
            ("owner", owner), ("now", db.Ts(now))), ct);
    }

    public async Task CompleteAsync(Guid id, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await db.WriteStatementAsync((connection, tx, ct) => Db.ExecuteAsync(connection, tx,
            "UPDATE work_items SET state = 'done', lease_owner = NULL, lease_until = NULL, updated_at = @now WHERE id = @id AND state = 'pending'", ct,
            ("now", db.Ts(now)), ("id", db.Id(id))), ct);
    }

    public async Task FailAsync(Guid id, string error, DateTimeOffset retryAt, bool dead, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await db.WriteStatementAsync((connection, tx, ct) => Db.ExecuteAsync(connection, tx,
            // A dead item gives its dedup key up: the work was never done, so an explicit new attempt (a Lead sending a
            // redirect again after inviting the bot) must not be swallowed as a duplicate.
            "UPDATE work_items SET attempts = attempts + 1, last_error = @error, state = @state, not_before = @retry_at, " +
            "dedup_key = CASE WHEN @state = 'dead' THEN NULL ELSE dedup_key END, " +
            "lease_owner = NULL, lease_until = NULL, updated_at = @now WHERE id = @id AND state = 'pending'", ct,
            ("error", error), ("state", dead ? "dead" : "pending"), ("retry_at", db.Ts(retryAt)), ("now", db.Ts(now)), ("id", db.Id(id))), ct);
    }

    public Task<int> PurgeAsync(DateTimeOffset doneBefore, DateTimeOffset deadBefore, CancellationToken ct = default) =>
        Retention.DeleteInChunksAsync(db, (connection, tx, ct) => Db.ExecuteAsync(connection, tx,
            "DELETE FROM work_items WHERE id IN (SELECT id FROM work_items WHERE state IN ('done', 'dead') " +
            "AND ((state = 'done' AND updated_at < @done_before) OR (state = 'dead' AND updated_at < @dead_before)) LIMIT @chunk)", ct,
            ("done_before", db.Ts(doneBefore)), ("dead_before", db.Ts(deadBefore)), ("chunk", Retention.ChunkSize)), ct);

    public async Task<QueueStats> GetStatsAsync(CancellationToken ct = default)
    {
        await using var lease = await db.OpenReadAsync(ct);
        var connection = lease.Connection;
        var pending = await Db.QueryAsync(connection, null,
            "SELECT COUNT(*), MIN(created_at) FROM work_items WHERE state = 'pending'",
            r => (Count: Db.ReadInt(r, 0), Oldest: db.ReadNullableTs(r, 1)), ct);
        var dead = await Db.ScalarAsync(connection, null, "SELECT COUNT(*) FROM work_items WHERE state = 'dead'", ct);
        return new QueueStats(pending[0].Count, pending[0].Oldest, Convert.ToInt32(dead, System.Globalization.CultureInfo.InvariantCulture));
    }

    private WorkItem MapClaimed(DbDataReader r) => Map(r) with { PreviousClaims = Math.Max(0, Db.ReadInt(r, 8) - 1) };

    private WorkItem Map(DbDataReader r) => new(
        Id: db.ReadId(r, 0),
        Tenant: r.GetString(1),
        Kind: r.GetString(2),
        PayloadJson: r.GetString(3),
        Attempts: Db.ReadInt(r, 4),
        NotBefore: db.ReadTs(r, 5),
        CreatedAt: db.ReadTs(r, 6),
        DedupKey: Db.ReadNullableString(r, 7));
}

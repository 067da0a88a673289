using System.Data.Common;
using TriageBot.Engine.Ports;

namespace TriageBot.Storage.Internal;

internal sealed class TimeLedger(Db db, TimeProvider time) : ITimeLedger
{
    private const string Columns = "tenant, id, lead_id, request_id, minutes, kind, is_estimate, topic_id, requester_id, at, note";

    public async Task AddAsync(TimeEntry entry, CancellationToken ct = default)
    {
        if (entry.Minutes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(entry), entry.Minutes, "Time entry minutes must be positive.");
        }

        var touchedAt = time.GetUtcNow();
        await db.WriteAsync(async (connection, tx, ct) =>
        {
            await Tenants.TouchAsync(db, connection, tx, entry.Tenant, touchedAt, ct);
            try
            {
                await Db.ExecuteAsync(connection, tx,
                    $"INSERT INTO time_entries ({Columns}) VALUES (@tenant, @id, @lead_id, @request_id, @minutes, @kind, @is_estimate, @topic_id, @requester_id, @at, @note)",
                    ct,
                    ("tenant", entry.Tenant),
                    ("id", db.Id(entry.Id)),
                    ("lead_id", entry.LeadId),
                    ("request_id", db.Id(entry.RequestId)),
                    ("minutes", entry.Minutes),
                    ("kind", entry.Kind.ToString()),
                    ("is_estimate", entry.IsEstimate),
                    ("topic_id", entry.TopicId),
                    ("requester_id", entry.RequesterId),
                    ("at", db.Ts(entry.At)),
                    ("note", entry.Note));
            }
            catch (Exception e) when (db.IsUniqueViolation(e))
            {
                throw new StorageConflictException($"Time entry {entry.Id} already exists in tenant '{entry.Tenant}'.", e);
            }

            return true;
        }, ct);
        Tenants.Committed(db, entry.Tenant);
    }

    public async Task<IReadOnlyList<TimeEntry>> ListForLeadAsync(string tenant, string leadId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken ct = default)
    {
        await using var lease = await db.OpenReadAsync(ct);
        var connection = lease.Connection;
        return await Db.QueryAsync(connection, null,
            $"SELECT {Columns} FROM time_entries WHERE tenant = @tenant AND lead_id = @lead AND at >= @from AND at < @to ORDER BY at, id",
            Map, ct, ("tenant", tenant), ("lead", leadId), ("from", db.Ts(fromUtc)), ("to", db.Ts(toUtc)));
    }

    public async Task<IReadOnlyDictionary<string, int>> LoggedMinutesByLeadAsync(string tenant, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken ct = default)
    {
        await using var lease = await db.OpenReadAsync(ct);
        var connection = lease.Connection;
        var rows = await Db.QueryAsync(connection, null,
            "SELECT lead_id, SUM(minutes) FROM time_entries WHERE tenant = @tenant AND at >= @from AND at < @to AND is_estimate = @estimate GROUP BY lead_id",
            r => (Lead: r.GetString(0), Minutes: Db.ReadInt(r, 1)), ct,
            ("tenant", tenant), ("from", db.Ts(fromUtc)), ("to", db.Ts(toUtc)), ("estimate", false));
        return rows.ToDictionary(r => r.Lead, r => r.Minutes, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<string>> ListTenantsForLeadAsync(string leadId, CancellationToken ct = default)
    {
        await using var lease = await db.OpenReadAsync(ct);
        var connection = lease.Connection;
        // One probe per known tenant on the (tenant, lead_id, at) index instead of a scan of every entry.
        var tenants = await Db.QueryAsync(connection, null,
            "SELECT t.tenant FROM tenants t WHERE EXISTS (SELECT 1 FROM time_entries e WHERE e.tenant = t.tenant AND e.lead_id = @lead)",
            r => r.GetString(0), ct, ("lead", leadId));
        // Sorted here: PostgreSQL's ORDER BY follows the database collation, not ordinal order.
        return [.. tenants.Order(StringComparer.Ordinal)];
    }

    private TimeEntry Map(DbDataReader r) => new(
        Id: db.ReadId(r, 1),
        Tenant: r.GetString(0),
        LeadId: r.GetString(2),
        RequestId: db.ReadNullableId(r, 3),
        Minutes: Db.ReadInt(r, 4),
        Kind: Db.ReadEnum<HelpKind>(r, 5),
        IsEstimate: r.GetBoolean(6),
        TopicId: Db.ReadNullableString(r, 7),
        RequesterId: Db.ReadNullableString(r, 8),
        At: db.ReadTs(r, 9),
        Note: Db.ReadNullableString(r, 10));
}

internal sealed class EventDeduplicator(Db db) : IEventDeduplicator
{
    public async Task<bool> TryMarkProcessedAsync(string tenant, string eventId, DateTimeOffset at, CancellationToken ct = default)
    {
        // One atomic statement: the primary key decides the single winner, across connections and processes.
        var inserted = await db.WriteStatementAsync((connection, tx, ct) => Db.ExecuteAsync(connection, tx,
            "INSERT INTO processed_events (tenant, event_id, processed_at) VALUES (@tenant, @event, @at) ON CONFLICT (tenant, event_id) DO NOTHING", ct,
            ("tenant", tenant), ("event", eventId), ("at", db.Ts(at))), ct);
        return inserted == 1;
    }

    public async Task<EventClaim> TryClaimAsync(string tenant, string eventId, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct = default)
    {
        // Insert a claim, or take over one whose lease ran out; a done row (lease NULL) or a live claim is left alone.
        // One atomic statement (autocommit on PostgreSQL: one round trip, no BEGIN/COMMIT): RETURNING yields a row only
        // when this delivery wrote the claim. Only when it did not (a duplicate, rare) is the row read to tell which
        // case it was: a fresh statement, so it sees the other delivery's claim once that has committed.
        var claimed = await db.WriteStatementAsync((connection, tx, ct) => Db.QueryAsync(connection, tx,
            "INSERT INTO processed_events (tenant, event_id, processed_at, lease_until) VALUES (@tenant, @event, @now, @lease) " +
            "ON CONFLICT (tenant, event_id) DO UPDATE SET processed_at = excluded.processed_at, lease_until = excluded.lease_until " +
            "WHERE processed_events.lease_until IS NOT NULL AND processed_events.lease_until <= @now RETURNING 1",
            _ => true, ct,
            ("tenant", tenant), ("event", eventId), ("now", db.Ts(now)), ("lease", db.Ts(leaseUntil))), ct);
        if (claimed.Count == 1)
        {
            return EventClaim.Claimed;
        }

        await using var lease = await db.OpenReadAsync(ct);
        var rows = await Db.QueryAsync(lease.Connection, null,
            "SELECT lease_until FROM processed_events WHERE tenant = @tenant AND event_id = @event",
            r => db.ReadNullableTs(r, 0), ct, ("tenant", tenant), ("event", eventId));
        // No row any more: the other delivery failed and gave its claim back between the two statements; ask for a retry
        // (409) rather than swallowing the event as done.
        return rows.Count == 0 || rows[0] is not null ? EventClaim.InProgress : EventClaim.Done;
    }

    // Both act only on the caller's own claim (its lease value), never on a later delivery's takeover.
    public Task CompleteAsync(string tenant, string eventId, DateTimeOffset leaseUntil, DateTimeOffset at, CancellationToken ct = default) =>
        db.WriteStatementAsync((connection, tx, ct) => Db.ExecuteAsync(connection, tx,
            "UPDATE processed_events SET lease_until = NULL, processed_at = @at WHERE tenant = @tenant AND event_id = @event AND lease_until = @lease", ct,
            ("at", db.Ts(at)), ("tenant", tenant), ("event", eventId), ("lease", db.Ts(leaseUntil))), ct);

    public Task ReleaseAsync(string tenant, string eventId, DateTimeOffset leaseUntil, CancellationToken ct = default) =>
        db.WriteStatementAsync((connection, tx, ct) => Db.ExecuteAsync(connection, tx,
            "DELETE FROM processed_events WHERE tenant = @tenant AND event_id = @event AND lease_until = @lease", ct,
            ("tenant", tenant), ("event", eventId), ("lease", db.Ts(leaseUntil))), ct);

    public Task<int> PurgeAsync(DateTimeOffset olderThanUtc, CancellationToken ct = default) =>
        Retention.DeleteInChunksAsync(db, (connection, tx, ct) => Db.ExecuteAsync(connection, tx,
            "DELETE FROM processed_events WHERE (tenant, event_id) IN " +
            "(SELECT tenant, event_id FROM processed_events WHERE processed_at < @before LIMIT @chunk)", ct,
            ("before", db.Ts(olderThanUtc)), ("chunk", Retention.ChunkSize)), ct);
}

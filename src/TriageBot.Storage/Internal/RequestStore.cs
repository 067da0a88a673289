using System.Data.Common;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ports;

namespace TriageBot.Storage.Internal;

internal sealed class RequestStore(Db db, TimeProvider time) : IRequestStore
{
    private const string Columns =
        "tenant, id, platform, channel, message_ref, message_link, requester_id, requester_name, lead_id, text, received_at, topic_id, status, owner_type, owner_id, updated_at";

    private const string DecisionColumns = "request_id, version, decision_json, overrides_json, created_at";

    public async Task AddAsync(RequestRecord request, DecisionRecord decision, CancellationToken ct = default)
    {
        if (decision.RequestId != request.Id)
        {
            throw new ArgumentException("The decision belongs to another request.", nameof(decision));
        }

        if (decision.Version != 1)
        {
            throw new ArgumentException("The first decision of a request must be version 1.", nameof(decision));
        }

        // Everything that can be computed (ids, timestamps, the decision's JSON) is done here, on the caller's thread,
        // so the SQLite single writer only binds and steps.
        var touchedAt = time.GetUtcNow();
        (string, object?)[] requestRow =
        [
            ("tenant", request.Tenant),
            ("id", db.Id(request.Id)),
            ("platform", request.Platform.ToString()),
            ("channel", request.Channel),
            ("message_ref", request.MessageRef),
            ("message_link", request.MessageLink),
            ("requester_id", request.RequesterId),
            ("requester_name", request.RequesterName),
            ("lead_id", request.LeadId),
            ("text", request.Text),
            ("received_at", db.Ts(request.ReceivedAt)),
            ("topic_id", request.TopicId),
            ("status", request.Status.ToString()),
            ("owner_type", request.OwnerType?.ToString()),
            ("owner_id", request.OwnerId),
            ("updated_at", db.Ts(request.UpdatedAt)),
        ];
        var decisionRow = DecisionRow(request.Tenant, decision);

        // One atomic write, one round trip on PostgreSQL: the tenant (first time only), the request, its first decision.
        var statements = new List<(string, (string, object?)[])>(3);
        if (Tenants.Statement(db, request.Tenant, touchedAt) is { } touch)
        {
            statements.Add(touch);
        }

        statements.Add((
            $"INSERT INTO requests ({Columns}) VALUES (@tenant, @id, @platform, @channel, @message_ref, @message_link, @requester_id, @requester_name, @lead_id, @text, @received_at, @topic_id, @status, @owner_type, @owner_id, @updated_at)",
            requestRow));
        statements.Add((InsertDecisionSql, decisionRow));
        try
        {
            await db.WriteBatchAsync(statements, ct);
        }
        catch (Exception e) when (db.IsUniqueViolation(e))
        {
            // The request is new, so its first decision can only collide through the request itself.
            throw new StorageConflictException($"Request {request.Id} already exists in tenant '{request.Tenant}'.", e);
        }

        Tenants.Committed(db, request.Tenant);
    }

    public async Task<RequestRecord?> GetAsync(string tenant, Guid requestId, CancellationToken ct = default)
    {
        await using var lease = await db.OpenReadAsync(ct);
        var connection = lease.Connection;
        var rows = await Db.QueryAsync(connection, null,
            $"SELECT {Columns} FROM requests WHERE tenant = @tenant AND id = @id", MapRequest, ct,
            ("tenant", tenant), ("id", db.Id(requestId)));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<DecisionRecord?> GetLatestDecisionAsync(string tenant, Guid requestId, CancellationToken ct = default)
    {
        await using var lease = await db.OpenReadAsync(ct);
        var connection = lease.Connection;
        var rows = await Db.QueryAsync(connection, null,
            $"SELECT {DecisionColumns} FROM decisions WHERE tenant = @tenant AND request_id = @id ORDER BY version DESC LIMIT 1", MapDecision, ct,
            ("tenant", tenant), ("id", db.Id(requestId)));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<DecisionRecord>> GetDecisionsAsync(string tenant, Guid requestId, CancellationToken ct = default)
    {
        await using var lease = await db.OpenReadAsync(ct);
        var connection = lease.Connection;
        return await Db.QueryAsync(connection, null,
            $"SELECT {DecisionColumns} FROM decisions WHERE tenant = @tenant AND request_id = @id ORDER BY version", MapDecision, ct,
            ("tenant", tenant), ("id", db.Id(requestId)));
    }

    public async Task AddDecisionAsync(string tenant, DecisionRecord decision, CancellationToken ct = default)
    {
        var decisionRow = DecisionRow(tenant, decision);
        await db.WriteAsync(async (connection, tx, ct) =>
        {
            var exists = await Db.ScalarAsync(connection, tx,
                "SELECT 1 FROM requests WHERE tenant = @tenant AND id = @id", ct, ("tenant", tenant), ("id", db.Id(decision.RequestId)));
            if (exists is null)
            {
                throw new KeyNotFoundException($"Request {decision.RequestId} does not exist in tenant '{tenant}'.");
            }

            var latest = await Db.ScalarAsync(connection, tx,
                "SELECT MAX(version) FROM decisions WHERE tenant = @tenant AND request_id = @id", ct, ("tenant", tenant), ("id", db.Id(decision.RequestId)));
            var next = latest is null ? 1 : Convert.ToInt32(latest, System.Globalization.CultureInfo.InvariantCulture) + 1;
            if (decision.Version != next)
            {
                throw new StorageConflictException($"Decision version {decision.Version} of request {decision.RequestId} is not the next one ({next}).");
            }

            await InsertDecisionAsync(connection, tx, decision, decisionRow, ct);
            return true;
        }, ct);
    }

    public async Task UpdateStatusAsync(string tenant, Guid requestId, RequestStatus status, OwnerType? ownerType, string? ownerId, DateTimeOffset at, CancellationToken ct = default)
    {
        var changed = await db.WriteStatementAsync((connection, tx, ct) => Db.ExecuteAsync(connection, tx,
            "UPDATE requests SET status = @status, owner_type = @owner_type, owner_id = @owner_id, updated_at = @at WHERE tenant = @tenant AND id = @id", ct,
            ("status", status.ToString()), ("owner_type", ownerType?.ToString()), ("owner_id", ownerId), ("at", db.Ts(at)),
            ("tenant", tenant), ("id", db.Id(requestId))), ct);
        if (changed == 0)
        {
            throw new KeyNotFoundException($"Request {requestId} does not exist in tenant '{tenant}'.");
        }
    }

    public async Task<IReadOnlyList<RequestRecord>> ListForLeadAsync(string tenant, string leadId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken ct = default)
    {
        await using var lease = await db.OpenReadAsync(ct);
        var connection = lease.Connection;
        return await Db.QueryAsync(connection, null,
            $"SELECT {Columns} FROM requests WHERE tenant = @tenant AND lead_id = @lead AND received_at >= @from AND received_at < @to ORDER BY received_at, id",
            MapRequest, ct, ("tenant", tenant), ("lead", leadId), ("from", db.Ts(fromUtc)), ("to", db.Ts(toUtc)));
    }

    public async Task<IReadOnlyList<RequestRecord>> ListByStatusAsync(string tenant, string leadId, RequestStatus status, int limit, CancellationToken ct = default)
    {
        if (limit <= 0)
        {
            return [];
        }

        await using var lease = await db.OpenReadAsync(ct);
        var connection = lease.Connection;
        return await Db.QueryAsync(connection, null,
            $"SELECT {Columns} FROM requests WHERE tenant = @tenant AND lead_id = @lead AND status = @status ORDER BY received_at DESC, id DESC LIMIT @limit",
            MapRequest, ct, ("tenant", tenant), ("lead", leadId), ("status", status.ToString()), ("limit", limit));
    }

    public async Task<int> CountTopicForLeadAsync(string tenant, string leadId, string topicId, DateTimeOffset fromUtc, DateTimeOffset toUtc, int atMost, CancellationToken ct = default)
    {
        if (atMost <= 0)
        {
            return 0;
        }

        await using var lease = await db.OpenReadAsync(ct);
        var connection = lease.Connection;
        // The LIMIT inside bounds the index range scan (ix_requests_lead_topic_received) to atMost entries.
        var count = await Db.ScalarAsync(connection, null,
            "SELECT COUNT(*) FROM (SELECT 1 FROM requests WHERE tenant = @tenant AND lead_id = @lead AND topic_id = @topic " +
            "AND received_at >= @from AND received_at < @to LIMIT @at_most) AS capped", ct,
            ("tenant", tenant), ("lead", leadId), ("topic", topicId), ("from", db.Ts(fromUtc)), ("to", db.Ts(toUtc)), ("at_most", atMost));
        return Convert.ToInt32(count, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyDictionary<string, int>> CountRedirectsByOwnerAsync(string tenant, DateTimeOffset sinceUtc, CancellationToken ct = default)
    {
        await using var lease = await db.OpenReadAsync(ct);
        var connection = lease.Connection;
        // The redirect moment is the status change (updated_at).
        var rows = await Db.QueryAsync(connection, null,
            "SELECT owner_id, COUNT(*) FROM requests WHERE tenant = @tenant AND status = @status AND owner_type = @person AND owner_id IS NOT NULL AND updated_at >= @since GROUP BY owner_id",
            r => (Owner: r.GetString(0), Count: Db.ReadInt(r, 1)), ct,
            ("tenant", tenant), ("status", nameof(RequestStatus.Redirected)), ("person", nameof(OwnerType.Person)), ("since", db.Ts(sinceUtc)));
        return rows.ToDictionary(r => r.Owner, r => r.Count, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<string>> ListTenantsForLeadAsync(string leadId, CancellationToken ct = default)
    {
        await using var lease = await db.OpenReadAsync(ct);
        var connection = lease.Connection;
        // One probe per known tenant on the (tenant, lead_id, …) index instead of a scan of every request.
        var tenants = await Db.QueryAsync(connection, null,
            "SELECT t.tenant FROM tenants t WHERE EXISTS (SELECT 1 FROM requests r WHERE r.tenant = t.tenant AND r.lead_id = @lead)",
            r => r.GetString(0), ct, ("lead", leadId));
        // Sorted here: PostgreSQL's ORDER BY follows the database collation, not ordinal order.
        return [.. tenants.Order(StringComparer.Ordinal)];
    }

    private const string InsertDecisionSql =
        "INSERT INTO decisions (tenant, request_id, version, outcome, rule, policy_version, decision_json, overrides_json, created_at) " +
        "VALUES (@tenant, @request_id, @version, @outcome, @rule, @policy_version, @decision_json, @overrides_json, @created_at)";

    private (string, object?)[] DecisionRow(string tenant, DecisionRecord decision) =>
    [
        ("tenant", tenant),
        ("request_id", db.Id(decision.RequestId)),
        ("version", decision.Version),
        ("outcome", decision.Decision.Outcome.ToString()),
        ("rule", decision.Decision.Rule),
        ("policy_version", decision.Decision.PolicyVersion),
        ("decision_json", DecisionJson.Serialize(decision.Decision)),
        ("overrides_json", DecisionJson.SerializeOverrides(decision.Overrides)),
        ("created_at", db.Ts(decision.CreatedAt)),
    ];

    private async Task InsertDecisionAsync(DbConnection connection, DbTransaction tx, DecisionRecord decision, (string, object?)[] row, CancellationToken ct)
    {
        try
        {
            await Db.ExecuteAsync(connection, tx, InsertDecisionSql, ct, row);
        }
        catch (Exception e) when (db.IsUniqueViolation(e))
        {
            throw new StorageConflictException($"Decision version {decision.Version} of request {decision.RequestId} already exists.", e);
        }
    }

    private RequestRecord MapRequest(DbDataReader r) => new(
        Id: db.ReadId(r, 1),
        Tenant: r.GetString(0),
        Platform: Db.ReadEnum<Platform>(r, 2),
        Channel: r.GetString(3),
        MessageRef: Db.ReadNullableString(r, 4),
        MessageLink: Db.ReadNullableString(r, 5),
        RequesterId: r.GetString(6),
        RequesterName: r.GetString(7),
        LeadId: r.GetString(8),
        Text: r.GetString(9),
        ReceivedAt: db.ReadTs(r, 10),
        TopicId: Db.ReadNullableString(r, 11),
        Status: Db.ReadEnum<RequestStatus>(r, 12),
        OwnerType: Db.ReadNullableEnum<OwnerType>(r, 13),
        OwnerId: Db.ReadNullableString(r, 14),
        UpdatedAt: db.ReadTs(r, 15));

    private DecisionRecord MapDecision(DbDataReader r) => new(
        RequestId: db.ReadId(r, 0),
        Version: Db.ReadInt(r, 1),
        Decision: DecisionJson.Deserialize(r.GetString(2)),
        Overrides: DecisionJson.DeserializeOverrides(r.GetString(3)),
        CreatedAt: db.ReadTs(r, 4));
}

/// <summary>The tenants that have had activity (requests, time entries, installations), for the digest scheduler.</summary>
internal static class Tenants
{
    /// <summary>Records the tenant in the transaction of its first write, unless this process has already seen it committed.</summary>
    public static Task TouchAsync(Db db, DbConnection connection, DbTransaction? tx, string tenant, DateTimeOffset at, CancellationToken ct) =>
        db.KnownTenants.ContainsKey(tenant)
            ? Task.CompletedTask
            : Db.ExecuteAsync(connection, tx,
                "INSERT INTO tenants (tenant, first_seen_at) VALUES (@tenant, @at) ON CONFLICT (tenant) DO NOTHING", ct,
                ("tenant", tenant), ("at", db.Ts(at)));

    /// <summary>The statement that records the tenant, for a batch; null when this process has seen it committed.</summary>
    public static (string Sql, (string Name, object? Value)[] Parameters)? Statement(Db db, string tenant, DateTimeOffset at) =>
        db.KnownTenants.ContainsKey(tenant)
            ? null
            : ("INSERT INTO tenants (tenant, first_seen_at) VALUES (@tenant, @at) ON CONFLICT (tenant) DO NOTHING", [("tenant", tenant), ("at", db.Ts(at))]);

    /// <summary>Called after a write that touched the tenant has committed: its row exists (tenant rows are never deleted).</summary>
    public static void Committed(Db db, string tenant) => db.KnownTenants.TryAdd(tenant, 0);
}

using System.Data.Common;
using System.Globalization;
using TriageBot.Engine.Ports;

namespace TriageBot.Storage.Internal;

internal sealed class InstallationStore(Db db, TimeProvider time) : IInstallationStore
{
    private const string Columns = "tenant, platform, bot_user_id, protected_token, installed_by, installed_at, metadata_json";

    public async Task SaveAsync(Installation installation, CancellationToken ct = default)
    {
        var touchedAt = time.GetUtcNow();
        await db.WriteAsync(async (connection, tx, ct) =>
        {
            await Tenants.TouchAsync(db, connection, tx, installation.Tenant, touchedAt, ct);
            return await Db.ExecuteAsync(connection, tx,
                $"INSERT INTO installations ({Columns}) VALUES (@tenant, @platform, @bot_user_id, @token, @installed_by, @installed_at, @metadata) " +
                "ON CONFLICT (tenant) DO UPDATE SET platform = excluded.platform, bot_user_id = excluded.bot_user_id, protected_token = excluded.protected_token, " +
                "installed_by = excluded.installed_by, installed_at = excluded.installed_at, metadata_json = excluded.metadata_json",
                ct,
                ("tenant", installation.Tenant),
                ("platform", installation.Platform.ToString()),
                ("bot_user_id", installation.BotUserId),
                ("token", installation.ProtectedToken),
                ("installed_by", installation.InstalledBy),
                ("installed_at", db.Ts(installation.InstalledAt)),
                ("metadata", installation.MetadataJson));
        }, ct);
        Tenants.Committed(db, installation.Tenant);
    }

    public async Task<Installation?> GetAsync(string tenant, CancellationToken ct = default)
    {
        await using var lease = await db.OpenReadAsync(ct);
        var connection = lease.Connection;
        var rows = await Db.QueryAsync(connection, null, $"SELECT {Columns} FROM installations WHERE tenant = @tenant", Map, ct, ("tenant", tenant));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task DeleteAsync(string tenant, CancellationToken ct = default)
    {
        await db.WriteStatementAsync((connection, tx, ct) =>
            Db.ExecuteAsync(connection, tx, "DELETE FROM installations WHERE tenant = @tenant", ct, ("tenant", tenant)), ct);
    }

    public async Task<IReadOnlyList<Installation>> ListAsync(CancellationToken ct = default)
    {
        await using var lease = await db.OpenReadAsync(ct);
        var connection = lease.Connection;
        return await Db.QueryAsync(connection, null, $"SELECT {Columns} FROM installations ORDER BY tenant", Map, ct);
    }

    private Installation Map(DbDataReader r) => new(
        Tenant: r.GetString(0),
        Platform: Db.ReadEnum<Platform>(r, 1),
        BotUserId: Db.ReadNullableString(r, 2),
        ProtectedToken: Db.ReadNullableString(r, 3),
        InstalledBy: Db.ReadNullableString(r, 4),
        InstalledAt: db.ReadTs(r, 5),
        MetadataJson: Db.ReadNullableString(r, 6));
}

internal sealed class ConversationReferenceStore(Db db) : IConversationReferenceStore
{
    private const string Columns = "tenant, user_key, person_id, reference_json, blocked, updated_at";

    public async Task SaveAsync(ConversationReference reference, CancellationToken ct = default)
    {
        // Saving means the user reached us again, so any earlier block is cleared.
        await db.WriteStatementAsync((connection, tx, ct) => Db.ExecuteAsync(connection, tx,
            $"INSERT INTO conversation_refs ({Columns}) VALUES (@tenant, @user_key, @person_id, @reference, @blocked, @updated_at) " +
            "ON CONFLICT (tenant, user_key) DO UPDATE SET person_id = excluded.person_id, reference_json = excluded.reference_json, " +
            "blocked = excluded.blocked, updated_at = excluded.updated_at",
            ct,
            ("tenant", reference.Tenant),
            ("user_key", reference.UserKey),
            ("person_id", reference.PersonId),
            ("reference", reference.ReferenceJson),
            ("blocked", false),
            ("updated_at", db.Ts(reference.UpdatedAt))), ct);
    }

    public async Task<ConversationReference?> GetAsync(string tenant, string userKey, CancellationToken ct = default)
    {
        await using var lease = await db.OpenReadAsync(ct);
        var connection = lease.Connection;
        var rows = await Db.QueryAsync(connection, null,
            $"SELECT {Columns} FROM conversation_refs WHERE tenant = @tenant AND user_key = @user_key", Map, ct,
            ("tenant", tenant), ("user_key", userKey));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<ConversationReference?> FindByPersonAsync(string tenant, string personId, CancellationToken ct = default)
    {
        await using var lease = await db.OpenReadAsync(ct);
        var connection = lease.Connection;
        // A person may have several platform keys; the most recently refreshed one wins.
        var rows = await Db.QueryAsync(connection, null,
            $"SELECT {Columns} FROM conversation_refs WHERE tenant = @tenant AND person_id = @person ORDER BY updated_at DESC, user_key LIMIT 1", Map, ct,
            ("tenant", tenant), ("person", personId));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task MarkBlockedAsync(string tenant, string userKey, DateTimeOffset at, CancellationToken ct = default)
    {
        await db.WriteStatementAsync((connection, tx, ct) => Db.ExecuteAsync(connection, tx,
            "UPDATE conversation_refs SET blocked = @blocked, updated_at = @at WHERE tenant = @tenant AND user_key = @user_key", ct,
            ("blocked", true), ("at", db.Ts(at)), ("tenant", tenant), ("user_key", userKey)), ct);
    }

    private ConversationReference Map(DbDataReader r) => new(
        Tenant: r.GetString(0),
        UserKey: r.GetString(1),
        PersonId: Db.ReadNullableString(r, 2),
        ReferenceJson: r.GetString(3),
        Blocked: r.GetBoolean(4),
        UpdatedAt: db.ReadTs(r, 5));
}

internal sealed class LeadSettingsStore(Db db) : ILeadSettingsStore
{
    private const string Columns = "tenant, lead_id, budget_hours, digest_day, digest_time, time_zone";

    public async Task<LeadSettings?> GetAsync(string tenant, string leadId, CancellationToken ct = default)
    {
        await using var lease = await db.OpenReadAsync(ct);
        var connection = lease.Connection;
        var rows = await Db.QueryAsync(connection, null,
            $"SELECT {Columns} FROM lead_settings WHERE tenant = @tenant AND lead_id = @lead", Map, ct, ("tenant", tenant), ("lead", leadId));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task SaveAsync(LeadSettings settings, CancellationToken ct = default)
    {
        await db.WriteStatementAsync((connection, tx, ct) => Db.ExecuteAsync(connection, tx,
            $"INSERT INTO lead_settings ({Columns}) VALUES (@tenant, @lead, @budget, @day, @time, @zone) " +
            "ON CONFLICT (tenant, lead_id) DO UPDATE SET budget_hours = excluded.budget_hours, digest_day = excluded.digest_day, " +
            "digest_time = excluded.digest_time, time_zone = excluded.time_zone",
            ct,
            ("tenant", settings.Tenant),
            ("lead", settings.LeadId),
            ("budget", settings.BudgetHours),
            ("day", settings.DigestDay?.ToString()),
            // "O": HH:mm:ss.fffffff, lossless and readable.
            ("time", settings.DigestTime?.ToString("O", CultureInfo.InvariantCulture)),
            ("zone", settings.TimeZone)), ct);
    }

    private static LeadSettings Map(DbDataReader r) => new(
        Tenant: r.GetString(0),
        LeadId: r.GetString(1),
        BudgetHours: r.IsDBNull(2) ? null : r.GetDouble(2),
        DigestDay: Db.ReadNullableEnum<DayOfWeek>(r, 3),
        DigestTime: r.IsDBNull(4) ? null : TimeOnly.ParseExact(r.GetString(4), "O", CultureInfo.InvariantCulture),
        TimeZone: Db.ReadNullableString(r, 5));
}

/// <summary>
/// Exactly-once digest delivery per (tenant, lead, ISO week). The claim is one atomic upsert: it inserts a Claimed
/// row, or takes over a Failed row or a Claimed row whose lease expired; Sent and Skipped rows are never claimed again.
/// The primary key plus the conditional DO UPDATE make one caller win across processes on both providers.
/// </summary>
internal sealed class DigestDeliveryStore(Db db) : IDigestDeliveryStore
{
    public async Task<bool> TryClaimAsync(string tenant, string leadId, string isoWeek, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct = default)
    {
        var changed = await db.WriteStatementAsync((connection, tx, ct) => Db.ExecuteAsync(connection, tx,
            "INSERT INTO digest_deliveries (tenant, lead_id, week, status, owner, lease_until, claims, claimed_at, completed_at, detail) " +
            "VALUES (@tenant, @lead, @week, 'Claimed', @owner, @lease_until, 1, @now, NULL, NULL) " +
            "ON CONFLICT (tenant, lead_id, week) DO UPDATE SET status = 'Claimed', owner = excluded.owner, lease_until = excluded.lease_until, " +
            "claims = digest_deliveries.claims + 1, claimed_at = excluded.claimed_at, completed_at = NULL " +
            "WHERE digest_deliveries.status = 'Failed' OR (digest_deliveries.status = 'Claimed' AND digest_deliveries.lease_until <= @now)",
            ct,
            ("tenant", tenant), ("lead", leadId), ("week", isoWeek), ("owner", owner), ("lease_until", db.Ts(leaseUntil)), ("now", db.Ts(now))), ct);
        return changed == 1;
    }

    public async Task CompleteAsync(string tenant, string leadId, string isoWeek, DigestDeliveryStatus status, string? detail, DateTimeOffset at, CancellationToken ct = default)
    {
        if (status == DigestDeliveryStatus.Claimed)
        {
            throw new ArgumentException("Complete with Sent, Skipped or Failed; Claimed is set by TryClaimAsync.", nameof(status));
        }

        await db.WriteStatementAsync((connection, tx, ct) => Db.ExecuteAsync(connection, tx,
            "INSERT INTO digest_deliveries (tenant, lead_id, week, status, owner, lease_until, claims, claimed_at, completed_at, detail) " +
            "VALUES (@tenant, @lead, @week, @status, NULL, NULL, 0, NULL, @at, @detail) " +
            "ON CONFLICT (tenant, lead_id, week) DO UPDATE SET status = excluded.status, lease_until = NULL, completed_at = excluded.completed_at, detail = excluded.detail",
            ct,
            ("tenant", tenant), ("lead", leadId), ("week", isoWeek), ("status", status.ToString()), ("at", db.Ts(at)), ("detail", detail)), ct);
    }

    public async Task<DigestDeliveryStatus?> GetStatusAsync(string tenant, string leadId, string isoWeek, CancellationToken ct = default)
    {
        await using var lease = await db.OpenReadAsync(ct);
        var connection = lease.Connection;
        var status = (string?)await Db.ScalarAsync(connection, null,
            "SELECT status FROM digest_deliveries WHERE tenant = @tenant AND lead_id = @lead AND week = @week", ct,
            ("tenant", tenant), ("lead", leadId), ("week", isoWeek));
        return status is null ? null : Enum.Parse<DigestDeliveryStatus>(status);
    }

    public async Task<IReadOnlyList<string>> ListActiveTenantsAsync(CancellationToken ct = default)
    {
        await using var lease = await db.OpenReadAsync(ct);
        var connection = lease.Connection;
        // 'tenants' gets a row in the same transaction as a tenant's first request, time entry or installation,
        // so this is the distinct set across those tables without scanning them.
        return await Db.QueryAsync(connection, null, "SELECT tenant FROM tenants ORDER BY tenant", r => r.GetString(0), ct);
    }
}

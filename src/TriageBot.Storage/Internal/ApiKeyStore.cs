using System.Data.Common;
using TriageBot.Engine.Ports;

namespace TriageBot.Storage.Internal;

/// <summary>API keys (hashed), read from the database on every check: no cache, so a revocation holds at once on every replica.</summary>
internal sealed class ApiKeyStore(Db db) : IApiKeyStore
{
    private const string Columns = "key_id, tenant, name, secret_hash, created_at, revoked_at";

    public async Task AddAsync(ApiKeyRecord key, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await db.WriteAsync(async (connection, tx, ct) =>
        {
            try
            {
                await Db.ExecuteAsync(connection, tx,
                    $"INSERT INTO api_keys ({Columns}) VALUES (@key_id, @tenant, @name, @hash, @created_at, @revoked_at)", ct,
                    ("key_id", key.KeyId),
                    ("tenant", key.Tenant),
                    ("name", key.Name),
                    ("hash", key.SecretHash),
                    ("created_at", db.Ts(key.CreatedAt)),
                    ("revoked_at", db.Ts(key.RevokedAt)));
            }
            catch (Exception e) when (db.IsUniqueViolation(e))
            {
                throw new StorageConflictException($"API key {key.KeyId} already exists.", e);
            }

            return true;
        }, ct);
    }

    public async Task<ApiKeyRecord?> FindAsync(string keyId, CancellationToken ct = default)
    {
        await using var lease = await db.OpenReadAsync(ct);
        var rows = await Db.QueryAsync(lease.Connection, null, $"SELECT {Columns} FROM api_keys WHERE key_id = @key_id", Map, ct, ("key_id", keyId));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(string? tenant = null, CancellationToken ct = default)
    {
        await using var lease = await db.OpenReadAsync(ct);
        return tenant is null
            ? await Db.QueryAsync(lease.Connection, null, $"SELECT {Columns} FROM api_keys ORDER BY created_at, key_id", Map, ct)
            : await Db.QueryAsync(lease.Connection, null, $"SELECT {Columns} FROM api_keys WHERE tenant = @tenant ORDER BY created_at, key_id", Map, ct, ("tenant", tenant));
    }

    public async Task<bool> RevokeAsync(string keyId, DateTimeOffset at, CancellationToken ct = default)
    {
        // The first revocation time is kept; a key that exists is reported revoked either way.
        var changed = await db.WriteStatementAsync((connection, tx, ct) => Db.ExecuteAsync(connection, tx,
            "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, @at) WHERE key_id = @key_id", ct,
            ("at", db.Ts(at)), ("key_id", keyId)), ct);
        return changed > 0;
    }

    private ApiKeyRecord Map(DbDataReader r) => new(
        KeyId: r.GetString(0),
        Tenant: r.GetString(1),
        Name: r.GetString(2),
        SecretHash: (byte[])r.GetValue(3),
        CreatedAt: db.ReadTs(r, 4),
        RevokedAt: db.ReadNullableTs(r, 5));
}

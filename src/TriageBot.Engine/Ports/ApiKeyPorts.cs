namespace TriageBot.Engine.Ports;

/// <summary>A stored API key: never the secret itself, only its SHA-256 hash and a public id to find it by.</summary>
/// <param name="KeyId">The public part of the key, unique ("k7f3q9x2m4ab"); shown in lists and logs.</param>
/// <param name="Tenant">The tenant every call made with the key is scoped to ("local", "slack:T…", "teams:…").</param>
/// <param name="Name">A label saying who or what uses it ("jira-automation").</param>
/// <param name="SecretHash">SHA-256 of the key's secret part (32 bytes).</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="RevokedAt">When it was revoked; null while it is valid.</param>
public sealed record ApiKeyRecord(string KeyId, string Tenant, string Name, byte[] SecretHash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    /// <summary>True once revoked.</summary>
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>Stores API keys (hashed). Reads are never cached, so a revocation holds at once on every replica.</summary>
public interface IApiKeyStore
{
    /// <summary>Stores a new key; a key id that already exists throws <see cref="StoreConflictException"/>.</summary>
    Task AddAsync(ApiKeyRecord key, CancellationToken ct = default);

    /// <summary>The key with this id, revoked or not; null when there is none.</summary>
    Task<ApiKeyRecord?> FindAsync(string keyId, CancellationToken ct = default);

    /// <summary>Every key, or a tenant's keys, oldest first.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(string? tenant = null, CancellationToken ct = default);

    /// <summary>Revokes a key; false when there is no such key. Revoking a revoked key keeps its first revocation time and returns true.</summary>
    Task<bool> RevokeAsync(string keyId, DateTimeOffset at, CancellationToken ct = default);
}

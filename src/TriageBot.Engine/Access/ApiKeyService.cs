using System.Security.Cryptography;
using System.Text;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ports;

namespace TriageBot.Engine.Access;

/// <summary>A key just created: the stored record and the full key, which is shown once and never stored.</summary>
/// <param name="Key">The stored record (hash only).</param>
/// <param name="Secret">The full key to hand to the caller ("tbk_&lt;key id&gt;_&lt;secret&gt;").</param>
public sealed record CreatedApiKey(ApiKeyRecord Key, string Secret);

/// <summary>What checking a presented key found.</summary>
public enum ApiKeyStatus
{
    /// <summary>A known, unrevoked key whose secret matches.</summary>
    Valid,

    /// <summary>Malformed, unknown, or a wrong secret.</summary>
    Unknown,

    /// <summary>The right secret of a revoked key.</summary>
    Revoked,
}

/// <summary>The result of checking a presented key.</summary>
/// <param name="Status">Valid, unknown or revoked.</param>
/// <param name="Key">The key, when its secret matched (valid or revoked).</param>
public sealed record ApiKeyCheck(ApiKeyStatus Status, ApiKeyRecord? Key);

/// <summary>
/// Creates, checks, lists and revokes the per-tenant API keys of the HTTP API. A key is <c>tbk_&lt;key id&gt;_&lt;secret&gt;</c>:
/// the key id (12 characters) is public and finds the record; the secret (256 random bits) is stored only as its SHA-256
/// hash and compared in constant time. Nothing is cached: a revoked key fails on the next call, on every replica.
/// </summary>
public sealed class ApiKeyService(IApiKeyStore store, TimeProvider time)
{
    /// <summary>What every key starts with (lets secret scanners and people recognise it).</summary>
    public const string Prefix = "tbk_";

    /// <summary>The longest label.</summary>
    public const int MaxNameLength = 100;

    private const int KeyIdLength = 12;
    private const int SecretBytes = 32;
    private const string KeyIdAlphabet = "abcdefghijkmnpqrstuvwxyz23456789";
    private static readonly byte[] DummyHash = SHA256.HashData("no such key"u8);

    /// <summary>True for a tenant key the bot uses: <c>local</c>, <c>slack:&lt;team or enterprise id&gt;</c> or <c>teams:&lt;tenant id&gt;</c>.</summary>
    /// <param name="tenant">The tenant key.</param>
    public static bool IsValidTenant(string? tenant)
    {
        if (string.IsNullOrEmpty(tenant) || tenant.Length > 200 || tenant.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return false;
        }

        return tenant == "local"
            || (tenant.StartsWith("slack:", StringComparison.Ordinal) && tenant.Length > "slack:".Length)
            || (tenant.StartsWith("teams:", StringComparison.Ordinal) && tenant.Length > "teams:".Length);
    }

    /// <summary>Creates a key for a tenant; the returned secret is the only copy.</summary>
    /// <param name="tenant">See <see cref="IsValidTenant"/>.</param>
    /// <param name="name">A label (who or what uses it).</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<CreatedApiKey> CreateAsync(string tenant, string name, CancellationToken ct = default)
    {
        if (!IsValidTenant(tenant))
        {
            throw new TriageUserException($"\"{Shorten(tenant)}\" is not a tenant: use local, slack:<team id> or teams:<tenant id>.");
        }

        var label = (name ?? string.Empty).Trim();
        if (label.Length == 0 || label.Length > MaxNameLength || label.Any(char.IsControl))
        {
            throw new TriageUserException($"Give the key a name of 1 to {MaxNameLength} characters, e.g. --name jira-automation.");
        }

        for (var attempt = 1; ; attempt++)
        {
            var keyId = RandomKeyId();
            var secret = Base64Url(RandomNumberGenerator.GetBytes(SecretBytes));
            var record = new ApiKeyRecord(keyId, tenant, label, Hash(secret), time.GetUtcNow(), null);
            try
            {
                await store.AddAsync(record, ct).ConfigureAwait(false);
                return new CreatedApiKey(record, $"{Prefix}{keyId}_{secret}");
            }
            catch (StoreConflictException) when (attempt < 3)
            {
                // Two keys drew the same id (about one chance in 10^18): draw again.
            }
        }
    }

    /// <summary>Checks a presented key (the whole <c>tbk_…</c> string).</summary>
    /// <param name="presented">The key as sent.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<ApiKeyCheck> CheckAsync(string? presented, CancellationToken ct = default)
    {
        if (!TryParse(presented, out var keyId, out var secret))
        {
            return new ApiKeyCheck(ApiKeyStatus.Unknown, null);
        }

        var key = await store.FindAsync(keyId, ct).ConfigureAwait(false);
        var hash = Hash(secret);

        // Compare even when there is no such key, so the answer takes as long either way.
        var matches = CryptographicOperations.FixedTimeEquals(hash, key?.SecretHash ?? DummyHash) && key is not null;
        if (!matches)
        {
            return new ApiKeyCheck(ApiKeyStatus.Unknown, null);
        }

        return new ApiKeyCheck(key!.IsRevoked ? ApiKeyStatus.Revoked : ApiKeyStatus.Valid, key);
    }

    /// <summary>Every key (or a tenant's), without secrets.</summary>
    /// <param name="tenant">A tenant, or null for all.</param>
    /// <param name="ct">Cancellation.</param>
    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(string? tenant = null, CancellationToken ct = default) => store.ListAsync(tenant, ct);

    /// <summary>Revokes a key by its id (or by the whole key, whose id is read from it); false when there is no such key.</summary>
    /// <param name="keyId">The key id.</param>
    /// <param name="ct">Cancellation.</param>
    public Task<bool> RevokeAsync(string keyId, CancellationToken ct = default)
    {
        var id = TryParse(keyId, out var parsed, out _) ? parsed : (keyId ?? string.Empty).Trim();
        return id.Length == 0 ? Task.FromResult(false) : store.RevokeAsync(id, time.GetUtcNow(), ct);
    }

    /// <summary>The key id of a presented key, for logs (never the secret); null when it is not a key.</summary>
    /// <param name="presented">The key as sent.</param>
    public static string? KeyIdOf(string? presented) => TryParse(presented, out var keyId, out _) ? keyId : null;

    private static bool TryParse(string? presented, out string keyId, out string secret)
    {
        keyId = secret = string.Empty;
        var text = presented?.Trim();
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal) || text.Length != Prefix.Length + KeyIdLength + 1 + 43
            || text[Prefix.Length + KeyIdLength] != '_')
        {
            return false;
        }

        keyId = text.Substring(Prefix.Length, KeyIdLength);
        secret = text[(Prefix.Length + KeyIdLength + 1)..];
        return keyId.All(c => KeyIdAlphabet.Contains(c, StringComparison.Ordinal));
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string RandomKeyId()
    {
        var chars = new char[KeyIdLength];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = KeyIdAlphabet[RandomNumberGenerator.GetInt32(KeyIdAlphabet.Length)];
        }

        return new string(chars);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Shorten(string? value) => value is null ? "" : value.Length > 40 ? value[..40] + "…" : value;
}

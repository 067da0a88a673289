using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace TriageBot.Teams.Auth;

/// <summary>A channel signing key with the channels it is endorsed for (null when the JWKS entry has no <c>endorsements</c>).</summary>
/// <param name="Key">The key.</param>
/// <param name="Endorsements">Endorsed channel ids, or null.</param>
public sealed record EndorsedKey(JsonWebKey Key, IReadOnlyList<string>? Endorsements);

/// <summary>
/// Fetches the Bot Framework OpenID metadata and its JWKS, and caches the keys. Refreshes at least daily and on an unknown
/// <c>kid</c> (at most hourly). Endorsements are read from the raw JWKS JSON because <see cref="JsonWebKey"/> drops them.
/// </summary>
public sealed class OpenIdKeyProvider : IDisposable
{
    /// <summary>Keys older than this are refreshed before use.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromHours(24);

    /// <summary>An unknown kid refreshes the keys at most this often.</summary>
    public static readonly TimeSpan UnknownKidRefreshInterval = TimeSpan.FromHours(1);

    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger<OpenIdKeyProvider> _logger;
    private readonly string _metadataUrl;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Dictionary<string, EndorsedKey> _keys = new(StringComparer.Ordinal);
    private DateTimeOffset? _fetchedAt;

    public OpenIdKeyProvider(HttpClient http, IOptions<TeamsOptions> options, TimeProvider time, ILogger<OpenIdKeyProvider> logger)
    {
        _http = http;
        _time = time;
        _logger = logger;
        _metadataUrl = options.Value.OpenIdMetadataUrl;
    }

    /// <summary>How many times the keys were fetched (for tests and diagnostics).</summary>
    public int FetchCount { get; private set; }

    /// <summary>Gets the key with <paramref name="kid"/>, refreshing as the rules allow; null when unknown.</summary>
    public async Task<EndorsedKey?> GetKeyAsync(string kid, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (_fetchedAt is null || now - _fetchedAt.Value >= RefreshInterval)
        {
            await RefreshAsync(ct).ConfigureAwait(false);
        }

        if (_keys.TryGetValue(kid, out var key))
        {
            return key;
        }

        // Unknown kid: the channel may have rotated keys. Refresh, but not more than hourly so bad tokens cannot hammer the endpoint.
        if (_fetchedAt is null || _time.GetUtcNow() - _fetchedAt.Value >= UnknownKidRefreshInterval)
        {
            await RefreshAsync(ct).ConfigureAwait(false);
            return _keys.GetValueOrDefault(kid);
        }

        return null;
    }

    private async Task RefreshAsync(CancellationToken ct)
    {
        var before = _fetchedAt;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Another caller refreshed while we waited.
            if (_fetchedAt != before)
            {
                return;
            }

            var metadata = await GetJsonAsync(_metadataUrl, ct).ConfigureAwait(false);
            if (!metadata.RootElement.TryGetProperty("jwks_uri", out var jwksUriElement) || jwksUriElement.ValueKind != JsonValueKind.String)
            {
                throw new InvalidOperationException("OpenID metadata has no jwks_uri.");
            }

            using var jwks = await GetJsonAsync(jwksUriElement.GetString()!, ct).ConfigureAwait(false);
            metadata.Dispose();
            _keys = ParseJwks(jwks.RootElement);
            _fetchedAt = _time.GetUtcNow();
            FetchCount++;
            _logger.LogInformation("Fetched {KeyCount} Bot Framework signing keys", _keys.Count);
        }
        catch (Exception ex) when ((ex is HttpRequestException or JsonException or InvalidOperationException or UriFormatException or TaskCanceledException) && !ct.IsCancellationRequested)
        {
            // Keep the previous keys: a metadata outage must not reject traffic signed with known keys.
            _logger.LogWarning(ex, "Could not refresh Bot Framework signing keys from {MetadataUrl}", _metadataUrl);
            if (_fetchedAt is not null)
            {
                _fetchedAt = _time.GetUtcNow() - RefreshInterval + UnknownKidRefreshInterval;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<JsonDocument> GetJsonAsync(string url, CancellationToken ct)
    {
        using var response = await _http.GetAsync(new Uri(url), ct).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        return await JsonDocument.ParseAsync(stream, default, ct).ConfigureAwait(false);
    }

    /// <summary>Parses a JWKS document, keeping each key's endorsements.</summary>
    internal static Dictionary<string, EndorsedKey> ParseJwks(JsonElement root)
    {
        var keys = new Dictionary<string, EndorsedKey>(StringComparer.Ordinal);
        if (!root.TryGetProperty("keys", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return keys;
        }

        foreach (var element in array.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Object
                || !element.TryGetProperty("kid", out var kidElement)
                || kidElement.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            List<string>? endorsements = null;
            if (element.TryGetProperty("endorsements", out var endorsementElement) && endorsementElement.ValueKind == JsonValueKind.Array)
            {
                endorsements = endorsementElement.EnumerateArray()
                    .Where(e => e.ValueKind == JsonValueKind.String)
                    .Select(e => e.GetString()!)
                    .ToList();
            }

            try
            {
                var key = new JsonWebKey(element.GetRawText());
                keys[kidElement.GetString()!] = new EndorsedKey(key, endorsements);
            }
            catch (ArgumentException)
            {
                // Skip malformed keys; the others stay usable.
            }
        }

        return keys;
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}

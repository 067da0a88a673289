using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TriageBot.Teams.Auth;

/// <summary>
/// Gets the bot's outbound token with the OAuth client-credentials grant and caches it until shortly before it expires.
/// </summary>
public sealed class BotTokenClient : IDisposable
{
    /// <summary>Tokens are renewed this long before they expire.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    private readonly HttpClient _http;
    private readonly TeamsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<BotTokenClient> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _renewAt;

    public BotTokenClient(HttpClient http, IOptions<TeamsOptions> options, TimeProvider time, ILogger<BotTokenClient> logger)
    {
        _http = http;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>How many tokens were requested (diagnostics, tests).</summary>
    public int RequestCount { get; private set; }

    /// <summary>Gets a valid token, or null when the bot runs without an app id (local testing).</summary>
    public async Task<string?> GetTokenAsync(CancellationToken ct)
    {
        if (!_options.IsAuthenticated)
        {
            return null;
        }

        if (_token is not null && _time.GetUtcNow() < _renewAt)
        {
            return _token;
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_token is not null && _time.GetUtcNow() < _renewAt)
            {
                return _token;
            }

            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = _options.AppId!,
                ["client_secret"] = _options.AppPassword ?? string.Empty,
                ["scope"] = _options.Scope,
            });
            RequestCount++;
            using var response = await _http.PostAsync(new Uri(_options.EffectiveTokenEndpoint), form, ct).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                // The body may echo request details but never the secret; log only the status.
                _logger.LogError("Token endpoint answered {StatusCode}", (int)response.StatusCode);
                throw new HttpRequestException($"Token endpoint answered {(int)response.StatusCode}.", null, response.StatusCode);
            }

            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var token = root.TryGetProperty("access_token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (string.IsNullOrEmpty(token))
            {
                throw new HttpRequestException("Token endpoint answered without access_token.");
            }

            var expiresIn = 3600.0;
            if (root.TryGetProperty("expires_in", out var e))
            {
                if (e.ValueKind == JsonValueKind.Number)
                {
                    expiresIn = e.GetDouble();
                }
                else if (e.ValueKind == JsonValueKind.String && double.TryParse(e.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var parsed))
                {
                    expiresIn = parsed;
                }
            }

            var lifetime = TimeSpan.FromSeconds(expiresIn);
            var margin = lifetime > RenewBefore * 2 ? RenewBefore : lifetime / 2;
            _token = token;
            _renewAt = _time.GetUtcNow() + lifetime - margin;
            return _token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using TriageBot.Teams.Auth;
using TriageBot.Teams.Protocol;

namespace TriageBot.Teams.Connector;

/// <summary>Size limits Teams enforces on what the bot sends.</summary>
public static class TeamsLimits
{
    /// <summary>
    /// Largest message Teams accepts (about 100 KB, answered 413 <c>MessageSizeTooBig</c> beyond), counted as Teams
    /// counts it: the payload as UTF-16, base64 images (<c>data:</c> URIs) not included. See <see cref="MessageSize(string)"/>.
    /// </summary>
    public const int MaxMessageBytes = 100 * 1024;

    /// <summary>The size Microsoft recommends staying under (100 KB is approximate), used when choosing what to leave out.</summary>
    public const int RecommendedMessageBytes = 80 * 1024;

    /// <summary>Largest card a message extension may return.</summary>
    public const int MaxMessageExtensionCardBytes = 28 * 1024;

    private static readonly System.Text.RegularExpressions.Regex DataUri = new(
        // The JSON writer escapes '+' and '=' (\u002B, \u003D) and may escape '/': those count as the image too.
        @"data:[A-Za-z0-9.+/-]+;base64,(?:[A-Za-z0-9+/=]|\\u002[Bb]|\\u003[Dd]|\\/)*", System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>A message's size as Teams counts it: two bytes per UTF-16 code unit of the JSON, base64 images left out.</summary>
    public static int MessageSize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var images = 0;
        foreach (System.Text.RegularExpressions.Match match in DataUri.Matches(json))
        {
            images += match.Length;
        }

        return (json.Length - images) * 2;
    }
}

/// <summary>
/// The Bot Connector <c>/v3</c> REST client: reply, send, update, create conversation, get member. Sends only to trusted
/// serviceUrls, URL-encodes conversation ids, paces per conversation, checks sizes; retries (429/412/502/504) live in the
/// resilience handler of its HttpClient.
/// </summary>
public sealed class ConnectorClient
{
    private readonly HttpClient _http;
    private readonly BotTokenClient _tokens;
    private readonly TrustedServiceUrls _trusted;
    private readonly ConversationRateLimiter _limiter;
    private readonly TeamsMetrics _metrics;
    private readonly ILogger<ConnectorClient> _logger;
    private readonly TimeProvider _time;

    /// <summary>
    /// How long a send that is already on the wire may still run after its caller cancels (the bot is stopping). The Bot
    /// Connector cannot be asked what it posted, so cutting a send between its arrival and its answer would leave its
    /// outcome unknown and the durable queue would send it again; waiting for the answer lets the outcome be recorded.
    /// Waits before the send (pacing, the token) still end at once.
    /// </summary>
    public static readonly TimeSpan SendGrace = TimeSpan.FromSeconds(10);

    public ConnectorClient(HttpClient http, BotTokenClient tokens, TrustedServiceUrls trusted, ConversationRateLimiter limiter, TeamsMetrics metrics, ILogger<ConnectorClient> logger)
        : this(http, tokens, trusted, limiter, metrics, logger, TimeProvider.System)
    {
    }

    /// <summary>Creates the client with the clock that times a started send's grace period (see <see cref="SendGrace"/>).</summary>
    public ConnectorClient(HttpClient http, BotTokenClient tokens, TrustedServiceUrls trusted, ConversationRateLimiter limiter, TeamsMetrics metrics, ILogger<ConnectorClient> logger, TimeProvider time)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _http = http;
        _tokens = tokens;
        _trusted = trusted;
        _limiter = limiter;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Replies to an activity (a thread reply in channels): <c>POST /v3/conversations/{id}/activities/{activityId}</c>.</summary>
    public Task<ResourceResponse> ReplyAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken ct) =>
        SendActivityAsync("reply", HttpMethod.Post, serviceUrl, conversationId, $"/activities/{Uri.EscapeDataString(activityId)}", activity, null, ct);

    /// <summary>
    /// Replies to an activity unless the conversation's pacing would hold the reply longer than <paramref name="maxPacingWait"/>:
    /// then nothing is sent and a <see cref="ConnectorException"/> with <see cref="ConnectorException.IsPaced"/> is thrown.
    /// </summary>
    public Task<ResourceResponse> ReplyAsync(string serviceUrl, string conversationId, string activityId, Activity activity, TimeSpan maxPacingWait, CancellationToken ct) =>
        SendActivityAsync("reply", HttpMethod.Post, serviceUrl, conversationId, $"/activities/{Uri.EscapeDataString(activityId)}", activity, maxPacingWait, ct);

    /// <summary>Sends to a conversation: <c>POST /v3/conversations/{id}/activities</c>.</summary>
    public Task<ResourceResponse> SendAsync(string serviceUrl, string conversationId, Activity activity, CancellationToken ct) =>
        SendActivityAsync("send", HttpMethod.Post, serviceUrl, conversationId, "/activities", activity, null, ct);

    /// <summary>Sends to a conversation unless its pacing would hold the send longer than <paramref name="maxPacingWait"/> (see the paced <c>ReplyAsync</c>).</summary>
    public Task<ResourceResponse> SendAsync(string serviceUrl, string conversationId, Activity activity, TimeSpan maxPacingWait, CancellationToken ct) =>
        SendActivityAsync("send", HttpMethod.Post, serviceUrl, conversationId, "/activities", activity, maxPacingWait, ct);

    /// <summary>Updates an activity: <c>PUT /v3/conversations/{id}/activities/{activityId}</c>.</summary>
    public Task<ResourceResponse> UpdateAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken ct) =>
        SendActivityAsync("update", HttpMethod.Put, serviceUrl, conversationId, $"/activities/{Uri.EscapeDataString(activityId)}", activity, null, ct);

    /// <summary>Creates a conversation (a 1:1 chat for proactive messages): <c>POST /v3/conversations</c>.</summary>
    public async Task<ConversationResourceResponse> CreateConversationAsync(string serviceUrl, ConversationParameters parameters, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(parameters, TeamsJsonContext.Default.ConversationParameters);
        return await CallAsync("create", HttpMethod.Post, serviceUrl, "/v3/conversations", body, null, TeamsJsonContext.Default.ConversationResourceResponse, null, ct).ConfigureAwait(false)
            ?? new ConversationResourceResponse();
    }

    /// <summary>Gets one member of a conversation (for email mapping): <c>GET /v3/conversations/{id}/members/{memberId}</c>.</summary>
    public Task<ChannelAccount?> GetMemberAsync(string serviceUrl, string conversationId, string memberId, CancellationToken ct) =>
        CallAsync("member", HttpMethod.Get, serviceUrl, $"/v3/conversations/{Uri.EscapeDataString(conversationId)}/members/{Uri.EscapeDataString(memberId)}", null, null, TeamsJsonContext.Default.ChannelAccount, null, ct);

    /// <summary>An activity's size as Teams counts it (see <see cref="TeamsLimits.MessageSize(string)"/>).</summary>
    public static int MeasureBytes(Activity activity) => TeamsLimits.MessageSize(JsonSerializer.Serialize(activity, TeamsJsonContext.Default.Activity));

    private async Task<ResourceResponse> SendActivityAsync(string method, HttpMethod verb, string serviceUrl, string conversationId, string suffix, Activity activity, TimeSpan? maxPacingWait, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(activity, TeamsJsonContext.Default.Activity);
        var size = TeamsLimits.MessageSize(json);
        if (size > TeamsLimits.MaxMessageBytes)
        {
            _metrics.OutboundCall(method, "too_large");
            throw new ConnectorException(HttpStatusCode.RequestEntityTooLarge, "MessageSizeTooBig", $"The message counts {size} bytes; Teams accepts about {TeamsLimits.MaxMessageBytes}.");
        }

        var body = System.Text.Encoding.UTF8.GetBytes(json);

        var path = $"/v3/conversations/{Uri.EscapeDataString(conversationId)}{suffix}";
        return await CallAsync(method, verb, serviceUrl, path, body, conversationId, TeamsJsonContext.Default.ResourceResponse, maxPacingWait, ct).ConfigureAwait(false)
            ?? new ResourceResponse();
    }

    private async Task<T?> CallAsync<T>(string method, HttpMethod verb, string serviceUrl, string path, byte[]? body, string? conversationId, JsonTypeInfo<T> resultType, TimeSpan? maxPacingWait, CancellationToken ct)
        where T : class
    {
        if (!_trusted.IsTrusted(serviceUrl))
        {
            // Never send the bot's token to a URL that did not come from the channel.
            _metrics.OutboundCall(method, "untrusted");
            throw new InvalidOperationException("The serviceUrl did not arrive in an authenticated activity; refusing to call it.");
        }

        var uri = new Uri(serviceUrl.TrimEnd('/') + path, UriKind.Absolute);
        if (conversationId is not null && maxPacingWait is { } maxWait)
        {
            if (await _limiter.TryWaitAsync(conversationId, maxWait, ct).ConfigureAwait(false) is { } refused)
            {
                _metrics.OutboundCall(method, "paced");
                throw new ConnectorException(HttpStatusCode.TooManyRequests, ConnectorException.PacedCode,
                    $"Connector {method} held back: the conversation's pacing would delay it {refused.TotalSeconds:0.#} s, more than the {maxWait.TotalSeconds:0.#} s allowed.")
                {
                    RetryAfter = refused,
                };
            }
        }
        else if (conversationId is not null)
        {
            await _limiter.WaitAsync(conversationId, ct).ConfigureAwait(false);
        }

        using var request = new HttpRequestMessage(verb, uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        var token = await _tokens.GetTokenAsync(ct).ConfigureAwait(false);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        // A send (a body on the wire) keeps running for SendGrace after the caller cancels, so its answer is read and its
        // outcome recorded; a read (GET) ends at once.
        ct.ThrowIfCancellationRequested();
        using var graceful = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        using var link = body is null ? default : ct.UnsafeRegister(static s => ((CancellationTokenSource)s!).CancelAfter(SendGrace), graceful);
        var sendToken = body is null ? ct : graceful.Token;
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, sendToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !sendToken.IsCancellationRequested)
        {
            _metrics.OutboundCall(method, "network_error");
            throw;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            _metrics.OutboundCall(method, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var text = await response.Content.ReadAsStringAsync(sendToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                string? code = null;
                string? message = null;
                try
                {
                    var error = string.IsNullOrWhiteSpace(text) ? null : JsonSerializer.Deserialize(text, TeamsJsonContext.Default.ErrorResponse);
                    code = error?.Error?.Code;
                    message = error?.Error?.Message;
                }
                catch (JsonException)
                {
                    // Not a Bot Framework error body.
                }

                _logger.LogWarning("Connector {Method} answered {StatusCode} {ErrorCode}", method, status, code);
                throw new ConnectorException(response.StatusCode, code, $"Connector {method} failed with {status} {code}: {message}");
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            try
            {
                return JsonSerializer.Deserialize(text, resultType);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}

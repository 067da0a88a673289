using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using TriageBot.Slack.Protocol;

namespace TriageBot.Slack.Api;

/// <summary>A Web API call that failed: <c>ok: false</c> with Slack's error code, or an HTTP failure after retries.</summary>
public sealed class SlackApiException : Exception
{
    private static readonly HashSet<string> PermanentErrors = new(StringComparer.Ordinal)
    {
        "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "no_permission", "missing_scope",
        "channel_not_found", "user_not_found", "users_not_found", "not_in_channel", "is_archived", "cannot_dm_bot", "user_disabled",
        "invalid_arguments", "invalid_blocks", "invalid_blocks_format", "msg_too_long", "no_text", "too_many_attachments",
        "expired_trigger_id", "invalid_trigger_id", "exchanged_trigger_id", "view_too_large", "not_found", "hash_conflict",
        "invalid_code", "code_already_used", "bad_redirect_uri", "invalid_client_id", "bad_client_secret", "oauth_authorization_url_mismatch",
        "app_missing_action_url", "ekm_access_denied", "restricted_action", "messages_tab_disabled", "file_not_found", "invalid_json",
        "untrusted_response_url", "expired_url", "used_url",
    };

    /// <summary>Creates the exception.</summary>
    public SlackApiException(string method, string error, TimeSpan? retryAfter = null, Exception? inner = null)
        : base($"Slack {method} failed: {error}", inner)
    {
        Method = method;
        Error = error;
        RetryAfter = retryAfter;
    }

    /// <summary>The Web API method.</summary>
    public string Method { get; }

    /// <summary>Slack's error code (or <c>http_NNN</c>).</summary>
    public string Error { get; }

    /// <summary>The server's Retry-After, when rate limited.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>True when retrying cannot help (revoked token, unknown channel, bad arguments…).</summary>
    public bool IsPermanent => PermanentErrors.Contains(Error) || Error is "http_400" or "http_401" or "http_403" or "http_404";
}

/// <summary>
/// Typed Slack Web API client: bearer token per call (per workspace), JSON or form bodies as each method accepts,
/// <c>ok</c>/<c>error</c> checked, chat.postMessage paced per channel. Retries on 429 (honouring Retry-After) live in the
/// HTTP pipeline (see <see cref="SlackRetryPolicy"/>).
/// </summary>
public sealed class SlackApiClient
{
    private readonly HttpClient _http;
    private readonly SlackMetrics _metrics;
    private readonly ChannelPacer _pacer;

    /// <summary>Creates the client over a configured <see cref="HttpClient"/> (base address = the API base URL).</summary>
    public SlackApiClient(HttpClient http, SlackMetrics metrics, ChannelPacer pacer, IOptions<SlackOptions> options)
    {
        _http = http;
        _metrics = metrics;
        _pacer = pacer;
        if (_http.BaseAddress is null)
        {
            var baseUrl = options.Value.ApiBaseUrl;
            _http.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
        }
    }

    /// <summary>chat.postMessage, waiting for the channel's pacing slot first.</summary>
    public async Task<ChatPostMessageResponse> PostMessageAsync(string token, ChatPostMessageRequest request, CancellationToken ct = default)
    {
        await _pacer.WaitAsync(request.Channel, ct);
        return await CallJsonAsync("chat.postMessage", token, request, SlackJsonContext.Default.ChatPostMessageRequest, SlackJsonContext.Default.ChatPostMessageResponse, ct);
    }

    /// <summary>
    /// Finds a message in <paramref name="channel"/> (or in the thread <paramref name="threadTs"/>) posted since
    /// <paramref name="oldest"/> whose metadata has <paramref name="eventType"/> and <c>event_payload[payloadKey] ==
    /// payloadValue</c>: conversations.history (or conversations.replies for a thread) with <c>include_all_metadata</c>,
    /// newest first, at most <paramref name="maxPages"/> pages of 200. Returns the message's ts, or null when none is found.
    /// Needs the <c>channels:history</c>, <c>groups:history</c>, <c>im:history</c> and <c>mpim:history</c> scopes.
    /// </summary>
    public async Task<string?> FindMessageByMetadataAsync(string token, string channel, string? threadTs, DateTimeOffset oldest,
        string eventType, string payloadKey, string payloadValue, int maxPages = 5, CancellationToken ct = default)
    {
        var method = threadTs is null ? "conversations.history" : "conversations.replies";
        string? cursor = null;
        for (var page = 0; page < maxPages; page++)
        {
            var form = new List<KeyValuePair<string, string>>
            {
                new("channel", channel),
                new("include_all_metadata", "true"),
                new("oldest", SlackTs(oldest)),
                new("inclusive", "true"),
                new("limit", "200"),
            };
            if (threadTs is not null)
            {
                form.Add(new("ts", threadTs));
            }

            if (cursor is not null)
            {
                form.Add(new("cursor", cursor));
            }

            var response = await CallFormAsync(method, token, form, SlackJsonContext.Default.ConversationsHistoryResponse, ct);
            foreach (var message in response.Messages ?? [])
            {
                if (message.Metadata is { } metadata && metadata.EventType == eventType
                    && metadata.EventPayload.TryGetPropertyValue(payloadKey, out var value) && value is JsonValue v
                    && v.TryGetValue<string>(out var text) && text == payloadValue)
                {
                    return message.Ts ?? string.Empty;
                }
            }

            cursor = response.ResponseMetadata?.NextCursor;
            if (!response.HasMore || string.IsNullOrEmpty(cursor))
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>A moment as a Slack timestamp ("seconds.micros").</summary>
    public static string SlackTs(DateTimeOffset at)
    {
        var micros = (at.ToUniversalTime() - DateTimeOffset.UnixEpoch).Ticks / 10;
        return (micros / 1_000_000).ToString(CultureInfo.InvariantCulture) + "." + (micros % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>chat.postEphemeral.</summary>
    public Task<ChatPostEphemeralResponse> PostEphemeralAsync(string token, ChatPostEphemeralRequest request, CancellationToken ct = default) =>
        CallJsonAsync("chat.postEphemeral", token, request, SlackJsonContext.Default.ChatPostEphemeralRequest, SlackJsonContext.Default.ChatPostEphemeralResponse, ct);

    /// <summary>
    /// POSTs to an interaction's <c>response_url</c>: the way to answer on an ephemeral message (which chat.update cannot
    /// change) and in conversations the bot is not a member of. The URL is the credential (no token; 30 minutes, five
    /// uses), so only Slack's hooks hosts, or the configured API's own origin (GovSlack, tests), are trusted with it.
    /// </summary>
    public async Task RespondAsync(string responseUrl, ResponseUrlMessage message, CancellationToken ct = default)
    {
        const string Method = "response_url";
        if (!Uri.TryCreate(responseUrl, UriKind.Absolute, out var url) || !IsTrustedResponseUrl(url))
        {
            throw new SlackApiException(Method, "untrusted_response_url");
        }

        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(message, SlackJsonContext.Default.ResponseUrlMessage));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        using var response = await TransmitAsync(Method, request, ct);

        // Slack answers "ok", or JSON with ok:false and an error for a message it refuses.
        var body = await response.Content.ReadAsStringAsync(ct);
        if (body.TrimStart().StartsWith('{'))
        {
            SlackResponse? parsed = null;
            try
            {
                parsed = JsonSerializer.Deserialize(body, SlackJsonContext.Default.SlackResponse);
            }
            catch (JsonException)
            {
                // Not Slack's JSON: a 2xx is success.
            }

            if (parsed is { Ok: false })
            {
                _metrics.Outbound(Method, parsed.Error ?? "invalid_response");
                throw new SlackApiException(Method, parsed.Error ?? "invalid_response");
            }
        }

        _metrics.Outbound(Method, "ok");
    }

    private bool IsTrustedResponseUrl(Uri url)
    {
        if (url.Scheme == Uri.UriSchemeHttps && url.IsDefaultPort && url.Host is "hooks.slack.com" or "hooks.slack-gov.com")
        {
            return true;
        }

        var api = _http.BaseAddress;
        return api is not null && Uri.Compare(url, api, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
    }

    /// <summary>chat.update.</summary>
    public Task<ChatUpdateResponse> UpdateMessageAsync(string token, ChatUpdateRequest request, CancellationToken ct = default) =>
        CallJsonAsync("chat.update", token, request, SlackJsonContext.Default.ChatUpdateRequest, SlackJsonContext.Default.ChatUpdateResponse, ct);

    /// <summary>conversations.open with one user: the DM channel id.</summary>
    public async Task<string> OpenDirectMessageAsync(string token, string userId, CancellationToken ct = default)
    {
        var response = await CallJsonAsync("conversations.open", token, new ConversationsOpenRequest { Users = userId },
            SlackJsonContext.Default.ConversationsOpenRequest, SlackJsonContext.Default.ConversationsOpenResponse, ct);
        return response.Channel?.Id ?? throw new SlackApiException("conversations.open", "no_channel_in_response");
    }

    /// <summary>users.info.</summary>
    public Task<UsersInfoResponse> GetUserAsync(string token, string userId, CancellationToken ct = default) =>
        CallFormAsync("users.info", token, [new("user", userId)], SlackJsonContext.Default.UsersInfoResponse, ct);

    /// <summary>users.lookupByEmail.</summary>
    public Task<UsersInfoResponse> LookupUserByEmailAsync(string token, string email, CancellationToken ct = default) =>
        CallFormAsync("users.lookupByEmail", token, [new("email", email)], SlackJsonContext.Default.UsersInfoResponse, ct);

    /// <summary>views.open.</summary>
    public Task<ViewResponse> OpenViewAsync(string token, ViewsOpenRequest request, CancellationToken ct = default) =>
        CallJsonAsync("views.open", token, request, SlackJsonContext.Default.ViewsOpenRequest, SlackJsonContext.Default.ViewResponse, ct);

    /// <summary>views.push.</summary>
    public Task<ViewResponse> PushViewAsync(string token, ViewsPushRequest request, CancellationToken ct = default) =>
        CallJsonAsync("views.push", token, request, SlackJsonContext.Default.ViewsPushRequest, SlackJsonContext.Default.ViewResponse, ct);

    /// <summary>views.update.</summary>
    public Task<ViewResponse> UpdateViewAsync(string token, ViewsUpdateRequest request, CancellationToken ct = default) =>
        CallJsonAsync("views.update", token, request, SlackJsonContext.Default.ViewsUpdateRequest, SlackJsonContext.Default.ViewResponse, ct);

    /// <summary>views.publish (App Home).</summary>
    public Task<ViewResponse> PublishViewAsync(string token, ViewsPublishRequest request, CancellationToken ct = default) =>
        CallJsonAsync("views.publish", token, request, SlackJsonContext.Default.ViewsPublishRequest, SlackJsonContext.Default.ViewResponse, ct);

    /// <summary>chat.getPermalink.</summary>
    public Task<ChatGetPermalinkResponse> GetPermalinkAsync(string token, string channel, string messageTs, CancellationToken ct = default) =>
        CallFormAsync("chat.getPermalink", token, [new("channel", channel), new("message_ts", messageTs)], SlackJsonContext.Default.ChatGetPermalinkResponse, ct);

    /// <summary>
    /// Uploads a file the current way: files.getUploadURLExternal → POST the bytes to the upload URL → files.completeUploadExternal
    /// into <paramref name="channel"/>. Returns the file id.
    /// </summary>
    public async Task<string> UploadFileAsync(string token, string fileName, byte[] content, string title, string channel, string? initialComment = null, string? threadTs = null, CancellationToken ct = default)
    {
        var ticket = await CallFormAsync("files.getUploadURLExternal", token,
            [new("filename", fileName), new("length", content.Length.ToString(CultureInfo.InvariantCulture))],
            SlackJsonContext.Default.FilesGetUploadUrlExternalResponse, ct);
        if (string.IsNullOrEmpty(ticket.UploadUrl) || string.IsNullOrEmpty(ticket.FileId)
            || !Uri.TryCreate(ticket.UploadUrl, UriKind.Absolute, out var uploadUri) || (uploadUri.Scheme != Uri.UriSchemeHttps && uploadUri.Scheme != Uri.UriSchemeHttp))
        {
            throw new SlackApiException("files.getUploadURLExternal", "no_upload_url_in_response");
        }

        using (var upload = new HttpRequestMessage(HttpMethod.Post, uploadUri))
        {
            upload.Content = new ByteArrayContent(content);
            upload.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var uploaded = await _http.SendAsync(upload, ct);
            _metrics.Outbound("files.upload_url", uploaded.IsSuccessStatusCode ? "ok" : $"http_{(int)uploaded.StatusCode}");
            if (!uploaded.IsSuccessStatusCode)
            {
                throw new SlackApiException("files.upload_url", $"http_{(int)uploaded.StatusCode}");
            }
        }

        var files = JsonSerializer.Serialize(new List<UploadedFile> { new() { Id = ticket.FileId, Title = title } }, SlackJsonContext.Default.ListUploadedFile);
        var form = new List<KeyValuePair<string, string>> { new("files", files), new("channel_id", channel) };
        if (initialComment is not null)
        {
            form.Add(new("initial_comment", initialComment));
        }

        if (threadTs is not null)
        {
            form.Add(new("thread_ts", threadTs));
        }

        await CallFormAsync("files.completeUploadExternal", token, form, SlackJsonContext.Default.FilesCompleteUploadExternalResponse, ct);
        return ticket.FileId;
    }

    /// <summary>oauth.v2.access with the client credentials in HTTP Basic auth.</summary>
    public Task<OAuthV2AccessResponse> OAuthV2AccessAsync(string clientId, string clientSecret, string code, string? redirectUri, CancellationToken ct = default)
    {
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(clientSecret)));
        var form = new List<KeyValuePair<string, string>> { new("code", code) };
        if (redirectUri is not null)
        {
            form.Add(new("redirect_uri", redirectUri));
        }

        return SendAsync("oauth.v2.access", new AuthenticationHeaderValue("Basic", basic), FormContent(form), SlackJsonContext.Default.OAuthV2AccessResponse, ct);
    }

    /// <summary>apps.connections.open with the app-level token: a Socket Mode WebSocket URL.</summary>
    public async Task<string> OpenSocketConnectionAsync(string appToken, CancellationToken ct = default)
    {
        var response = await SendAsync("apps.connections.open", new AuthenticationHeaderValue("Bearer", appToken), FormContent([]),
            SlackJsonContext.Default.AppsConnectionsOpenResponse, ct);
        return response.Url ?? throw new SlackApiException("apps.connections.open", "no_url_in_response");
    }

    private Task<TResponse> CallJsonAsync<TRequest, TResponse>(string method, string token, TRequest body, JsonTypeInfo<TRequest> requestInfo, JsonTypeInfo<TResponse> responseInfo, CancellationToken ct)
        where TResponse : SlackResponse
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, requestInfo));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return SendAsync(method, Bearer(token), content, responseInfo, ct);
    }

    private Task<TResponse> CallFormAsync<TResponse>(string method, string token, List<KeyValuePair<string, string>> form, JsonTypeInfo<TResponse> responseInfo, CancellationToken ct)
        where TResponse : SlackResponse =>
        SendAsync(method, Bearer(token), FormContent(form), responseInfo, ct);

    private static AuthenticationHeaderValue Bearer(string token) =>
        string.IsNullOrWhiteSpace(token) ? throw new SlackApiException("(auth)", "not_authed") : new AuthenticationHeaderValue("Bearer", token);

    private static ByteArrayContent FormContent(List<KeyValuePair<string, string>> form)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(SlackFormParser.Encode(form)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        return content;
    }

    private async Task<TResponse> SendAsync<TResponse>(string method, AuthenticationHeaderValue auth, HttpContent content, JsonTypeInfo<TResponse> responseInfo, CancellationToken ct)
        where TResponse : SlackResponse
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, method) { Content = content };
        request.Headers.Authorization = auth;
        using var response = await TransmitAsync(method, request, ct);
        TResponse? body;
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            body = JsonSerializer.Deserialize(bytes, responseInfo);
        }
        catch (JsonException ex)
        {
            _metrics.Outbound(method, "invalid_response");
            throw new SlackApiException(method, "invalid_response", null, ex);
        }

        if (body is null || !body.Ok)
        {
            var error = body?.Error ?? "invalid_response";
            _metrics.Outbound(method, error);
            throw new SlackApiException(method, error);
        }

        _metrics.Outbound(method, "ok");
        return body;
    }

    // Sends through the resilience pipeline; a network failure, a timeout or a non-2xx answer (after the pipeline's
    // retries) becomes a SlackApiException with the outcome counted. The caller disposes the successful response.
    private async Task<HttpResponseMessage> TransmitAsync(string method, HttpRequestMessage request, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException
            || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            // HttpClient's own timeout surfaces as a TaskCanceledException the caller did not ask for.
            var error = ex is HttpRequestException ? "network_error" : "timeout";
            _metrics.Outbound(method, error);
            throw new SlackApiException(method, error, null, ex);
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                // 404 is also how a response_url says it expired or was used up: permanent, like the other 4xx.
                var status = response.StatusCode == HttpStatusCode.TooManyRequests ? "ratelimited" : $"http_{(int)response.StatusCode}";
                _metrics.Outbound(method, status);
                throw new SlackApiException(method, status, SlackRetryPolicy.RetryAfter(response));
            }
        }

        return response;
    }
}

using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Teams.Auth;
using TriageBot.Teams.Connector;
using TriageBot.Teams.Protocol;
using Activity = TriageBot.Teams.Protocol.Activity;

namespace TriageBot.Teams.App;

/// <summary>
/// <c>POST /api/messages</c>: size cap, parse, validate, authenticate, dispatch. Bad input never becomes a 500:
/// oversized 413; malformed JSON, invalid UTF-8, lone surrogates and repeated property names 400; missing or oversized
/// serviceUrl, conversation or ids 400; failed auth 401; unknown types 200. Null list items (<c>membersAdded:[null]</c>)
/// are dropped.
/// </summary>
public sealed class MessagesEndpoint
{
    /// <summary>Largest activity accepted.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>
    /// Longest id accepted (activity, conversation, reply-to, sender, recipient). Teams' ids are a few hundred characters
    /// at most; the bot echoes them in reply URLs and bodies, where a huge one is refused (413/414) by the connector.
    /// </summary>
    public const int MaxIdLength = 1024;

    /// <summary>Longest serviceUrl accepted (real ones are under 100 characters).</summary>
    public const int MaxServiceUrlLength = 2048;

    private readonly TeamsOptions _options;
    private readonly BotTokenValidator _validator;
    private readonly TrustedServiceUrls _trusted;
    private readonly TeamsMetrics _metrics;
    private readonly TeamsActivityHandler _bot;
    private readonly IServer? _server;
    private readonly CancellationToken _stopping;
    private readonly ILogger<MessagesEndpoint> _logger;

    /// <summary>Creates the endpoint; the server (for its listening addresses) and the application lifetime are optional in tests.</summary>
    public MessagesEndpoint(IOptions<TeamsOptions> options, BotTokenValidator validator, TrustedServiceUrls trusted, TeamsMetrics metrics, TeamsActivityHandler bot,
        ILogger<MessagesEndpoint> logger, IServer? server = null, IHostApplicationLifetime? lifetime = null)
    {
        _bot = bot;
        _server = server;
        _stopping = lifetime?.ApplicationStopping ?? CancellationToken.None;
        _options = options.Value;
        _validator = validator;
        _trusted = trusted;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Handles one request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await HandleCoreAsync(context).ConfigureAwait(false);
        }
        finally
        {
            _metrics.Ack(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private async Task HandleCoreAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var body = await ReadBodyAsync(context, ct).ConfigureAwait(false);
        if (body is null)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        if (JsonInputCheck.FindProblem(body) is { } problem)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, problem).ConfigureAwait(false);
            return;
        }

        Activity? activity;
        try
        {
            activity = JsonSerializer.Deserialize(body, TeamsJsonContext.Default.Activity);
        }
        catch (JsonException)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "The body is not a valid activity (JSON).").ConfigureAwait(false);
            return;
        }

        if (activity is null || string.IsNullOrWhiteSpace(activity.Type))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "The activity has no type.").ConfigureAwait(false);
            return;
        }

        if (string.IsNullOrWhiteSpace(activity.ServiceUrl)
            || !Uri.TryCreate(activity.ServiceUrl, UriKind.Absolute, out var serviceUri)
            || (serviceUri.Scheme != Uri.UriSchemeHttps && serviceUri.Scheme != Uri.UriSchemeHttp)
            || string.IsNullOrWhiteSpace(activity.Conversation?.Id))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "The activity needs a serviceUrl and a conversation.id.").ConfigureAwait(false);
            return;
        }

        if (activity.ServiceUrl.Length > MaxServiceUrlLength
            || TooLong(activity.Id) || TooLong(activity.Conversation.Id) || TooLong(activity.ReplyToId) || TooLong(activity.From?.Id) || TooLong(activity.Recipient?.Id))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, $"The activity's serviceUrl or one of its ids is too long (ids up to {MaxIdLength} characters).").ConfigureAwait(false);
            return;
        }

        DropNullItems(activity);

        if (_options.IsAuthenticated)
        {
            var outcome = await _validator.ValidateAsync(context.Request.Headers.Authorization.ToString(), activity.ChannelId, activity.ServiceUrl, ct).ConfigureAwait(false);
            if (!outcome.IsValid)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }
        }
        else if (!IsLoopback(context, _server))
        {
            _logger.LogWarning("Refused an unauthenticated Teams activity: TriageBot:Teams:AppId is not set and the request is not on loopback");
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        _trusted.Add(activity.ServiceUrl);

        // Accepted: from here on the work (use cases, replies, queueing) runs to its end even if the caller hangs up; only
        // the application stopping cancels it, and a reply cut short by that goes to the durable queue.
        var response = await _bot.HandleAsync(activity, _stopping).ConfigureAwait(false);
        if (ct.IsCancellationRequested)
        {
            // The caller is gone; there is no one to answer.
            return;
        }

        context.Response.StatusCode = response.StatusCode;
        if (response.Body is not null)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(response.Body.ToJsonString(), ct).ConfigureAwait(false);
        }
    }

    private static bool TooLong(string? id) => id is { Length: > MaxIdLength };

    /// <summary>JSON allows <c>[null]</c> where a list of objects is expected; such items carry nothing and are dropped.</summary>
    internal static void DropNullItems(Activity activity)
    {
        activity.MembersAdded?.RemoveAll(static m => m is null);
        activity.MembersRemoved?.RemoveAll(static m => m is null);
        activity.Attachments?.RemoveAll(static a => a is null);
        activity.Entities?.RemoveAll(static e => e is null);
    }

    /// <summary>Reads the body up to the cap; null when it is larger.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext context, CancellationToken ct)
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = MaxBodyBytes + 1;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await context.Request.Body.ReadAsync(chunk, ct).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                if (buffer.Length + read > MaxBodyBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }

        return buffer.ToArray();
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new ErrorResponse { Error = new ErrorBody { Code = "BadRequest", Message = message } }, TeamsJsonContext.Default.ErrorResponse), context.RequestAborted);
    }

    /// <summary>
    /// True when the request arrived on a loopback address. Uses the connection's local IP; when the server does not
    /// report one, every address the server listens on must be loopback.
    /// </summary>
    internal static bool IsLoopback(HttpContext context, IServer? server)
    {
        var local = context.Connection.LocalIpAddress;
        if (local is not null)
        {
            return IPAddress.IsLoopback(local);
        }

        var addresses = server?.Features.Get<IServerAddressesFeature>()?.Addresses;
        return addresses is { Count: > 0 } && addresses.All(IsLoopbackAddress);
    }

    /// <summary>True when a listening address (<c>http://127.0.0.1:5000</c>, <c>http://localhost:5000</c>) is loopback only.</summary>
    internal static bool IsLoopbackAddress(string address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return false;
        }

        var schemeEnd = address.IndexOf("://", StringComparison.Ordinal);
        var rest = schemeEnd >= 0 ? address[(schemeEnd + 3)..] : address;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            rest = rest[..slash];
        }

        string host;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            host = close > 0 ? rest[1..close] : rest;
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            host = colon >= 0 ? rest[..colon] : rest;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
    }
}

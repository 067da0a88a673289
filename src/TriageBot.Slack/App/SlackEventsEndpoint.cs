using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Slack.Protocol;

namespace TriageBot.Slack.App;

/// <summary>
/// <c>POST /slack/events</c>: reads the raw body (capped), verifies the signature on those exact bytes, parses, dispatches and acks.
/// Bad input gets a 4xx (413 too large, 401 bad signature, 400 malformed), never a 500.
/// </summary>
public sealed class SlackEventsEndpoint
{
    private readonly SlackTransport _dispatcher;
    private readonly SlackSignatureVerifier _verifier;
    private readonly SlackMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly IOptions<SlackOptions> _options;
    private readonly ILogger<SlackEventsEndpoint> _log;
    private readonly CancellationToken _stopping;

    /// <summary>Creates the endpoint.</summary>
    public SlackEventsEndpoint(SlackTransport dispatcher, SlackSignatureVerifier verifier, SlackMetrics metrics, TimeProvider time, IOptions<SlackOptions> options, ILogger<SlackEventsEndpoint> log, IHostApplicationLifetime? lifetime = null)
    {
        _stopping = lifetime?.ApplicationStopping ?? CancellationToken.None;
        _dispatcher = dispatcher;
        _verifier = verifier;
        _metrics = metrics;
        _time = time;
        _options = options;
        _log = log;
    }

    /// <summary>Handles one request.</summary>
    public async Task HandleAsync(HttpContext http)
    {
        var started = _time.GetTimestamp();
        try
        {
            await HandleCoreAsync(http);
        }
        finally
        {
            _metrics.Ack(_time.GetElapsedTime(started));
        }
    }

    private async Task HandleCoreAsync(HttpContext http)
    {
        var max = _options.Value.MaxBodyBytes;
        var ct = http.RequestAborted;
        if (http.Request.ContentLength > max)
        {
            await WriteAsync(http, SlackAck.Client(StatusCodes.Status413PayloadTooLarge, "Request body too large."));
            return;
        }

        byte[]? body;
        try
        {
            body = await ReadCappedAsync(http.Request.Body, http.Request.ContentLength, max, ct);
        }
        catch (Exception e) when (e is BadHttpRequestException or EndOfStreamException)
        {
            // The client sent less than it announced, or hung up mid-body: its mistake, answered 400, not an error here.
            _log.LogInformation("Slack request with an incomplete body refused: {Reason}", e.Message);
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away before sending its body; there is no one to answer.
            return;
        }

        if (body is null)
        {
            await WriteAsync(http, SlackAck.Client(StatusCodes.Status413PayloadTooLarge, "Request body too large."));
            return;
        }

        // Header lookups in ASP.NET Core are case-insensitive.
        var check = _verifier.Verify(http.Request.Headers["X-Slack-Request-Timestamp"], http.Request.Headers["X-Slack-Signature"], body);
        if (check != SignatureCheck.Valid)
        {
            if (check == SignatureCheck.NoSecret)
            {
                _log.LogWarning("Refused a Slack request: TriageBot:Slack:SigningSecret is not configured");
            }
            else
            {
                _log.LogInformation("Refused a Slack request: signature check {Check}", check);
            }

            await WriteAsync(http, SlackAck.Client(StatusCodes.Status401Unauthorized, "Invalid signature."));
            return;
        }

        SlackAck ack;
        try
        {
            var inbound = SlackInboundParser.Parse(http.Request.ContentType, body);
            // Once verified, the request is handled to the end even if Slack hangs up (it gives up after 3 s): a
            // half-done triage would leave a stored request without its reply, and the event's claim held until its lease ends.
            ack = await _dispatcher.HandleAsync(inbound, _stopping);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutting down: ask Slack to retry (another replica, or this one after restart, will take it).
            ack = SlackAck.Client(StatusCodes.Status503ServiceUnavailable, "Shutting down; please retry.");
        }
        catch (SlackPayloadException ex)
        {
            _log.LogInformation("Malformed Slack payload: {Reason}", ex.Message);
            ack = SlackAck.Client(StatusCodes.Status400BadRequest, ex.Message);
        }

        await WriteAsync(http, ack);
    }

    private static async Task<byte[]?> ReadCappedAsync(Stream stream, long? contentLength, int max, CancellationToken ct)
    {
        if (contentLength is { } length and <= int.MaxValue)
        {
            // Announced length (already checked against the cap): read straight into an array of that size.
            var exact = new byte[length];
            await stream.ReadExactlyAsync(exact, ct);
            return exact;
        }

        // Chunked body: read in pooled chunks until the end or the cap.
        using var buffer = new MemoryStream();
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(chunk, ct);
                if (read == 0)
                {
                    return buffer.ToArray();
                }

                if (buffer.Length + read > max)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static async Task WriteAsync(HttpContext http, SlackAck ack)
    {
        http.Response.StatusCode = ack.Status;
        if (ack.Json is not null)
        {
            http.Response.ContentType = "application/json; charset=utf-8";
            // UTF-8 straight from the node (no intermediate string), with a Content-Length.
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
            using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
            {
                ack.Json.WriteTo(writer);
            }

            http.Response.ContentLength = buffer.WrittenCount;
            await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted);
        }
        else if (ack.Text is not null)
        {
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync(ack.Text, Encoding.UTF8, http.RequestAborted);
        }
    }
}

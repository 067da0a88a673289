using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Slack.Api;
using TriageBot.Slack.App;
using TriageBot.Slack.Protocol;

namespace TriageBot.Slack.SocketMode;

/// <summary>Handles an inbound request (the transport; tests substitute it).</summary>
public interface ISlackInboundHandler
{
    /// <summary>Handles the request and returns the ack.</summary>
    Task<SlackAck> HandleAsync(SlackInbound inbound, CancellationToken ct);
}

/// <summary>Hands Socket Mode's requests to <see cref="SlackTransport"/>, as the HTTP endpoint does.</summary>
internal sealed class TransportInboundHandler(SlackTransport transport) : ISlackInboundHandler
{
    public Task<SlackAck> HandleAsync(SlackInbound inbound, CancellationToken ct) => transport.HandleAsync(inbound, ct);
}

/// <summary>
/// Socket Mode: connects out to Slack over WebSocket (no public URL needed). Keeps <see cref="SlackOptions.SocketConnections"/> connections,
/// acks each envelope on the socket it came on, opens a replacement before dropping a connection Slack asked to refresh, reconnects
/// after drops with backoff, and stops for good on <c>link_disabled</c>.
/// </summary>
public sealed class SocketModeService : BackgroundService
{
    private readonly SlackApiClient _api;
    private readonly ISlackInboundHandler _handler;
    private readonly SlackOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SocketModeService> _log;
    private CancellationTokenSource? _stopAll;
    private int _open;

    /// <summary>Creates the service.</summary>
    public SocketModeService(SlackApiClient api, ISlackInboundHandler handler, IOptions<SlackOptions> options, TimeProvider time, ILogger<SocketModeService> log)
    {
        _api = api;
        _handler = handler;
        _options = options.Value;
        _time = time;
        _log = log;
    }

    /// <summary>Connections currently open (after hello).</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>True once Slack disabled the app's Socket Mode link; the service stops reconnecting.</summary>
    public bool LinkDisabled { get; private set; }

    /// <summary>Base delay of the reconnect backoff.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of the reconnect backoff.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.SocketModeEnabled)
        {
            return;
        }

        using var stopAll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _stopAll = stopAll;
        var slots = Enumerable.Range(0, _options.SocketConnections).Select(i => RunSlotAsync(i, stopAll.Token)).ToList();
        await Task.WhenAll(slots);
    }

    private async Task RunSlotAsync(int slot, CancellationToken ct)
    {
        var failures = 0;
        Connection? current = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (current is null)
                {
                    current = await TryOpenAsync(slot, ct);
                    if (current is null)
                    {
                        failures++;
                        await DelayAsync(Backoff(failures), ct);
                        continue;
                    }

                    failures = 0;
                }

                var reason = await current.Disconnected.WaitAsync(ct);
                switch (reason)
                {
                    case "link_disabled":
                        _log.LogWarning("Slack disabled the Socket Mode link; TriageBot stops connecting");
                        LinkDisabled = true;
                        await current.CloseAsync();
                        current = null;
                        _stopAll?.Cancel();
                        return;
                    case "refresh_requested" or "warning":
                        {
                            // Open the replacement first so no envelope is missed, then close the old connection.
                            var next = await TryOpenAsync(slot, ct);
                            await current.CloseAsync();
                            current = next;
                            break;
                        }

                    default:
                        await current.CloseAsync();
                        current = null;
                        failures++;
                        await DelayAsync(Backoff(failures), ct);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            if (current is not null)
            {
                await current.CloseAsync();
            }
        }
    }

    private async Task<Connection?> TryOpenAsync(int slot, CancellationToken ct)
    {
        ClientWebSocket? socket = null;
        try
        {
            var url = await _api.OpenSocketConnectionAsync(_options.AppToken!, ct);
            socket = new ClientWebSocket();
            socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
            await socket.ConnectAsync(new Uri(url), ct);
            var connection = new Connection(this, socket, slot);
            connection.Start(ct);
            await connection.Hello.WaitAsync(TimeSpan.FromSeconds(15), _time, ct);
            Interlocked.Increment(ref _open);
            connection.Counted = true;
            _log.LogInformation("Socket Mode connection {Slot} open", slot);
            return connection;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            socket?.Dispose();
            throw;
        }
        catch (Exception ex)
        {
            _log.LogWarning(ex, "Opening Socket Mode connection {Slot} failed", slot);
            socket?.Dispose();
            return null;
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var exp = ReconnectDelay * Math.Pow(2, Math.Min(failures - 1, 10));
        var capped = exp > MaxReconnectDelay ? MaxReconnectDelay : exp;
        return capped + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)Math.Max(1, capped.TotalMilliseconds / 5)));
    }

    private Task DelayAsync(TimeSpan delay, CancellationToken ct) => Task.Delay(delay, _time, ct);

    /// <summary>One WebSocket with its receive loop; acks go back on this same socket.</summary>
    private sealed class Connection(SocketModeService owner, ClientWebSocket socket, int slot) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => new(CloseAsync());

        private readonly TaskCompletionSource _hello = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<string> _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly SemaphoreSlim _send = new(1, 1);
        private readonly CancellationTokenSource _cts = new();
        private Task _receive = Task.CompletedTask;
        private int _closed;

        public Task Hello => _hello.Task;

        public Task<string> Disconnected => _disconnected.Task;

        public bool Counted { get; set; }

        public void Start(CancellationToken ct)
        {
            var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _cts.Token);
            _receive = Task.Run(async () =>
            {
                try
                {
                    await ReceiveLoopAsync(linked.Token);
                }
                finally
                {
                    linked.Dispose();
                }
            }, CancellationToken.None);
        }

        private async Task ReceiveLoopAsync(CancellationToken ct)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (socket.State == WebSocketState.Open)
                {
                    using var message = new MemoryStream();
                    WebSocketReceiveResult result;
                    do
                    {
                        result = await socket.ReceiveAsync(buffer, ct);
                        if (result.MessageType == WebSocketMessageType.Close)
                        {
                            _disconnected.TrySetResult("closed");
                            return;
                        }

                        message.Write(buffer, 0, result.Count);
                        if (message.Length > 4 * 1024 * 1024)
                        {
                            throw new InvalidDataException("Socket Mode message too large.");
                        }
                    }
                    while (!result.EndOfMessage);

                    OnMessage(message.ToArray(), ct);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or InvalidDataException or IOException)
            {
                // Dropped: the slot reconnects.
            }
            finally
            {
                _hello.TrySetException(new WebSocketException("Closed before hello."));
                _disconnected.TrySetResult("dropped");
            }
        }

        private void OnMessage(byte[] data, CancellationToken ct)
        {
            SocketMessage? message;
            try
            {
                message = JsonSerializer.Deserialize(data, SlackJsonContext.Default.SocketMessage);
            }
            catch (JsonException)
            {
                return;
            }

            switch (message?.Type)
            {
                case "hello":
                    _hello.TrySetResult();
                    return;
                case "disconnect":
                    _disconnected.TrySetResult(message.Reason ?? "warning");
                    return;
                case null:
                    return;
            }

            if (message.EnvelopeId is null)
            {
                return;
            }

            // Each envelope is handled off the receive loop so a slow handler never delays the next one; the ack goes back on this socket.
            _ = Task.Run(() => HandleEnvelopeAsync(message, ct), CancellationToken.None);
        }

        // The statuses for which the HTTP endpoint asks Slack to retry: a failure (released claim) or an event still held by another delivery.
        private static bool IsRetryable(int status) => status >= 500 || status == Microsoft.AspNetCore.Http.StatusCodes.Status409Conflict;

        private async Task HandleEnvelopeAsync(SocketMessage envelope, CancellationToken ct)
        {
            System.Text.Json.Nodes.JsonNode? payload = null;
            try
            {
                if (envelope.Payload is { } raw)
                {
                    var inbound = SlackInboundParser.ParseSocketPayload(envelope.Type!, raw);
                    var ack = await owner._handler.HandleAsync(inbound, ct);
                    if (IsRetryable(ack.Status))
                    {
                        // Over HTTP this status makes Slack retry; over a socket only an envelope left unacknowledged is
                        // delivered again (with retry_attempt), so do not ack it.
                        owner._log.LogWarning("Socket Mode envelope {EnvelopeId} ({Type}) not handled ({Status}); left unacknowledged so Slack delivers it again",
                            envelope.EnvelopeId, envelope.Type, ack.Status);
                        return;
                    }

                    if (envelope.AcceptsResponsePayload && ack.Status == 200)
                    {
                        payload = ack.Json;
                    }
                }
            }
            catch (SlackPayloadException ex)
            {
                // Malformed: a redelivery would be just as malformed, so it is acked (and dropped).
                owner._log.LogInformation("Malformed Socket Mode payload: {Reason}", ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                owner._log.LogError(ex, "Handling Socket Mode envelope {EnvelopeId} failed; left unacknowledged so Slack delivers it again", envelope.EnvelopeId);
                return;
            }

            var bytes = JsonSerializer.SerializeToUtf8Bytes(new SocketAck { EnvelopeId = envelope.EnvelopeId!, Payload = payload }, SlackJsonContext.Default.SocketAck);
            try
            {
                await _send.WaitAsync(ct);
                try
                {
                    await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, ct);
                }
                finally
                {
                    _send.Release();
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                owner._log.LogWarning("Could not ack envelope {EnvelopeId}: the connection is gone", envelope.EnvelopeId);
            }
        }

        public async Task CloseAsync()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 1)
            {
                return;
            }

            if (Counted)
            {
                Interlocked.Decrement(ref owner._open);
            }

            try
            {
                if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Already gone.
            }

            await _cts.CancelAsync();
            try
            {
                await _receive.WaitAsync(TimeSpan.FromSeconds(2));
            }
            catch (TimeoutException)
            {
                // The receive loop is cancelled; do not wait longer on shutdown.
            }

            socket.Dispose();
            _cts.Dispose();
            _send.Dispose();
            owner._log.LogInformation("Socket Mode connection {Slot} closed", slot);
        }
    }
}

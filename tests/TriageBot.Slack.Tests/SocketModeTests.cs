using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TriageBot.Slack.Api;
using TriageBot.Slack.App;
using TriageBot.Slack.Protocol;
using TriageBot.Slack.SocketMode;

namespace TriageBot.Slack.Tests;

/// <summary>Plays Slack's side of Socket Mode on 127.0.0.1: apps.connections.open and the WebSocket.</summary>
internal sealed class FakeSocketSlack : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _opened;

    public FakeSocketSlack()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{FakeSlack.FreePort()}");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.UseWebSockets();
        _app.MapPost("/api/apps.connections.open", (HttpContext http) =>
        {
            Interlocked.Increment(ref _opened);
            AuthHeaders.Enqueue(http.Request.Headers.Authorization.ToString());
            var n = Interlocked.Increment(ref _next);
            return Results.Text($$"""{"ok":true,"url":"ws://{{http.Request.Host}}/ws?n={{n}}"}""", "application/json");
        });
        _app.Map("/ws", async (HttpContext http) =>
        {
            if (!http.WebSockets.IsWebSocketRequest)
            {
                http.Response.StatusCode = 400;
                return;
            }

            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            var conn = new Conn(int.Parse(http.Request.Query["n"]!, System.Globalization.CultureInfo.InvariantCulture), socket);
            Connections[conn.Number] = conn;
            await conn.RunAsync();
        });
        _app.StartAsync().GetAwaiter().GetResult();
        BaseUrl = _app.Urls.First() + "/api/";
    }

    private int _next;

    public string BaseUrl { get; }

    public int ConnectionsOpened => Volatile.Read(ref _opened);

    public ConcurrentQueue<string> AuthHeaders { get; } = new();

    public ConcurrentDictionary<int, Conn> Connections { get; } = new();

    public async ValueTask DisposeAsync()
    {
        foreach (var c in Connections.Values)
        {
            c.Outbox.Writer.TryComplete();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal sealed class Conn(int number, WebSocket socket)
    {
        public int Number { get; } = number;

        public Channel<string> Outbox { get; } = Channel.CreateUnbounded<string>();

        public ConcurrentQueue<string> Received { get; } = new();

        public long ClosedAt { get; private set; }

        public long OpenedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

        public bool Closed => ClosedAt != 0;

        public Task Send(string json) => Outbox.Writer.WriteAsync(json).AsTask();

        public async Task RunAsync()
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes("""{"type":"hello","num_connections":1,"connection_info":{"app_id":"A1"}}"""), WebSocketMessageType.Text, true, CancellationToken.None);
            var sending = Task.Run(async () =>
            {
                await foreach (var message in Outbox.Reader.ReadAllAsync())
                {
                    if (socket.State != WebSocketState.Open)
                    {
                        break;
                    }

                    await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None);
                }
            });
            var buffer = new byte[64 * 1024];
            try
            {
                while (socket.State == WebSocketState.Open)
                {
                    var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        ClosedAt = System.Diagnostics.Stopwatch.GetTimestamp();
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "ok", CancellationToken.None);
                        break;
                    }

                    Received.Enqueue(Encoding.UTF8.GetString(buffer, 0, result.Count));
                }
            }
            catch (WebSocketException)
            {
                ClosedAt = System.Diagnostics.Stopwatch.GetTimestamp();
            }

            Outbox.Writer.TryComplete();
            await sending;
        }

        public void Abort() => socket.Abort();
    }
}

public sealed class SocketModeTests
{
    private sealed class RecordingHandler : ISlackInboundHandler
    {
        public ConcurrentQueue<SlackInbound> Seen { get; } = new();

        /// <summary>When set, decides the answer (the dispatcher's status) instead of the defaults below.</summary>
        public Func<SlackInbound, SlackAck?>? Answer { get; set; }

        public Task<SlackAck> HandleAsync(SlackInbound inbound, CancellationToken ct)
        {
            Seen.Enqueue(inbound);
            if (Answer?.Invoke(inbound) is { } answer)
            {
                return Task.FromResult(answer);
            }

            return Task.FromResult(inbound is SlashCommandInbound
                ? SlackAck.WithJson(new JsonObject { ["response_type"] = "ephemeral", ["text"] = "triaged" })
                : SlackAck.Ok);
        }
    }

    private static (SocketModeService Service, RecordingHandler Handler, ServiceProvider Provider) Create(FakeSocketSlack fake, int connections = 2)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TriageBot:Slack:ApiBaseUrl"] = fake.BaseUrl,
            ["TriageBot:Slack:AppToken"] = "xapp-1-test",
            ["TriageBot:Slack:BotToken"] = "xoxb-test",
            ["TriageBot:Slack:SocketConnections"] = connections.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        var provider = new ServiceCollection().AddLogging().AddSlack(config).BuildServiceProvider();
        var handler = new RecordingHandler();
        var service = new SocketModeService(provider.GetRequiredService<SlackApiClient>(), handler, provider.GetRequiredService<IOptions<SlackOptions>>(),
            TimeProvider.System, NullLogger<SocketModeService>.Instance)
        { ReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromMilliseconds(200) };
        return (service, handler, provider);
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                Assert.Fail("Timed out waiting for: " + what);
            }

            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task SocketMode_EnvelopeRefreshAndLinkDisabled_BehavesLikeSlackExpects()
    {
        await using var fake = new FakeSocketSlack();
        var (service, handler, provider) = Create(fake);
        await using var _ = provider;
        await service.StartAsync(CancellationToken.None);

        // Two connections, each greeted with hello.
        await Until(() => service.OpenConnections == 2, "two open connections");
        Assert.All(fake.AuthHeaders, h => Assert.Equal("Bearer xapp-1-test", h));
        var first = fake.Connections[1];
        var second = fake.Connections[2];

        // An envelope is acked on the socket it came on, with the response payload.
        await first.Send("""
            {"envelope_id":"env-1","type":"slash_commands","accepts_response_payload":true,
             "payload":{"token":"x","team_id":"T1","channel_id":"C1","user_id":"U1","command":"/triage","text":"help","trigger_id":"1.2.3"}}
            """);
        await Until(() => !first.Received.IsEmpty, "the ack");
        var ack = JsonNode.Parse(Assert.Single(first.Received))!;
        Assert.Equal("env-1", (string)ack["envelope_id"]!);
        Assert.Equal("triaged", (string)ack["payload"]!["text"]!);
        Assert.Empty(second.Received);
        var command = Assert.IsType<SlashCommandInbound>(Assert.Single(handler.Seen));
        Assert.Equal("help", command.Command.Text);

        // An events_api envelope is acked without a payload.
        await second.Send("""
            {"envelope_id":"env-2","type":"events_api","accepts_response_payload":false,
             "payload":{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"app_home_opened","user":"U1","tab":"home"}}}
            """);
        await Until(() => !second.Received.IsEmpty, "the events ack");
        var ack2 = JsonNode.Parse(Assert.Single(second.Received))!.AsObject();
        Assert.Equal("env-2", (string)ack2["envelope_id"]!);
        Assert.False(ack2.ContainsKey("payload"));

        // refresh_requested: a new connection opens before the old one is closed.
        await first.Send("""{"type":"disconnect","reason":"refresh_requested","debug_info":{"host":"test"}}""");
        await Until(() => fake.Connections.ContainsKey(3) && first.Closed, "replacement connection and old close");
        Assert.True(fake.Connections[3].OpenedAt < first.ClosedAt, "the replacement opened before the old connection closed");
        await Until(() => service.OpenConnections == 2, "back to two connections");

        // link_disabled: stop for good.
        var opened = fake.ConnectionsOpened;
        await second.Send("""{"type":"disconnect","reason":"link_disabled"}""");
        await service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True(service.LinkDisabled);
        Assert.Equal(0, service.OpenConnections);
        Assert.Equal(opened, fake.ConnectionsOpened);
        await Until(() => fake.Connections.Values.All(c => c.Closed), "all connections closed");
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task SocketMode_DroppedConnection_Reconnects()
    {
        await using var fake = new FakeSocketSlack();
        var (service, _, provider) = Create(fake, connections: 1);
        await using var __ = provider;
        await service.StartAsync(CancellationToken.None);
        await Until(() => service.OpenConnections == 1, "one open connection");
        fake.Connections[1].Abort();
        await Until(() => fake.Connections.ContainsKey(2) && service.OpenConnections == 1, "a reconnect after the drop");
        await service.StopAsync(CancellationToken.None);
        Assert.Equal(0, service.OpenConnections);
        await Until(() => fake.Connections[2].Closed, "clean close on shutdown");
    }

    [Theory]
    [InlineData(500)]
    [InlineData(409)]
    public async Task SocketMode_HandlerAsksForRetry_EnvelopeLeftUnackedThenRedeliveryAcked(int status)
    {
        await using var fake = new FakeSocketSlack();
        var (service, handler, provider) = Create(fake, connections: 1);
        await using var _ = provider;
        var failures = 0;
        handler.Answer = inbound => inbound is EventCallbackInbound && Interlocked.Increment(ref failures) == 1 ? SlackAck.Client(status, "not now") : null;
        await service.StartAsync(CancellationToken.None);
        await Until(() => service.OpenConnections == 1, "one open connection");
        var conn = fake.Connections[1];
        const string Event = """
            {"envelope_id":"ENV","type":"events_api","accepts_response_payload":false,"retry_attempt":RETRY,
             "payload":{"type":"event_callback","team_id":"T1","event_id":"Ev9","event":{"type":"app_home_opened","user":"U1","tab":"home"}}}
            """;

        // First delivery: the handler fails (or the event is held elsewhere), so no ack goes back.
        await conn.Send(Event.Replace("ENV", "env-a", StringComparison.Ordinal).Replace("RETRY", "0", StringComparison.Ordinal));
        await Until(() => handler.Seen.Count == 1, "the first delivery handled");
        // A later envelope on the same socket is acked, and the failed one still is not.
        await conn.Send("""{"envelope_id":"env-b","type":"slash_commands","accepts_response_payload":true,"payload":{"team_id":"T1","channel_id":"C1","user_id":"U1","command":"/triage","text":"help","trigger_id":"1.2.3"}}""");
        await Until(() => conn.Received.Any(m => m.Contains("env-b", StringComparison.Ordinal)), "the second envelope's ack");
        await Task.Delay(100);
        Assert.DoesNotContain(conn.Received, m => m.Contains("env-a", StringComparison.Ordinal));

        // Slack's redelivery (same event, new envelope id) is handled and acked.
        await conn.Send(Event.Replace("ENV", "env-a2", StringComparison.Ordinal).Replace("RETRY", "1", StringComparison.Ordinal));
        await Until(() => conn.Received.Any(m => m.Contains("env-a2", StringComparison.Ordinal)), "the redelivery's ack");
        Assert.Equal(2, handler.Seen.Count(i => i is EventCallbackInbound));
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task SocketMode_MalformedEnvelope_StillAcked()
    {
        await using var fake = new FakeSocketSlack();
        var (service, handler, provider) = Create(fake, connections: 1);
        await using var _ = provider;
        await service.StartAsync(CancellationToken.None);
        await Until(() => service.OpenConnections == 1, "one open connection");
        await fake.Connections[1].Send("""{"envelope_id":"env-bad","type":"interactive","accepts_response_payload":true,"payload":{"type":"block_actions"}}""");
        await Until(() => !fake.Connections[1].Received.IsEmpty, "the ack");
        Assert.Equal("env-bad", (string)JsonNode.Parse(Assert.Single(fake.Connections[1].Received))!["envelope_id"]!);
        Assert.Empty(handler.Seen);
        await service.StopAsync(CancellationToken.None);
    }
}

using Microsoft.Extensions.DependencyInjection.Extensions;
using TriageBot.Slack.App;
using TriageBot.Slack.Protocol;
using TriageBot.Slack.SocketMode;

namespace TriageBot.Host.Workers;

/// <summary>
/// Socket Mode envelopes arrive on a WebSocket, not as HTTP requests, so the host's request counter never sees them:
/// this handler counts each one toward <see cref="IngressPressure"/> before handing it to the Slack transport, and
/// the queue worker yields during a Socket Mode burst as it does during an HTTP one (both must be acked within 3 s).
/// </summary>
internal sealed class CountingSlackInboundHandler(SlackTransport transport, IngressPressure pressure) : ISlackInboundHandler
{
    public Task<SlackAck> HandleAsync(SlackInbound inbound, CancellationToken ct)
    {
        pressure.Record();
        return transport.HandleAsync(inbound, ct);
    }
}

/// <summary>Wiring for <see cref="CountingSlackInboundHandler"/>.</summary>
internal static class SlackSocketModeCountingExtensions
{
    /// <summary>Counts Socket Mode envelopes toward the queue worker's yield. Call after <c>AddSlack</c>, whose handler it replaces.</summary>
    public static IServiceCollection AddSlackSocketModeCounting(this IServiceCollection services)
    {
        services.RemoveAll<ISlackInboundHandler>();
        services.AddSingleton<ISlackInboundHandler, CountingSlackInboundHandler>();
        return services;
    }
}

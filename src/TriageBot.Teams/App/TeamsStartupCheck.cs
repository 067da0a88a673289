using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TriageBot.Teams.App;

/// <summary>Says loudly at start-up when Teams runs without authentication (no app id), and whether it is reachable only on loopback.</summary>
internal sealed class TeamsStartupCheck : IHostedService
{
    private readonly TeamsOptions _options;
    private readonly IServer? _server;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<TeamsStartupCheck> _logger;

    public TeamsStartupCheck(IOptions<TeamsOptions> options, IHostApplicationLifetime lifetime, ILogger<TeamsStartupCheck> logger, IServer? server = null)
    {
        _options = options.Value;
        _lifetime = lifetime;
        _logger = logger;
        _server = server;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.IsAuthenticated)
        {
            _logger.LogInformation("Teams: /api/messages authenticates Bot Framework tokens for app {AppId}", _options.AppId);
            return Task.CompletedTask;
        }

        _logger.LogWarning(
            "!!! TEAMS AUTHENTICATION IS OFF !!! TriageBot:Teams:AppId is not set, so /api/messages accepts UNAUTHENTICATED activities, " +
            "and only on loopback addresses (local testing with the Bot Framework Emulator or Agents Playground). " +
            "Set TriageBot__Teams__AppId, TriageBot__Teams__AppPassword and TriageBot__Teams__TenantId for any real deployment.");
        _lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = _server?.Features.Get<IServerAddressesFeature>()?.Addresses;
            if (addresses is { Count: > 0 } && !addresses.All(MessagesEndpoint.IsLoopbackAddress))
            {
                _logger.LogWarning("Teams: the server also listens on non-loopback addresses ({Addresses}); unauthenticated activities from them are refused with 401", string.Join(", ", addresses));
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

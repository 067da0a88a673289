using Microsoft.Extensions.Logging;
using TriageBot.Teams.Protocol;

namespace TriageBot.Teams.App;

/// <summary>
/// The entry point for authenticated activities: messages (claimed once across redeliveries) go to
/// <see cref="TeamsMessageRouter"/>, invokes to <see cref="TeamsInvokeRouter"/>, installs to <see cref="TeamsInstallHandler"/>.
/// No decision logic lives here: the conversation is the engine's.
/// </summary>
public sealed class TeamsActivityHandler
{
    private readonly TeamsMessageRouter _messages;
    private readonly TeamsInvokeRouter _invokes;
    private readonly TeamsInstallHandler _install;
    private readonly TeamsClaims _claims;
    private readonly ILogger<TeamsActivityHandler> _logger;

    /// <summary>Creates the handler.</summary>
    public TeamsActivityHandler(TeamsMessageRouter messages, TeamsInvokeRouter invokes, TeamsInstallHandler install, TeamsClaims claims, ILogger<TeamsActivityHandler> logger)
    {
        _messages = messages;
        _invokes = invokes;
        _install = install;
        _claims = claims;
        _logger = logger;
    }

    /// <summary>Handles an authenticated activity.</summary>
    public async Task<BotResponse> HandleAsync(Activity activity, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(activity);
        switch (activity.Type)
        {
            case ActivityTypes.Message:
                await OnMessageAsync(activity, ct).ConfigureAwait(false);
                return BotResponse.Ok;
            case ActivityTypes.Invoke:
                return await _invokes.HandleAsync(activity, ct).ConfigureAwait(false);
            case ActivityTypes.ConversationUpdate:
                await _install.OnConversationUpdateAsync(activity, ct).ConfigureAwait(false);
                return BotResponse.Ok;
            case ActivityTypes.InstallationUpdate:
                await _install.OnInstallationUpdateAsync(activity, ct).ConfigureAwait(false);
                return BotResponse.Ok;
            default:
                _logger.LogDebug("Ignoring activity of type {ActivityType}", activity.Type);
                return BotResponse.Ok;
        }
    }

    private async Task OnMessageAsync(Activity activity, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(activity.Id))
        {
            await _messages.HandleAsync(activity, null, ct).ConfigureAwait(false);
            return;
        }

        var key = "msg:" + activity.Conversation!.Id + ":" + activity.Id;
        if (!await _claims.OnceAsync(TeamsReplySender.TenantOf(activity), key, claim => _messages.HandleAsync(activity, claim, ct), ct).ConfigureAwait(false))
        {
            _logger.LogInformation("Duplicate Teams message {ActivityId} ignored", activity.Id);
        }
    }
}

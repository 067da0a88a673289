using System.Text.Json;
using Microsoft.Extensions.Logging;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Teams.Protocol;

namespace TriageBot.Teams.App;

/// <summary>
/// Installs and removals (conversationUpdate, installationUpdate) and the conversation references proactive messages
/// (the digest) need: saved on install and on the first personal message, marked blocked when the personal app is removed.
/// </summary>
public sealed class TeamsInstallHandler
{
    internal const string Greeting =
        "Hi, I'm TriageBot: I help Technical Leads decide which help requests to take, teach or redirect, and to whom.\n" +
        "Send me a request here, @mention me with one, or use ... > Triage this request on any message; I answer with a decision card and its reasons.\n" +
        "Each week I send you a digest of the time you spent helping. Type help for the commands.";

    private readonly IConversationReferenceStore _references;
    private readonly UserMapper _users;
    private readonly TeamsReplySender _sender;
    private readonly TeamsClaims _claims;
    private readonly TimeProvider _time;
    private readonly ILogger<TeamsInstallHandler> _logger;
    private readonly IInstallationStore? _installations;

    /// <summary>Creates the handler.</summary>
    public TeamsInstallHandler(IConversationReferenceStore references, UserMapper users, TeamsReplySender sender, TeamsClaims claims, TimeProvider time,
        ILogger<TeamsInstallHandler> logger, IInstallationStore? installations = null)
    {
        _references = references;
        _users = users;
        _sender = sender;
        _claims = claims;
        _time = time;
        _logger = logger;
        _installations = installations;
    }

    /// <summary>A conversationUpdate: the bot added to a conversation is an install.</summary>
    public async Task OnConversationUpdateAsync(Activity activity, CancellationToken ct)
    {
        var botId = activity.Recipient?.Id;
        if (botId is null || activity.MembersAdded?.Any(m => string.Equals(m?.Id, botId, StringComparison.Ordinal)) != true)
        {
            return;
        }

        await InstalledAsync(activity, ct).ConfigureAwait(false);
    }

    /// <summary>An installationUpdate: add or remove.</summary>
    public async Task OnInstallationUpdateAsync(Activity activity, CancellationToken ct)
    {
        var action = activity.Action ?? string.Empty;
        if (action.StartsWith("add", StringComparison.OrdinalIgnoreCase))
        {
            await InstalledAsync(activity, ct).ConfigureAwait(false);
        }
        else if (action.StartsWith("remove", StringComparison.OrdinalIgnoreCase)
            && string.Equals(activity.Conversation?.ConversationType, "personal", StringComparison.OrdinalIgnoreCase))
        {
            // Only removing the personal app ends the 1:1 chat the digest uses; removing the app from a team or a
            // group chat (whoever did it) leaves that person's own chat with the bot working.
            var userKey = activity.From?.AadObjectId ?? activity.From?.Id;
            if (!string.IsNullOrEmpty(userKey))
            {
                await _references.MarkBlockedAsync(TeamsReplySender.TenantOf(activity), userKey, _time.GetUtcNow(), ct).ConfigureAwait(false);
                _logger.LogInformation("Teams app removed by a user; proactive messages to them stop");
            }
        }
    }

    /// <summary>Saves (or refreshes) the sender's conversation reference.</summary>
    public async Task SaveReferenceAsync(Activity activity, Person? person, bool onlyIfMissing, CancellationToken ct)
    {
        var user = activity.From;
        var userKey = user?.AadObjectId ?? user?.Id;
        if (user is null || string.IsNullOrEmpty(userKey))
        {
            return;
        }

        var tenant = TeamsReplySender.TenantOf(activity);
        if (onlyIfMissing && await _references.GetAsync(tenant, userKey, ct).ConfigureAwait(false) is { Blocked: false } existing
            && IsPersonalReference(existing.ReferenceJson))
        {
            // Already reachable in a 1:1 chat: no write per message.
            return;
        }

        var reference = new StoredConversationReference
        {
            ServiceUrl = activity.ServiceUrl,
            ChannelId = activity.ChannelId,
            Conversation = new ConversationAccount
            {
                Id = activity.Conversation?.Id,
                ConversationType = activity.Conversation?.ConversationType,
                TenantId = activity.TenantId,
            },
            User = new ChannelAccount { Id = user.Id, Name = user.Name, AadObjectId = user.AadObjectId },
            Bot = new ChannelAccount { Id = activity.Recipient?.Id, Name = activity.Recipient?.Name },
        };
        var json = JsonSerializer.Serialize(reference, TeamsJsonContext.Default.StoredConversationReference);
        await _references.SaveAsync(new ConversationReference(tenant, userKey, person?.Id, json, false, _time.GetUtcNow()), ct).ConfigureAwait(false);
    }

    private async Task InstalledAsync(Activity activity, CancellationToken ct)
    {
        var person = await _users.MapSenderAsync(activity, ct).ConfigureAwait(false);
        await SaveReferenceAsync(activity, person, onlyIfMissing: false, ct).ConfigureAwait(false);

        // The digest scheduler finds tenants through their installations.
        var tenantKey = TeamsReplySender.TenantOf(activity);
        if (_installations is not null && await _installations.GetAsync(tenantKey, ct).ConfigureAwait(false) is null)
        {
            await _installations.SaveAsync(new Installation(tenantKey, Platform.Teams, activity.Recipient?.Id, null, activity.From?.AadObjectId ?? activity.From?.Id, _time.GetUtcNow(), null), ct).ConfigureAwait(false);
        }

        // Teams sends both conversationUpdate and installationUpdate on install: greet once per conversation.
        var key = "greet:" + ActivityText.BaseConversationId(activity.Conversation!.Id!);
        await _claims.OnceAsync(tenantKey, key, _ => _sender.SendOrQueueAsync(activity, Greeting, key, ct), ct).ConfigureAwait(false);
    }

    private static bool IsPersonalReference(string json)
    {
        try
        {
            var reference = JsonSerializer.Deserialize(json, TeamsJsonContext.Default.StoredConversationReference);
            return string.Equals(reference?.Conversation?.ConversationType, "personal", StringComparison.OrdinalIgnoreCase);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

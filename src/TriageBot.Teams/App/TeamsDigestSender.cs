using System.Text.Json;
using Microsoft.Extensions.Logging;
using TriageBot.Engine.Digest;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Teams.Cards;
using TriageBot.Teams.Connector;
using TriageBot.Teams.Protocol;

namespace TriageBot.Teams.App;

/// <summary>
/// Sends the weekly digest proactively in the Lead's 1:1 chat, from the stored conversation reference; creates the 1:1
/// conversation with <c>POST /v3/conversations</c> when the stored one is a channel or group chat. A 403 marks the user blocked.
/// </summary>
public sealed class TeamsDigestSender : IDigestSender
{
    private readonly IConversationReferenceStore _store;
    private readonly ConnectorClient _connector;
    private readonly TrustedServiceUrls _trusted;
    private readonly TimeProvider _time;
    private readonly ILogger<TeamsDigestSender> _logger;

    /// <summary>Creates the sender.</summary>
    public TeamsDigestSender(IConversationReferenceStore store, ConnectorClient connector, TrustedServiceUrls trusted, TimeProvider time, ILogger<TeamsDigestSender> logger)
    {
        _store = store;
        _connector = connector;
        _trusted = trusted;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public Platform Platform => Platform.Teams;

    /// <inheritdoc />
    public async Task<DigestSendResult> SendAsync(string tenant, Person lead, DigestMessage message, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(lead);
        ArgumentNullException.ThrowIfNull(message);
        var store = _store;
        var stored = await store.FindByPersonAsync(tenant, lead.Id, ct).ConfigureAwait(false);
        if (stored is null && lead.Identities.IdOn(IdentityPlatforms.Teams) is { } teamsId)
        {
            stored = await store.GetAsync(tenant, teamsId, ct).ConfigureAwait(false);
        }

        if (stored is null)
        {
            return DigestSendResult.NotReachable;
        }

        if (stored.Blocked)
        {
            return DigestSendResult.Blocked;
        }

        StoredConversationReference? reference;
        try
        {
            reference = JsonSerializer.Deserialize(stored.ReferenceJson, TeamsJsonContext.Default.StoredConversationReference);
        }
        catch (JsonException)
        {
            reference = null;
        }

        if (reference?.ServiceUrl is null || reference.User?.Id is null || reference.Bot?.Id is null)
        {
            _logger.LogWarning("Stored Teams conversation reference for a Lead is incomplete; digest not sent");
            return DigestSendResult.NotReachable;
        }

        // Saved from an authenticated activity.
        _trusted.Add(reference.ServiceUrl);
        try
        {
            var conversationId = reference.Conversation?.Id;
            if (conversationId is null || !string.Equals(reference.Conversation?.ConversationType, "personal", StringComparison.OrdinalIgnoreCase))
            {
                var tenantId = reference.Conversation?.TenantId ?? (TenantKey.TryParse(tenant, out var key) && key.Platform == Platform.Teams ? key.Id : null);
                var created = await _connector.CreateConversationAsync(reference.ServiceUrl, new ConversationParameters
                {
                    IsGroup = false,
                    Bot = new ChannelAccount { Id = reference.Bot.Id },
                    Members = [new ChannelAccount { Id = reference.User.Id }],
                    ChannelData = new TeamsChannelData { Tenant = new IdName { Id = tenantId } },
                    TenantId = tenantId,
                }, ct).ConfigureAwait(false);
                conversationId = created.Id ?? throw new InvalidOperationException("Teams created a conversation without an id.");

                // Remember the 1:1 chat so next week's digest goes straight there.
                reference.Conversation = new ConversationAccount { Id = conversationId, ConversationType = "personal", TenantId = tenantId };
                var json = JsonSerializer.Serialize(reference, TeamsJsonContext.Default.StoredConversationReference);
                await store.SaveAsync(stored with { ReferenceJson = json, PersonId = stored.PersonId ?? lead.Id, UpdatedAt = _time.GetUtcNow() }, ct).ConfigureAwait(false);
            }

            var chart = message.ChartPng;
            var activity = DigestActivity(message.Digest, chart);
            activity.From = new ChannelAccount { Id = reference.Bot.Id, Name = reference.Bot.Name };
            activity.Recipient = new ChannelAccount { Id = reference.User.Id, Name = reference.User.Name };
            activity.Conversation = new ConversationAccount { Id = conversationId };
            await _connector.SendAsync(reference.ServiceUrl, conversationId, activity, ct).ConfigureAwait(false);
            return DigestSendResult.Sent;
        }
        catch (ConnectorException ex) when (ex.IsBlocked)
        {
            _logger.LogInformation("Lead {LeadId} blocked or removed the Teams app ({ErrorCode}); marked and skipped", lead.Id, ex.Code);
            await store.MarkBlockedAsync(tenant, stored.UserKey, _time.GetUtcNow(), ct).ConfigureAwait(false);
            return DigestSendResult.Blocked;
        }
    }

    /// <summary>The digest message: the card with the chart, dropping the chart when it would exceed the message size limit.</summary>
    internal static Activity DigestActivity(WeeklyDigest digest, byte[]? chart)
    {
        var activity = Build(digest, chart);
        if (chart is not null && ConnectorClient.MeasureBytes(activity) > TeamsLimits.RecommendedMessageBytes)
        {
            activity = Build(digest, null);
        }

        return activity;
    }

    private static Activity Build(WeeklyDigest digest, byte[]? chart) => new()
    {
        Type = ActivityTypes.Message,
        Summary = $"Your help week {digest.IsoWeek}",
        Attachments = [new Attachment { ContentType = Attachment.AdaptiveCardContentType, Content = AdaptiveCards.Digest(digest, chart) }],
    };
}

using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using TriageBot.Engine.Conversation;
using TriageBot.Engine.Ports;
using TriageBot.Engine.UseCases;
using TriageBot.Slack.Api;
using TriageBot.Slack.BlockKit;
using TriageBot.Slack.Protocol;
using TriageBot.Slack.Rendering;

namespace TriageBot.Slack.App;

/// <summary>
/// Slack's side of a conversation: who is talking (as a <see cref="ConversationContext"/>) and where answers go — the
/// modal (now), the message or the thread (queued), the App Home (queued).
/// </summary>
public sealed class SlackResponder
{
    private readonly SlackOutbox _outbox;
    private readonly SlackApiClient _api;
    private readonly SlackTokenProvider _tokens;
    private readonly SlackUserDirectory _users;
    private readonly ILogger<SlackResponder> _log;
    private readonly TimeProvider _time;

    /// <summary>Creates the responder.</summary>
    public SlackResponder(SlackOutbox outbox, SlackApiClient api, SlackTokenProvider tokens, SlackUserDirectory users, ILogger<SlackResponder> log, TimeProvider time)
    {
        _time = time;
        _outbox = outbox;
        _api = api;
        _tokens = tokens;
        _users = users;
        _log = log;
    }

    /// <summary>The conversation context of a Slack user in a tenant.</summary>
    public async Task<ConversationContext> ContextAsync(string tenant, string slackUserId, CancellationToken ct)
    {
        var user = await _users.ResolveAsync(tenant, slackUserId, ct);
        return new ConversationContext(tenant, Platform.Slack, ChatSurface.Slack, Actor(user));
    }

    /// <summary>A resolved Slack user as a conversation actor.</summary>
    public ChatActor Actor(SlackUserRef user) => new(user.OrgOrPlatformId, user.DisplayName, _users.IsLead(user.Person));

    /// <summary>Resolves a Slack user (org person or outsider).</summary>
    public Task<SlackUserRef> ResolveAsync(string tenant, string slackUserId, CancellationToken ct) => _users.ResolveAsync(tenant, slackUserId, ct);

    /// <summary>Follows up on what a reply did: a changed week refreshes the App Home.</summary>
    public async Task FollowUpAsync(string tenant, string userId, ChatReply reply, CancellationToken ct)
    {
        if (reply.Effects.HasFlag(ReplyEffects.LeadWeekChanged))
        {
            await RefreshHomeAsync(tenant, userId, ct);
        }
    }

    /// <summary>Shows the updated card where the button was: the modal (views.update now), or the message (chat.update / ephemeral, queued).</summary>
    public async Task ShowCardAsync(string tenant, InteractionPayload payload, DecisionCard card, ModalContext context, string? note, CancellationToken ct)
    {
        if (payload.View is { Type: "modal", Id: not null } view)
        {
            var token = await RequireTokenAsync(tenant, ct);
            await _api.UpdateViewAsync(token, new ViewsUpdateRequest { ViewId = view.Id, Hash = view.Hash, View = SlackRenderer.CardModal(card, context, note) }, ct);
            return;
        }

        var (text, blocks) = SlackRenderer.CardMessage(card, note);
        var channel = payload.Container?.ChannelId ?? payload.Channel?.Id;
        if (channel is null)
        {
            return;
        }

        if (payload.Container?.IsEphemeral == true && payload.ResponseUrl is { Length: > 0 } responseUrl)
        {
            // An ephemeral card (a /triage answer) cannot be changed with chat.update: replace it through response_url,
            // which also works where the bot is not a member.
            await _outbox.RespondAsync(tenant, new RespondWork { ResponseUrl = responseUrl, ReplaceOriginal = true, Text = text, Blocks = blocks }, ct);
        }
        else if (payload.Container?.IsEphemeral == true || payload.Container?.MessageTs is null)
        {
            await _outbox.PostAsync(tenant, new PostMessageWork { Channel = channel, User = payload.User!.Id!, Text = text, Blocks = blocks }, null, ct);
        }
        else
        {
            await _outbox.UpdateAsync(tenant, new UpdateMessageWork { Channel = channel, Ts = payload.Container.MessageTs, Text = text, Blocks = blocks }, ct);
        }
    }

    /// <summary>
    /// Refreshes the card in the message a modal was opened from (queued): chat.update for a posted card, response_url
    /// for an ephemeral one. Nothing when the modal was not opened from a message.
    /// </summary>
    public async Task RefreshCardMessageAsync(string tenant, ModalContext context, DecisionCard card, CancellationToken ct)
    {
        var (text, blocks) = SlackRenderer.CardMessage(card, null);
        if (context.CardResponseUrl is { Length: > 0 } responseUrl)
        {
            await _outbox.RespondAsync(tenant, new RespondWork { ResponseUrl = responseUrl, ReplaceOriginal = true, Text = text, Blocks = blocks }, ct);
        }
        else if (context is { CardChannel.Length: > 0, CardTs.Length: > 0 })
        {
            await _outbox.UpdateAsync(tenant, new UpdateMessageWork { Channel = context.CardChannel, Ts = context.CardTs, Text = text, Blocks = blocks }, ct);
        }
    }

    /// <summary>The name of a Slack user already known (no call to Slack), or null.</summary>
    public string? KnownNameOf(string tenant, string slackUserId) => _users.KnownNameOf(tenant, slackUserId);

    /// <summary>
    /// Queues a reply to the requester in the original message's thread, mentioning them; the text is escaped. False when
    /// the same message for the same state was queued before (a repeat: nothing new is posted).
    /// </summary>
    public async Task<bool> PostToRequesterAsync(string tenant, RequesterMessageReply reply, ModalContext context, string leadUserId, CancellationToken ct)
    {
        var (request, message, dedupKey) = (reply.Request, reply.Message, reply.DeliveryKey);
        var channel = context.Channel ?? request.Channel;
        if (string.IsNullOrEmpty(channel))
        {
            return true;
        }

        var threadTs = context.ThreadTs ?? request.MessageRef;
        if (threadTs is null && !channel.StartsWith('D'))
        {
            // A request pasted into /triage has no message to reply under: a top-level post would tell the whole channel.
            // The Lead gets the text, privately, to pass on.
            return await _outbox.PostAsync(tenant, new PostMessageWork
            {
                Channel = channel,
                User = leadUserId,
                Text = SlackText.TruncateMrkdwn(
                    Md.Trusted("There's no message to reply to, so I didn't post this; pass it on: ").Value + Md.Text(message).Value, BlockLimits.MessageText),
            }, dedupKey, ct);
        }

        var mention = Md.Mention(context.RequesterUserId ?? _users.SlackIdOf(request.RequesterId));
        var text = string.IsNullOrEmpty(mention.Value) ? Md.Text(message) : mention + Md.Trusted(" ") + Md.Text(message);
        return await _outbox.PostAsync(tenant, new PostMessageWork
        {
            Channel = channel,
            ThreadTs = threadTs,
            Text = SlackText.TruncateMrkdwn(text.Value, BlockLimits.MessageText),
            NotifyOnFailure = leadUserId,
        }, dedupKey, ct);
    }

    /// <summary>Tells the person who clicked something (a refusal, a mistake): in the modal, through response_url, or ephemeral.</summary>
    public async Task NotifyAsync(string tenant, InteractionPayload payload, string message, CancellationToken ct)
    {
        var channel = payload.Container?.ChannelId ?? payload.Channel?.Id;
        if (payload.View is { Type: "modal", Id: not null } view)
        {
            var token = await RequireTokenAsync(tenant, ct);
            await _api.UpdateViewAsync(token, new ViewsUpdateRequest
            {
                ViewId = view.Id, Hash = view.Hash,
                View = SlackRenderer.InfoModal("TriageBot", new BlockBuilder().Section(Md.Trusted(":warning: ") + Md.Text(message))),
            }, ct);
        }
        else if (payload.ResponseUrl is { Length: > 0 } responseUrl)
        {
            await _outbox.RespondAsync(tenant, new RespondWork { ResponseUrl = responseUrl, ReplaceOriginal = false, Text = SlackText.Escape(message) }, ct);
        }
        else if (channel is not null)
        {
            await _outbox.PostAsync(tenant, new PostMessageWork { Channel = channel, User = payload.User!.Id!, Text = SlackText.Escape(message) }, null, ct);
        }
    }

    /// <summary>Queues an App Home refresh; a failure is logged, never thrown (the answer matters more).</summary>
    public async Task RefreshHomeAsync(string tenant, string userId, CancellationToken ct)
    {
        try
        {
            await _outbox.PublishHomeAsync(tenant, userId, null, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.LogWarning(ex, "Could not queue an App Home refresh");
        }
    }

    /// <summary>Opens a modal (views.open), or pushes it over the modal the click came from (views.push).</summary>
    public async Task<ViewResponse> OpenViewAsync(string tenant, string triggerId, JsonObject view, CancellationToken ct, bool push = false)
    {
        var token = await RequireTokenAsync(tenant, ct);
        return await AckDeadline.RunAsync(push ? "views.push" : "views.open", AckDeadline.OpenView, _time, deadline => push
            ? _api.PushViewAsync(token, new ViewsPushRequest { TriggerId = triggerId, View = view }, deadline)
            : _api.OpenViewAsync(token, new ViewsOpenRequest { TriggerId = triggerId, View = view }, deadline), ct);
    }

    /// <summary>
    /// Replaces a modal's content (views.update) within <paramref name="limit"/>, the time left before Slack's ack is due;
    /// when Slack is slower, or refuses for now (rate limit, outage), the update goes to the durable queue and is retried
    /// after the ack. Its hash keeps a view the Lead has moved on from from being overwritten.
    /// </summary>
    public async Task UpdateViewAsync(string tenant, string viewId, string? hash, JsonObject view, TimeSpan limit, CancellationToken ct)
    {
        var token = await RequireTokenAsync(tenant, ct);
        if (limit > AckDeadline.MinimumCall)
        {
            try
            {
                await AckDeadline.RunAsync("views.update", limit, _time,
                    deadline => _api.UpdateViewAsync(token, new ViewsUpdateRequest { ViewId = viewId, Hash = hash, View = view }, deadline), ct);
                return;
            }
            catch (SlackApiException ex) when (!ex.IsPermanent)
            {
                _log.LogWarning("views.update not done before the ack ({Error}); queued", ex.Error);
            }
        }

        await _outbox.UpdateViewAsync(tenant, new UpdateViewWork { ViewId = viewId, Hash = hash, View = view }, ct);
    }

    private async Task<string> RequireTokenAsync(string tenant, CancellationToken ct) =>
        await _tokens.GetBotTokenAsync(tenant, ct) ?? throw new SlackApiException("(token)", "not_installed");
}

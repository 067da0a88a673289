using TriageBot.Engine.Conversation;
using TriageBot.Slack.Protocol;
using TriageBot.Slack.Rendering;

namespace TriageBot.Slack.App;

/// <summary>
/// <c>/triage …</c>: the text goes to the engine's command table (<see cref="ConversationService"/>), the reply is
/// answered in the ack (ephemeral), except the settings form (a modal), the digest (queued) and a request to read
/// (triage or who: acked at once, answered through response_url by <see cref="SlackCommandWorkHandler"/>).
/// </summary>
public sealed class SlackCommandRouter
{
    private readonly ConversationService _conversation;
    private readonly SlackResponder _responder;
    private readonly SlackOutbox _outbox;

    /// <summary>Creates the router.</summary>
    public SlackCommandRouter(ConversationService conversation, SlackResponder responder, SlackOutbox outbox)
    {
        _conversation = conversation;
        _responder = responder;
        _outbox = outbox;
    }

    /// <summary>Runs a slash command and returns the ack.</summary>
    public async Task<SlackAck> HandleAsync(SlashCommand command, CancellationToken ct)
    {
        var tenant = SlackTenants.For(command);
        var text = BlockKit.SlackText.Unescape(command.Text);

        // Reading a request takes the sentence model (~15 ms): ack at once and answer through response_url from the
        // durable queue, so the ack never waits for the model and nothing acknowledged is lost.
        if (command.ResponseUrl is { Length: > 0 } responseUrl && _conversation.ReadsARequest(text, CommandSource.Command))
        {
            await _outbox.SlashCommandAsync(tenant, new SlashCommandWork
            {
                UserId = command.UserId,
                ChannelId = command.ChannelId,
                Text = text,
                ResponseUrl = responseUrl,
                TriggerId = command.TriggerId,
            }, ct);
            return SlackAck.WithJson(SlackRenderer.Ephemeral(":hourglass_flowing_sand: Reading your request…", null));
        }

        var context = await _responder.ContextAsync(tenant, command.UserId, ct) with { Channel = command.ChannelId ?? string.Empty };
        var reply = await _conversation.RunAsync(context, text, CommandSource.Command, ct);
        await _responder.FollowUpAsync(tenant, command.UserId, reply, ct);
        switch (reply)
        {
            case SettingsReply settings when !string.IsNullOrEmpty(command.TriggerId):
                await _responder.OpenViewAsync(tenant, command.TriggerId, SlackRenderer.SettingsModal(settings.Settings), ct);
                return SlackAck.Ok;
            case DigestRequestedReply digest:
                await _outbox.SendDigestAsync(tenant, new SendDigestWork { LeadId = digest.LeadId, UserId = command.UserId, IsoWeek = digest.IsoWeek }, ct);
                break;
        }

        return SlackAck.WithJson(SlackReplyRenderer.Ephemeral(reply, _conversation.Commands.All));
    }
}

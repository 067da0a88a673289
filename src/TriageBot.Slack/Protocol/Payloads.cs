using System.Text.Json;

namespace TriageBot.Slack.Protocol;

// Inbound payload models. Property names map to Slack's snake_case through the source-generated context's naming policy.
// Slack adds fields over time; unknown ones are ignored.

/// <summary>Events API outer envelope (<c>url_verification</c>, <c>event_callback</c>, <c>app_rate_limited</c>).</summary>
public sealed class EventEnvelope
{
    public string? Token { get; set; }
    public string? Type { get; set; }
    public string? Challenge { get; set; }
    public string? TeamId { get; set; }
    public string? EnterpriseId { get; set; }
    public string? ApiAppId { get; set; }
    public string? EventId { get; set; }
    public long? EventTime { get; set; }
    public bool? IsExtSharedChannel { get; set; }
    public List<EventAuthorization>? Authorizations { get; set; }

    /// <summary>The inner event, kept raw: only the types we handle are mapped (others are acknowledged and ignored).</summary>
    public JsonElement? Event { get; set; }
}

/// <summary>One installation the event is visible to.</summary>
public sealed class EventAuthorization
{
    public string? EnterpriseId { get; set; }
    public string? TeamId { get; set; }
    public string? UserId { get; set; }
    public bool IsBot { get; set; }
    public bool IsEnterpriseInstall { get; set; }
}

/// <summary>The inner events we handle: <c>message</c> (im), <c>app_mention</c>, <c>app_home_opened</c>.</summary>
public sealed class SlackEvent
{
    public string? Type { get; set; }
    public string? Subtype { get; set; }
    public string? User { get; set; }
    public string? BotId { get; set; }
    public string? AppId { get; set; }
    public string? Text { get; set; }
    public string? Ts { get; set; }
    public string? ThreadTs { get; set; }
    public string? Channel { get; set; }
    public string? ChannelType { get; set; }
    public string? EventTs { get; set; }
    public string? Tab { get; set; }
    public string? Team { get; set; }
    public List<MessageAttachment>? Attachments { get; set; }
}

/// <summary>A message attachment; shared (forwarded) messages carry the original author and text here.</summary>
public sealed class MessageAttachment
{
    public bool? IsShare { get; set; }
    public bool? IsMsgUnfurl { get; set; }
    public string? AuthorId { get; set; }
    public string? AuthorName { get; set; }
    public string? AuthorSubname { get; set; }
    public string? Text { get; set; }
    public string? Fallback { get; set; }
    public string? ChannelId { get; set; }
    public string? Ts { get; set; }
    public string? FromUrl { get; set; }
}

/// <summary>Interactivity payload (<c>block_actions</c>, <c>message_action</c>, <c>shortcut</c>, <c>view_submission</c>, <c>view_closed</c>).</summary>
public sealed class InteractionPayload
{
    public string? Type { get; set; }
    public string? Token { get; set; }
    public string? ApiAppId { get; set; }
    public string? TriggerId { get; set; }
    public string? ResponseUrl { get; set; }
    public string? CallbackId { get; set; }
    public string? ActionTs { get; set; }
    public string? MessageTs { get; set; }
    public bool IsEnterpriseInstall { get; set; }
    public TeamRef? Team { get; set; }
    public EnterpriseRef? Enterprise { get; set; }
    public UserRef? User { get; set; }
    public ChannelRef? Channel { get; set; }
    public InteractionMessage? Message { get; set; }
    public List<BlockAction>? Actions { get; set; }
    public ViewPayload? View { get; set; }
    public ActionContainer? Container { get; set; }
    public ViewState? State { get; set; }
}

public sealed class TeamRef
{
    public string? Id { get; set; }
    public string? Domain { get; set; }
    public string? EnterpriseId { get; set; }
}

public sealed class EnterpriseRef
{
    public string? Id { get; set; }
    public string? Name { get; set; }
}

public sealed class UserRef
{
    public string? Id { get; set; }
    public string? Username { get; set; }
    public string? Name { get; set; }
    public string? TeamId { get; set; }
}

public sealed class ChannelRef
{
    public string? Id { get; set; }
    public string? Name { get; set; }
}

/// <summary>The message a shortcut or button belongs to.</summary>
public sealed class InteractionMessage
{
    public string? Type { get; set; }
    public string? User { get; set; }
    public string? BotId { get; set; }
    public string? Text { get; set; }
    public string? Ts { get; set; }
    public string? ThreadTs { get; set; }
    public List<MessageAttachment>? Attachments { get; set; }
}

/// <summary>One action in a <c>block_actions</c> payload.</summary>
public sealed class BlockAction
{
    public string? Type { get; set; }
    public string? ActionId { get; set; }
    public string? BlockId { get; set; }
    public string? Value { get; set; }
    public string? ActionTs { get; set; }
    public SelectedOption? SelectedOption { get; set; }
}

public sealed class SelectedOption
{
    public string? Value { get; set; }
}

/// <summary>Where a <c>block_actions</c> came from (message, view).</summary>
public sealed class ActionContainer
{
    public string? Type { get; set; }
    public string? MessageTs { get; set; }
    public string? ChannelId { get; set; }
    public string? ThreadTs { get; set; }
    public bool? IsEphemeral { get; set; }
    public string? ViewId { get; set; }
}

/// <summary>A view (modal or Home) as Slack sends it back.</summary>
public sealed class ViewPayload
{
    public string? Id { get; set; }
    public string? TeamId { get; set; }
    public string? Type { get; set; }
    public string? CallbackId { get; set; }
    public string? PrivateMetadata { get; set; }
    public string? Hash { get; set; }
    public string? RootViewId { get; set; }
    public string? PreviousViewId { get; set; }
    public string? ExternalId { get; set; }
    public ViewState? State { get; set; }
}

/// <summary>State of stateful elements: block id → action id → value.</summary>
public sealed class ViewState
{
    public Dictionary<string, Dictionary<string, StateValue>>? Values { get; set; }

    /// <summary>The value (typed text or selected option) of an element, or null.</summary>
    public string? Get(string blockId, string actionId)
    {
        if (Values is null || !Values.TryGetValue(blockId, out var block) || block is null || !block.TryGetValue(actionId, out var value) || value is null)
        {
            return null;
        }

        return value.Value ?? value.SelectedOption?.Value ?? value.SelectedTime ?? value.SelectedDate;
    }
}

public sealed class StateValue
{
    public string? Type { get; set; }
    public string? Value { get; set; }
    public SelectedOption? SelectedOption { get; set; }
    public string? SelectedDate { get; set; }
    public string? SelectedTime { get; set; }
}

/// <summary>A slash command, from its form fields.</summary>
public sealed record SlashCommand(
    string TeamId,
    string? EnterpriseId,
    bool IsEnterpriseInstall,
    string? ChannelId,
    string UserId,
    string? UserName,
    string Command,
    string Text,
    string? ResponseUrl,
    string? TriggerId,
    string? ApiAppId);

/// <summary>A parsed inbound request from Slack (HTTP or Socket Mode).</summary>
public abstract record SlackInbound;

/// <summary>Events API URL check: answer with the challenge.</summary>
public sealed record UrlVerificationInbound(string Challenge) : SlackInbound;

/// <summary><c>ssl_check=1</c>: answer 200.</summary>
public sealed record SslCheckInbound : SlackInbound;

/// <summary>An <c>event_callback</c>.</summary>
public sealed record EventCallbackInbound(EventEnvelope Envelope) : SlackInbound;

/// <summary>A slash command.</summary>
public sealed record SlashCommandInbound(SlashCommand Command) : SlackInbound;

/// <summary>An interactivity payload.</summary>
public sealed record InteractionInbound(InteractionPayload Payload) : SlackInbound;

/// <summary>An Events API envelope of a type we do not handle (e.g. <c>app_rate_limited</c>).</summary>
public sealed record UnknownInbound(string Type) : SlackInbound;

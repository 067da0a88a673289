using System.Text.Json.Nodes;

namespace TriageBot.Slack.Api;

// Typed Web API requests and responses (snake_case on the wire through the source-generated context).

/// <summary>Fields every Web API response carries.</summary>
public class SlackResponse
{
    public bool Ok { get; set; }
    public string? Error { get; set; }
    public string? Warning { get; set; }
    public string? Needed { get; set; }
    public string? Provided { get; set; }
}

public sealed class ChatPostMessageRequest
{
    public required string Channel { get; set; }
    public string? Text { get; set; }
    public JsonArray? Blocks { get; set; }
    public string? ThreadTs { get; set; }
    public bool? UnfurlLinks { get; set; }
    public bool? UnfurlMedia { get; set; }

    /// <summary>Message metadata (an event type of ours and a payload): lets a retry find a message it already posted.</summary>
    public MessageMetadata? Metadata { get; set; }
}

/// <summary>Slack message metadata: <c>{"event_type": "…", "event_payload": {…}}</c>.</summary>
public sealed class MessageMetadata
{
    public required string EventType { get; set; }
    public required JsonObject EventPayload { get; set; }
}

/// <summary>A message as conversations.history / conversations.replies list it (only what a retry's look-up needs).</summary>
public sealed class HistoryMessage
{
    public string? Ts { get; set; }
    public string? ThreadTs { get; set; }
    public string? BotId { get; set; }
    public MessageMetadata? Metadata { get; set; }
}

public sealed class ConversationsHistoryResponse : SlackResponse
{
    public List<HistoryMessage>? Messages { get; set; }
    public bool HasMore { get; set; }
    public ResponseMetadata? ResponseMetadata { get; set; }
}

public sealed class ResponseMetadata
{
    public string? NextCursor { get; set; }
}

public sealed class ChatPostMessageResponse : SlackResponse
{
    public string? Channel { get; set; }
    public string? Ts { get; set; }
}

public sealed class ChatPostEphemeralRequest
{
    public required string Channel { get; set; }
    public required string User { get; set; }
    public string? Text { get; set; }
    public JsonArray? Blocks { get; set; }
    public string? ThreadTs { get; set; }
}

/// <summary>A message POSTed to an interaction's <c>response_url</c> (ephemeral; replaces the message the button was on when asked).</summary>
public sealed class ResponseUrlMessage
{
    public bool ReplaceOriginal { get; set; }
    public string ResponseType { get; set; } = "ephemeral";
    public required string Text { get; set; }
    public JsonArray? Blocks { get; set; }
}

public sealed class ChatPostEphemeralResponse : SlackResponse
{
    public string? MessageTs { get; set; }
}

public sealed class ChatUpdateRequest
{
    public required string Channel { get; set; }
    public required string Ts { get; set; }
    public string? Text { get; set; }
    public JsonArray? Blocks { get; set; }
}

public sealed class ChatUpdateResponse : SlackResponse
{
    public string? Channel { get; set; }
    public string? Ts { get; set; }
}

public sealed class ConversationsOpenRequest
{
    public required string Users { get; set; }
}

public sealed class ConversationsOpenResponse : SlackResponse
{
    public ConversationInfo? Channel { get; set; }
}

public sealed class ConversationInfo
{
    public string? Id { get; set; }
}

public sealed class UsersInfoResponse : SlackResponse
{
    public SlackUser? User { get; set; }
}

public sealed class SlackUser
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? RealName { get; set; }
    public bool Deleted { get; set; }
    public bool IsBot { get; set; }
    public string? Tz { get; set; }
    public SlackUserProfile? Profile { get; set; }
}

public sealed class SlackUserProfile
{
    public string? Email { get; set; }
    public string? RealName { get; set; }
    public string? DisplayName { get; set; }
}

public sealed class ViewsOpenRequest
{
    public required string TriggerId { get; set; }
    public required JsonObject View { get; set; }
}

public sealed class ViewsPushRequest
{
    public required string TriggerId { get; set; }
    public required JsonObject View { get; set; }
}

public sealed class ViewsUpdateRequest
{
    public string? ViewId { get; set; }
    public string? ExternalId { get; set; }
    public string? Hash { get; set; }
    public required JsonObject View { get; set; }
}

public sealed class ViewsPublishRequest
{
    public required string UserId { get; set; }
    public required JsonObject View { get; set; }
    public string? Hash { get; set; }
}

public sealed class ViewResponse : SlackResponse
{
    public ViewInfo? View { get; set; }
}

public sealed class ViewInfo
{
    public string? Id { get; set; }
    public string? Hash { get; set; }
}

public sealed class FilesGetUploadUrlExternalResponse : SlackResponse
{
    public string? UploadUrl { get; set; }
    public string? FileId { get; set; }
}

public sealed class FilesCompleteUploadExternalResponse : SlackResponse
{
    public List<UploadedFile>? Files { get; set; }
}

public sealed class UploadedFile
{
    public string? Id { get; set; }
    public string? Title { get; set; }
}

public sealed class ChatGetPermalinkResponse : SlackResponse
{
    public string? Channel { get; set; }
    public string? Permalink { get; set; }
}

public sealed class OAuthV2AccessResponse : SlackResponse
{
    public string? AccessToken { get; set; }
    public string? TokenType { get; set; }
    public string? Scope { get; set; }
    public string? BotUserId { get; set; }
    public string? AppId { get; set; }
    public bool IsEnterpriseInstall { get; set; }
    public OAuthParty? Team { get; set; }
    public OAuthParty? Enterprise { get; set; }
    public OAuthParty? AuthedUser { get; set; }
}

public sealed class OAuthParty
{
    public string? Id { get; set; }
    public string? Name { get; set; }
}

public sealed class AppsConnectionsOpenResponse : SlackResponse
{
    public string? Url { get; set; }
}

/// <summary>What we keep next to an OAuth installation (not secret).</summary>
public sealed class InstallationMetadata
{
    public string? TeamId { get; set; }
    public string? TeamName { get; set; }
    public string? EnterpriseId { get; set; }
    public string? EnterpriseName { get; set; }
    public bool IsEnterpriseInstall { get; set; }
    public string? Scope { get; set; }
    public string? AppId { get; set; }
}

using System.Text.Json.Nodes;

namespace TriageBot.Slack.App;

/// <summary>Work kinds this adapter enqueues; the host's queue runner calls <see cref="SlackWorkHandler"/> for them.</summary>
public static class SlackWorkKinds
{
    /// <summary>chat.postMessage (paced per channel).</summary>
    public const string PostMessage = "slack.post-message";
    /// <summary>chat.postEphemeral.</summary>
    public const string PostEphemeral = "slack.post-ephemeral";
    /// <summary>chat.update.</summary>
    public const string UpdateMessage = "slack.update-message";
    /// <summary>views.publish of the App Home.</summary>
    public const string PublishHome = "slack.publish-home";
    /// <summary>Build and deliver a digest by DM; its chart follows as a <see cref="DigestChart"/> item.</summary>
    public const string SendDigest = "slack.send-digest";
    /// <summary>Re-render a digest's chart and upload it next to the digest text already posted (its own step, retried alone).</summary>
    public const string DigestChart = "slack.digest-chart";
    /// <summary>A POST to an interaction's response_url (ephemeral cards and notices).</summary>
    public const string Respond = "slack.respond";
    /// <summary>views.update of a modal that could not be filled in before the ack was due.</summary>
    public const string UpdateView = "slack.update-view";
}

/// <summary>A modal's new content; <see cref="Hash"/> keeps a newer view (the Lead moved on) from being overwritten.</summary>
public sealed class UpdateViewWork
{
    public required string ViewId { get; set; }
    public string? Hash { get; set; }
    public required JsonObject View { get; set; }
}

/// <summary>A message for an interaction's <c>response_url</c>.</summary>
/// <summary>A <c>/triage</c> request read after the ack (the sentence model does not cost Slack's 3 seconds).</summary>
public sealed class SlashCommandWork
{
    public required string UserId { get; set; }
    public string? ChannelId { get; set; }
    public required string Text { get; set; }
    public required string ResponseUrl { get; set; }
    public string? TriggerId { get; set; }
}

public sealed class RespondWork
{
    public required string ResponseUrl { get; set; }
    public bool ReplaceOriginal { get; set; }
    public required string Text { get; set; }
    public JsonArray? Blocks { get; set; }
}

/// <summary>A message to post (or ephemeral, when <see cref="User"/> is set).</summary>
public sealed class PostMessageWork
{
    public required string Channel { get; set; }
    public string? ThreadTs { get; set; }
    public string? User { get; set; }
    public required string Text { get; set; }
    public JsonArray? Blocks { get; set; }

    /// <summary>Who to tell by DM when Slack refuses the post for good (the bot is not in a private channel…), or null.</summary>
    public string? NotifyOnFailure { get; set; }
}

/// <summary>A message to replace.</summary>
public sealed class UpdateMessageWork
{
    public required string Channel { get; set; }
    public required string Ts { get; set; }
    public required string Text { get; set; }
    public JsonArray? Blocks { get; set; }
}

/// <summary>Refresh a Lead's App Home.</summary>
public sealed class PublishHomeWork
{
    public required string UserId { get; set; }
}

/// <summary>Deliver a Lead's digest now.</summary>
public sealed class SendDigestWork
{
    public required string LeadId { get; set; }
    public string? UserId { get; set; }
    public string? IsoWeek { get; set; }
}

/// <summary>Upload the chart of a digest whose text is already posted in <see cref="Channel"/>.</summary>
public sealed class DigestChartWork
{
    public required string LeadId { get; set; }
    public required string IsoWeek { get; set; }
    public required string Channel { get; set; }
}

/// <summary>What a modal carries in <c>private_metadata</c> (kept well under 3000 chars).</summary>
public sealed class ModalContext
{
    public Guid RequestId { get; set; }
    public string? Channel { get; set; }
    public string? ThreadTs { get; set; }
    public string? RequesterUserId { get; set; }
    public string? OwnerId { get; set; }

    /// <summary>The message whose card opened this modal (a redirect editor opened from a card in a message), to refresh it.</summary>
    public string? CardChannel { get; set; }
    public string? CardTs { get; set; }

    /// <summary>An ephemeral card (a /triage answer) can only be replaced through its response_url.</summary>
    public string? CardResponseUrl { get; set; }
}

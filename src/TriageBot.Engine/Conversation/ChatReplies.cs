using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ports;
using TriageBot.Engine.UseCases;

namespace TriageBot.Engine.Conversation;

/// <summary>What a reply did besides answering, for the adapter to follow up on.</summary>
[Flags]
public enum ReplyEffects
{
    /// <summary>Nothing beyond the answer.</summary>
    None = 0,

    /// <summary>An effect that must not be repeated has committed (a redelivery must not run it again).</summary>
    Committed = 1,

    /// <summary>The Lead's week changed (hours, open requests, settings): views of it, such as Slack's App Home, are stale.</summary>
    LeadWeekChanged = 2,
}

/// <summary>
/// A chat-neutral answer of the conversation. Each surface renders every kind once (Block Kit, Adaptive Cards, JSON);
/// all wording comes from the engine.
/// </summary>
public abstract record ChatReply
{
    /// <summary>What the reply did besides answering.</summary>
    public ReplyEffects Effects { get; init; }
}

/// <summary>A short confirmation or answer in plain text.</summary>
/// <param name="Text">The text (plain; adapters escape it).</param>
public sealed record NoticeReply(string Text) : ChatReply;

/// <summary>Something the person got wrong, or may not do, with the way to do it right.</summary>
/// <param name="Message">The explanation (plain text).</param>
/// <param name="ShowHelp">True when the command list should be shown with it.</param>
public sealed record ErrorReply(string Message, bool ShowHelp = false) : ChatReply
{
    /// <summary>What kind of refusal it is, for surfaces that answer with a status (the HTTP API); chat surfaces only show the message.</summary>
    public UserErrorKind Kind { get; init; }
}

/// <summary>The command list.</summary>
/// <param name="Commands">The commands, in the order to show.</param>
/// <param name="Problem">What went wrong, if the help answers a mistake.</param>
public sealed record HelpReply(IReadOnlyList<CommandDefinition> Commands, string? Problem = null) : ChatReply;

/// <summary>A decision card, with a line on top saying what just happened.</summary>
/// <param name="Card">The card.</param>
/// <param name="Notice">What just happened (plain text), if anything.</param>
public sealed record CardReply(DecisionCard Card, string? Notice = null) : ChatReply;

/// <summary>Who to ask.</summary>
/// <param name="Who">The self-triage result.</param>
/// <param name="Note">A lead-in above it (e.g. <see cref="Messages.NotALeadWhoToAsk"/>).</param>
public sealed record WhoReply(WhoResult Who, string? Note = null) : ChatReply;

/// <summary>A message for the requester (redirect, request for details) for the adapter to deliver, and the updated card.</summary>
/// <param name="Request">The request (where it was posted, who asked).</param>
/// <param name="Card">The updated card.</param>
/// <param name="Message">The message for the requester (plain text).</param>
/// <param name="Owner">With a redirect: who the requester is pointed to.</param>
public sealed record RequesterMessageReply(RequestRecord Request, DecisionCard Card, string Message, Owner? Owner) : ChatReply
{
    /// <summary>
    /// Names this message for this state of the request, for every adapter's delivery queue: the same text for the same
    /// state (a double click, a form submitted twice, two devices: the use cases leave a repeated state as it was) is
    /// delivered once; another owner or another text (a second question, a redirect elsewhere), or the same one after
    /// the state changed in between (Leo, then Carla, then Leo again), is a new message.
    /// </summary>
    public string DeliveryKey =>
        "to-requester:" + Request.Id.ToString("N") + ":" + Request.Status + ":" + Request.OwnerId + ":"
        + Request.UpdatedAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) + ":"
        + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Message)), 0, 8);
}

/// <summary>The redirect message the requester would get, for the Lead to edit before sending.</summary>
/// <param name="Preview">The preview.</param>
public sealed record RedirectPreviewReply(RedirectResult Preview) : ChatReply;

/// <summary>The Lead's settings form, pre-filled; with errors when a submitted change was refused.</summary>
/// <param name="Settings">The effective settings.</param>
/// <param name="Notice">A line on top ("Saved."), if any.</param>
public sealed record SettingsReply(EffectiveLeadSettings Settings, string? Notice = null) : ChatReply
{
    /// <summary>The submitted form, shown again with <see cref="Errors"/> when it was refused.</summary>
    public SettingsForm? Submitted { get; init; }

    /// <summary>Field → what is wrong with it; empty when the change was saved.</summary>
    public IReadOnlyDictionary<SettingsField, string> Errors { get; init; } = new Dictionary<SettingsField, string>();
}

/// <summary>The Lead asked for their digest: the adapter queues its delivery (a chart and an upload take longer than a reply may).</summary>
/// <param name="LeadId">The Lead.</param>
/// <param name="IsoWeek">The ISO week asked for, or null for the current one.</param>
/// <param name="Notice">What to tell the Lead meanwhile.</param>
public sealed record DigestRequestedReply(string LeadId, string? IsoWeek, string Notice) : ChatReply;

/// <summary>A titled list of figures (label → value), such as the week's stats.</summary>
/// <param name="Title">The title.</param>
/// <param name="Facts">Label and value pairs, in order.</param>
/// <param name="Footer">A line below, if any.</param>
public sealed record FactsReply(string Title, IReadOnlyList<KeyValuePair<string, string>> Facts, string? Footer = null) : ChatReply;

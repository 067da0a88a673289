using TriageBot.Engine.Decisions;
using TriageBot.Engine.UseCases;

namespace TriageBot.Api;

// Bodies and answers of /api/v1. Request bodies carry the acting person's org id; fields marked required must be present
// and not blank (400 otherwise). The answers wrap the engine's chat-neutral models: the API adds no wording of its own.

/// <summary>A request to triage for a Lead.</summary>
public sealed class TriageBody
{
    /// <summary>Org id of the Lead the request was sent to (they must be a Lead in the org file).</summary>
    public required string LeadId { get; init; }

    /// <summary>The request text, as the requester wrote it (up to about 40,000 characters).</summary>
    public required string Text { get; init; }

    /// <summary>Org id of the requester (or any id for someone outside the org).</summary>
    public string? RequesterId { get; init; }

    /// <summary>The requester's display name (default: the org file's name, else the id).</summary>
    public string? RequesterName { get; init; }

    /// <summary>Where the request came from (a Jira key, a mailbox, a channel); default "api".</summary>
    public string? Channel { get; init; }

    /// <summary>A link back to the request (the ticket's URL).</summary>
    public string? Link { get; init; }

    /// <summary>Makes the call idempotent: the same key (per tenant) returns the request stored the first time.</summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>Self-triage: who or which team to ask.</summary>
public sealed class WhoBody
{
    /// <summary>Org id of the person asking (anyone; not only Leads).</summary>
    public required string RequesterId { get; init; }

    /// <summary>What they need help with.</summary>
    public required string Text { get; init; }
}

/// <summary>The Lead takes the request.</summary>
public sealed class TakeBody
{
    /// <summary>Org id of the Lead.</summary>
    public required string LeadId { get; init; }

    /// <summary>An estimate such as "30m", "1h15m" or "1.5h".</summary>
    public string? Estimate { get; init; }
}

/// <summary>The Lead redirects the request (or previews the redirect).</summary>
public sealed class RedirectBody
{
    /// <summary>Org id of the Lead.</summary>
    public required string LeadId { get; init; }

    /// <summary>A person or team id from the org file; default: the first suggested owner.</summary>
    public string? OwnerId { get; init; }

    /// <summary>The message for the requester, when edited; default: the suggested one.</summary>
    public string? Message { get; init; }
}

/// <summary>The Lead asks the requester for details.</summary>
public sealed class ClarifyBody
{
    /// <summary>Org id of the Lead.</summary>
    public required string LeadId { get; init; }

    /// <summary>The question for the requester, when edited; default: the suggested one.</summary>
    public string? Message { get; init; }
}

/// <summary>The Lead overrides one of the four answers; the decision is recomputed and both versions are kept.</summary>
public sealed class OverrideBody
{
    /// <summary>Org id of the Lead.</summary>
    public required string LeadId { get; init; }

    /// <summary>Which question.</summary>
    public required Question Question { get; init; }

    /// <summary>The new answer (yes, no or unsure for skill and reuse; yes or no for team; long or short for horizon).</summary>
    public required AnswerValue Answer { get; init; }
}

/// <summary>The Lead corrects the topic; the decision is recomputed and the bot learns the example.</summary>
public sealed class TopicBody
{
    /// <summary>Org id of the Lead.</summary>
    public required string LeadId { get; init; }

    /// <summary>A topic id from the org file, or <c>(none)</c> when the request names no topic (a follow-up, a hello).</summary>
    public required string TopicId { get; init; }
}

/// <summary>The Lead logs time on a request.</summary>
public sealed class RequestTimeBody
{
    /// <summary>Org id of the Lead.</summary>
    public required string LeadId { get; init; }

    /// <summary>How long: "30m", "1h15m", "1.5h".</summary>
    public required string Duration { get; init; }

    /// <summary>A note.</summary>
    public string? Note { get; init; }
}

/// <summary>The Lead logs time on their latest taken request.</summary>
public sealed class LeadTimeBody
{
    /// <summary>How long: "30m", "1h15m", "1.5h".</summary>
    public required string Duration { get; init; }

    /// <summary>A note.</summary>
    public string? Note { get; init; }
}

/// <summary>The acting Lead, for actions that need nothing else.</summary>
public sealed class LeadBody
{
    /// <summary>Org id of the Lead.</summary>
    public required string LeadId { get; init; }
}

/// <summary>A request's decision card, with a line saying what just happened.</summary>
/// <param name="Card">The card: decision, the four answers with their evidence, owners, the rule that fired.</param>
/// <param name="Notice">What just happened ("Taken: …"), if anything.</param>
public sealed record RequestResponse(DecisionCard Card, string? Notice);

/// <summary>A message for the requester (a redirect or a request for details), for the caller to deliver, and the updated card.</summary>
/// <param name="Card">The updated card.</param>
/// <param name="Message">The message for the requester: who to go to, why, and what to bring.</param>
/// <param name="Owner">With a redirect: who the requester is pointed to.</param>
public sealed record RequesterMessageResponse(DecisionCard Card, string Message, Owner? Owner);

/// <summary>Who to ask.</summary>
/// <param name="Owners">People or teams, best first.</param>
/// <param name="Advice">What to bring, or what to clarify.</param>
/// <param name="Note">A lead-in, if any.</param>
public sealed record WhoResponse(IReadOnlyList<Owner> Owners, string Advice, string? Note);

/// <summary>A short confirmation.</summary>
/// <param name="Notice">The text.</param>
public sealed record NoticeResponse(string Notice);

/// <summary>One figure.</summary>
/// <param name="Label">What it is ("Requests received").</param>
/// <param name="Value">Its value as shown ("4").</param>
public sealed record Fact(string Label, string Value);

/// <summary>A titled list of figures, such as the Lead's week (requests received, taken, redirected; help hours).</summary>
/// <param name="Title">The title ("Your week 2026-W48").</param>
/// <param name="Facts">The figures, in order.</param>
/// <param name="Footer">A line below, if any.</param>
public sealed record FactsResponse(string Title, IReadOnlyList<Fact> Facts, string? Footer);

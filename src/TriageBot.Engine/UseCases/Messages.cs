using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ledger;

namespace TriageBot.Engine.UseCases;

/// <summary>
/// The texts people read: the redirect message for the requester, the clarifying question and the confirmations for the Lead.
/// Chat-neutral plain text; adapters escape it. The redirect is never a brush-off: it names who or where, says why they are
/// best placed, lists what to include, and leaves the door open.
/// </summary>
public static class Messages
{
    /// <summary>The lead-in above "who to ask" when someone who is not a Lead forwards or asks something.</summary>
    public const string NotALeadWhoToAsk = "You're not set up as a Lead, so here is who to ask:";

    /// <summary>What a requester should include in any request, as bullet lines.</summary>
    public static IReadOnlyList<string> WhatToInclude { get; } =
    [
        "the context: what you're working on and what it feeds into",
        "what you've tried so far, and where you got stuck",
        "links: the query, notebook, dashboard, ticket or doc",
        "your deadline: when you need it by",
    ];

    /// <summary>The polite redirect message for the requester.</summary>
    /// <param name="requesterName">Who asked.</param>
    /// <param name="leadName">The Lead redirecting.</param>
    /// <param name="owner">Who or which team to go to.</param>
    /// <param name="topicName">What the request is about, if known.</param>
    /// <param name="ownerSkill">The person owner's level (1–5) on the topic, 0 when unknown; says why they are best placed.</param>
    /// <remarks>
    /// The "why" is written for the requester from org facts (the team's remit, the person's expertise); the engine's
    /// internal reasons (capacity, growth opportunity) stay on the Lead's card.
    /// </remarks>
    public static string Redirect(string requesterName, string leadName, Owner owner, string? topicName, int ownerSkill = 0)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var hi = Greeting(requesterName);
        var lead = FirstName(leadName);
        var about = topicName is null ? "Thanks for your message." : $"Thanks for asking about {topicName}.";
        string who;
        string where;
        if (owner.Type == OwnerType.Team)
        {
            who = topicName is null
                ? $"The {owner.Name} team is there to help with exactly this, so they're best placed to give you a good answer quickly."
                : $"The {owner.Name} team looks after {topicName}, so they're best placed to help and can give you a supported answer quickly.";
            where = string.IsNullOrWhiteSpace(owner.Intake)
                ? $"Please reach out to the {owner.Name} team and include:"
                : $"Please post your request in {owner.Intake} and include:";
        }
        else
        {
            var first = FirstName(owner.Name);
            var because = topicName is null || ownerSkill <= 0
                ? ""
                : ownerSkill >= 4
                    ? $": {first} is one of the most experienced people on {topicName}"
                    : $": {first} knows {topicName} well and can give it proper attention";
            who = $"{lead} thinks {owner.Name} is the best person to help with this{because}.";
            where = $"Please reach out to {first} directly and include:";
        }

        var lines = new List<string> { $"{hi} {about} {who}", where };
        lines.AddRange(WhatToInclude.Select(x => "• " + x));
        lines.Add($"If you're still stuck after that, come back to {lead}: this isn't a no, it's the quickest way to a good answer.");
        return string.Join('\n', lines);
    }

    /// <summary>The question asking the requester for details when the bot could not tell what a request is about.</summary>
    public static string Clarify(string requesterName, string leadName)
    {
        var lines = new List<string>
        {
            $"{Greeting(requesterName)} Thanks for your message. To get you to the right person quickly, {FirstName(leadName)} needs a bit more detail:",
            "• what it's about (the tool, dataset, method or system)",
            "• what you're trying to achieve, and what you've tried so far",
            "• links to anything relevant, and when you need it by",
        };
        return string.Join('\n', lines);
    }

    /// <summary>Confirmation for the Lead after taking a request.</summary>
    public static string Taken(string requesterName, HelpMode mode, int? estimateMinutes)
    {
        var how = mode switch
        {
            HelpMode.Teach => "teach",
            HelpMode.Review => "review it for",
            _ => "do it for",
        };
        var estimate = estimateMinutes is { } m ? $" Estimated {HelpDuration.Format(m)}." : "";
        return $"Taken: you'll {how} {FirstName(requesterName)}.{estimate} Log the time you spend with \"log 30m\" (or 1h15m, 1.5h) and mark it done when finished.";
    }

    /// <summary>Confirmation for the Lead after redirecting.</summary>
    public static string Redirected(string requesterName, Owner owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var target = owner.Type == OwnerType.Team
            ? string.IsNullOrWhiteSpace(owner.Intake) ? $"the {owner.Name} team" : $"the {owner.Name} team ({owner.Intake})"
            : owner.Name;
        return $"Redirected {FirstName(requesterName)} to {target}.";
    }

    /// <summary>Confirmation for the Lead after logging time.</summary>
    public static string Logged(int minutes, string? requestLabel, double weekHours, double budgetHours)
    {
        var on = requestLabel is null ? "" : $" on {requestLabel}";
        var week = $"{HelpDuration.FormatHours(weekHours)} of {HelpDuration.FormatHours(budgetHours)} this week";
        var over = weekHours > budgetHours ? $" — {HelpDuration.FormatHours(weekHours - budgetHours)} over budget" : "";
        return $"Logged {HelpDuration.Format(minutes)}{on} — {week}{over}.";
    }

    /// <summary>Confirmation for the Lead after marking a request done.</summary>
    public static string Done(string requestLabel, int loggedMinutes)
    {
        var logged = loggedMinutes > 0
            ? $" You logged {HelpDuration.Format(loggedMinutes)} on it."
            : " No time logged on it yet: log it with \"log 30m\".";
        return $"Marked done: {requestLabel}.{logged}";
    }

    /// <summary>"Bruno's request about SQL" — how a request is named in confirmations.</summary>
    public static string RequestLabel(string requesterName, string? topicName) =>
        topicName is null ? $"{FirstName(requesterName)}'s request" : $"{FirstName(requesterName)}'s request about {topicName}";

    /// <summary>The first word of a display name ("Ana Lima" → "Ana").</summary>
    public static string FirstName(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "there";
        }

        var trimmed = name.Trim();
        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 ? trimmed[..space] : trimmed;
    }

    private static string Greeting(string requesterName) =>
        string.IsNullOrWhiteSpace(requesterName) ? "Hi!" : $"Hi {FirstName(requesterName)}!";
}

using System.Globalization;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ledger;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;

namespace TriageBot.Engine.UseCases;

/// <summary>
/// Turns a stored request and a decision version into the chat-neutral <see cref="DecisionCard"/>: all the wording
/// (headline, summary, question labels, answer texts, how to help, the repeat notice) and the actions offered per status.
/// </summary>
public static class DecisionCardPresenter
{
    /// <summary>Longest request excerpt shown on a card, in characters.</summary>
    public const int MaxExcerptLength = 500;

    private static readonly AnswerValue[] YesNoUnsure = [AnswerValue.Yes, AnswerValue.No, AnswerValue.Unsure];
    private static readonly AnswerValue[] LongShort = [AnswerValue.Long, AnswerValue.Short];

    /// <summary>The question as shown to the Lead.</summary>
    public static string QuestionLabel(Question question) => question switch
    {
        Question.Skill => "Am I exceptionally skilled?",
        Question.Reuse => "Will teaching it be reused?",
        Question.Team => "Is there a team for this?",
        Question.Horizon => "How long will it guide their work?",
        _ => question.ToString(),
    };

    /// <summary>The answer as shown ("Yes", "No", "Unsure", "Long", "Short").</summary>
    public static string ValueText(AnswerValue value) => value switch
    {
        AnswerValue.Yes => "Yes",
        AnswerValue.No => "No",
        AnswerValue.Unsure => "Unsure",
        AnswerValue.Long => "Long",
        AnswerValue.Short => "Short",
        _ => value.ToString(),
    };

    /// <summary>Every value a question can take (horizon is long/short; the others yes/no/unsure).</summary>
    public static IReadOnlyList<AnswerValue> AllowedValues(Question question) => question == Question.Horizon ? LongShort : YesNoUnsure;

    /// <summary>True when <paramref name="value"/> is a valid answer to <paramref name="question"/>.</summary>
    public static bool IsAllowed(Question question, AnswerValue value) => AllowedValues(question).Contains(value);

    /// <summary>The values the Lead may switch an answer to (all allowed values except the current one).</summary>
    public static IReadOnlyList<AnswerValue> ChoicesFor(Question question, AnswerValue current) =>
        AllowedValues(question).Where(v => v != current).ToArray();

    /// <summary>The request text shortened to at most <paramref name="max"/> characters, cut at a word boundary with "…".</summary>
    public static string Excerpt(string? text, int max = MaxExcerptLength)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var trimmed = text.Trim();
        if (trimmed.Length <= max)
        {
            return trimmed;
        }

        var cut = max - 1;
        // Never split a surrogate pair.
        if (cut > 0 && char.IsHighSurrogate(trimmed[cut - 1]))
        {
            cut--;
        }

        var space = trimmed.LastIndexOfAny([' ', '\n', '\t'], cut - 1, Math.Min(cut, 80));
        if (space > max / 2)
        {
            cut = space;
        }

        return trimmed[..cut].TrimEnd() + "…";
    }

    /// <summary>
    /// The notice shown when a topic keeps reaching the Lead: <paramref name="countInWindow"/> requests (including this one)
    /// within the policy's repeat window; null below the threshold.
    /// </summary>
    public static string? RepeatNotice(string topicName, int countInWindow, DecisionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (countInWindow < policy.RepeatThreshold)
        {
            return null;
        }

        return $"{topicName} has reached you {RepeatCounting.Times(countInWindow)} times in the last {WindowText(policy.RepeatWindowDays)} (including this one). "
            + "Rather than another one-off answer, consider writing it up once (a short guide or FAQ) or running a group session for everyone who asks.";
    }

    /// <summary>"4 weeks" for 28 days, "10 days" otherwise.</summary>
    public static string WindowText(int days) =>
        days % 7 == 0 ? (days == 7 ? "week" : string.Create(CultureInfo.InvariantCulture, $"{days / 7} weeks")) : string.Create(CultureInfo.InvariantCulture, $"{days} days");

    /// <summary>Builds the card for a request and one of its decision versions.</summary>
    /// <param name="request">The stored request (its status drives the headline and the actions).</param>
    /// <param name="decision">The decision version to show.</param>
    /// <param name="org">The org directory (topic, person and team names).</param>
    /// <param name="topicRepeatCount">Requests on the top topic that reached the Lead in the repeat window, including this one.</param>
    /// <param name="policy">The decision policy (repeat threshold and window).</param>
    public static DecisionCard Present(RequestRecord request, DecisionRecord decision, OrgDirectory org, int topicRepeatCount, DecisionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(org);
        ArgumentNullException.ThrowIfNull(policy);

        var d = decision.Decision;
        var topics = d.Analysis.Topics.Select(t => TopicName(org, t.TopicId)).ToArray();
        var topTopic = topics.Length > 0 ? topics[0] : null;

        var answers = Enum.GetValues<Question>()
            .Select(q => d.Answers.FirstOrDefault(a => a.Question == q))
            .Where(a => a is not null)
            .Select(a => new AnswerLine(
                a!.Question,
                QuestionLabel(a.Question),
                a.Value,
                ValueText(a.Value),
                a.Why,
                a.Overridden || decision.Overrides.ContainsKey(a.Question),
                ChoicesFor(a.Question, a.Value)))
            .ToArray();

        var howToHelp = d.HowToHelp is { } h ? FormatHowToHelp(h) : null;
        var repeat = topTopic is null ? null : RepeatNotice(topTopic, topicRepeatCount, policy);

        var top = d.Analysis.TopTopic;
        var canCorrect = request.Status is RequestStatus.Open or RequestStatus.Clarified;
        var learned = top?.Evidence.FirstOrDefault(e => e.Source == Understanding.EvidenceSource.Learned);
        return new DecisionCard(
            request.Id,
            decision.Version,
            d.Outcome,
            request.Status,
            Headline(request, d, org),
            Summary(request, d, topTopic, org),
            request.RequesterName,
            Excerpt(request.Text),
            topics,
            answers,
            d.Owners,
            howToHelp,
            repeat,
            string.IsNullOrWhiteSpace(d.RuleText) ? d.Rule : d.RuleText,
            canCorrect ? [.. Actions(request.Status, d), CardAction.CorrectTopic] : Actions(request.Status, d))
        {
            TopicId = top?.TopicId,
            TopicConfidence = top is null ? null : Math.Round(top.Confidence, 2),
            TopicEvidence = top is null ? [] : [.. top.Evidence.Take(4).Select(e => e.Describe())],
            LearnedNote = learned is null ? null : $"Decided like {learned.Detail.Replace("triaged before", "you triaged before", StringComparison.Ordinal)}.",
            Guesses = top is null && canCorrect ? [.. d.Analysis.Guesses.Select(g => new TopicChoice(g.TopicId, TopicName(org, g.TopicId)))] : [],
            TopicChoices = canCorrect ? TopicChoicesFor(org, top?.TopicId) : [],
            CorrectTopicLabel = !canCorrect ? null : top is null ? "Pick the topic" : $"Not about {TopicName(org, top.TopicId)}? Pick the topic",
        };
    }

    /// <summary>The label of the "no topic" choice in the topic select.</summary>
    public const string NoTopicChoice = "No topic (a follow-up or a hello)";

    // A card with a topic also offers "no topic", first, so a long topic list cut to a select's limit keeps it.
    private static TopicChoice[] TopicChoicesFor(OrgDirectory org, string? current) =>
    [
        .. current is null ? [] : new[] { new TopicChoice(Understanding.LearnedExample.NoTopic, NoTopicChoice) },
        .. org.Topics.Where(t => t.Id != current).Select(t => new TopicChoice(t.Id, t.Name)),
    ];

    /// <summary>"20-minute pairing (about 30m, timeboxed)".</summary>
    public static string FormatHowToHelp(HowToHelp how)
    {
        ArgumentNullException.ThrowIfNull(how);
        var parts = new List<string>();
        if (how.EstimateMinutes > 0)
        {
            parts.Add("about " + HelpDuration.Format(how.EstimateMinutes));
        }

        if (how.Timeboxed)
        {
            parts.Add("timeboxed");
        }

        return parts.Count == 0 ? how.Suggestion : $"{how.Suggestion} ({string.Join(", ", parts)})";
    }

    /// <summary>The short headline for the card.</summary>
    public static string Headline(RequestRecord request, Decision decision, OrgDirectory org)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(org);
        return request.Status switch
        {
            RequestStatus.Taken => $"Taken: {ModeText(decision.Mode ?? HelpMode.Do)}",
            RequestStatus.Done => "Done",
            RequestStatus.Redirected => $"Redirected to {OwnerName(request, decision, org)}",
            RequestStatus.Clarified => "Asked for details",
            RequestStatus.Dropped => "Dropped",
            _ => decision.Outcome switch
            {
                DecisionOutcome.Take => $"Take it: {ModeText(decision.Mode ?? HelpMode.Do)}{(decision.Timeboxed ? " (timeboxed)" : "")}",
                DecisionOutcome.Redirect => decision.Owners.Count > 0 ? $"Redirect to {decision.Owners[0].Name}" : "Redirect",
                _ => "Clarify: what is this about?",
            },
        };
    }

    /// <summary>One or two sentences explaining the decision to the Lead.</summary>
    /// <param name="request">The request.</param>
    /// <param name="decision">The decision.</param>
    /// <param name="topicName">The main topic's name, if any.</param>
    /// <param name="org">The org, for the names of the guesses offered with clarify (ids when null).</param>
    public static string Summary(RequestRecord request, Decision decision, string? topicName, OrgDirectory? org = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(decision);
        var who = Messages.FirstName(request.RequesterName);
        var topic = topicName ?? "this";
        var budget = decision.Rule.Contains("budget", StringComparison.OrdinalIgnoreCase)
            ? "You've reached your help budget for this week. "
            : "";

        switch (decision.Outcome)
        {
            case DecisionOutcome.Take:
            {
                var reasons = new List<string>();
                if (Is(decision, Question.Skill, AnswerValue.Yes))
                {
                    reasons.Add($"you are exceptionally skilled in {topic}");
                }

                if (Is(decision, Question.Reuse, AnswerValue.Yes))
                {
                    reasons.Add($"{who} will reuse what they learn");
                }

                if (Is(decision, Question.Horizon, AnswerValue.Long))
                {
                    reasons.Add("the answer will guide their work for weeks or more");
                }

                if (reasons.Count == 0)
                {
                    reasons.Add("nobody better placed is available right now");
                }

                var timebox = decision.Timeboxed ? " Timebox it so it doesn't eat your week." : "";
                return $"{budget}Take it: {JoinAnd(reasons)}.{timebox}";
            }

            case DecisionOutcome.Redirect when decision.Owners.Count > 0:
            {
                var owner = decision.Owners[0];
                if (owner.Type == OwnerType.Team)
                {
                    var intake = string.IsNullOrWhiteSpace(owner.Intake) ? "" : $" (intake: {owner.Intake})";
                    return $"{budget}{owner.Name} exists to help with {topic}{intake}: sending {who} there gets them a supported answer and keeps your time for work only you can do.";
                }

                var why = string.IsNullOrWhiteSpace(owner.Why) ? "" : $" ({owner.Why.Trim().TrimEnd('.')})";
                return $"{budget}{owner.Name} is well placed to help with {topic}{why}. Redirecting keeps your time for work only you can do, and it's a chance for them to grow.";
            }

            case DecisionOutcome.Redirect:
                return $"{budget}Someone else should help {who} with {topic}; pick an owner before redirecting.";

            default:
                return decision.Analysis.ClarifyReason switch
                {
                    Analysis.ClarifyReason.NoWords =>
                        $"There are no words I can read in this message (only emoji or symbols). Ask {who} what they need: the topic, the goal and what they've tried.",
                    Analysis.ClarifyReason.NoSentence =>
                        $"There's only a link or a code in this message, no sentence saying what's needed. Ask {who} what they need from it: the topic, the goal and what they've tried.",
                    Analysis.ClarifyReason.Paste =>
                        $"This looks like a pasted log or code, and I couldn't find what it's about. Ask {who} for one sentence on what they need, the tool or dataset involved, and the one error line that matters.",
                    Analysis.ClarifyReason.NoTopicByLead =>
                        $"You said this names no topic (a follow-up or a hello), so there's nothing to route yet; I'll read messages like it the same way. Ask {who} what they need: the topic, the goal and what they've tried.",
                    Analysis.ClarifyReason.Unsure when decision.Analysis.Guesses.Count > 0 =>
                        $"I'm not sure what this is about: it might be {string.Join(" or ", decision.Analysis.Guesses.Select(g => org is null ? g.TopicId : TopicName(org, g.TopicId)))}. Pick the topic below to decide (I'll learn from it), or ask {who} for the topic, the goal and what they've tried.",
                    _ => $"I couldn't tell what this is about, so I can't route it yet. Ask {who} for the topic (the tool, dataset or method), the goal and what they've tried.",
                };
        }
    }

    /// <summary>The actions offered for a request status and decision.</summary>
    public static IReadOnlyList<CardAction> Actions(RequestStatus status, Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var hasOwner = decision.Owners.Count > 0;
        var actions = new List<CardAction>();
        switch (status)
        {
            case RequestStatus.Open:
                switch (decision.Outcome)
                {
                    case DecisionOutcome.Take:
                        actions.Add(CardAction.Take);
                        if (hasOwner)
                        {
                            actions.Add(CardAction.Redirect);
                        }

                        actions.Add(CardAction.AskForDetails);
                        break;
                    case DecisionOutcome.Redirect:
                        if (hasOwner)
                        {
                            actions.Add(CardAction.Redirect);
                        }

                        actions.Add(CardAction.Take);
                        actions.Add(CardAction.AskForDetails);
                        break;
                    default:
                        actions.Add(CardAction.AskForDetails);
                        actions.Add(CardAction.Take);
                        if (hasOwner)
                        {
                            actions.Add(CardAction.Redirect);
                        }

                        break;
                }

                actions.Add(CardAction.Override);
                break;
            case RequestStatus.Clarified:
                actions.Add(CardAction.Take);
                if (hasOwner)
                {
                    actions.Add(CardAction.Redirect);
                }

                actions.Add(CardAction.Override);
                break;
            case RequestStatus.Taken:
                actions.Add(CardAction.LogTime);
                actions.Add(CardAction.Done);
                if (hasOwner)
                {
                    actions.Add(CardAction.Redirect);
                }

                break;
            case RequestStatus.Done:
                actions.Add(CardAction.LogTime);
                break;
            default:
                break;
        }

        return actions;
    }

    internal static string TopicName(OrgDirectory org, string? topicId) =>
        topicId is null ? "(no topic)" : org.FindTopic(topicId)?.Name ?? topicId;

    internal static string ModeText(HelpMode mode) => mode switch
    {
        HelpMode.Teach => "teach",
        HelpMode.Review => "review",
        _ => "do it",
    };

    private static string OwnerName(RequestRecord request, Decision decision, OrgDirectory org)
    {
        if (request.OwnerId is null)
        {
            return "someone else";
        }

        var suggested = decision.Owners.FirstOrDefault(o => o.Id == request.OwnerId);
        if (suggested is not null)
        {
            return suggested.Name;
        }

        return request.OwnerType == OwnerType.Team
            ? org.FindTeam(request.OwnerId)?.Name ?? request.OwnerId
            : org.FindPerson(request.OwnerId)?.Name ?? request.OwnerId;
    }

    private static bool Is(Decision decision, Question question, AnswerValue value) =>
        decision.Answers.Any(a => a.Question == question && a.Value == value);

    private static string JoinAnd(List<string> parts) => parts.Count switch
    {
        1 => parts[0],
        2 => $"{parts[0]} and {parts[1]}",
        _ => string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[^1],
    };
}

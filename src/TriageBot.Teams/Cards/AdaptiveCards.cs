using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ports;
using TriageBot.Engine.UseCases;

namespace TriageBot.Teams.Cards;

/// <summary>Where a card is shown: Universal Actions (<c>Action.Execute</c>) work in conversations, not in task modules (dialogs).</summary>
public enum CardSurface
{
    /// <summary>A card in a chat or channel: <c>Action.Execute</c> with an <c>Action.Submit</c> fallback.</summary>
    Conversation,

    /// <summary>A card in a task module: <c>Action.Submit</c> (arrives as <c>composeExtension/submitAction</c>).</summary>
    TaskModule,
}

/// <summary>Builds Adaptive Cards 1.5 from the engine's chat-neutral models. User text is always Markdown-escaped.</summary>
public static partial class AdaptiveCards
{
    public const string Version = "1.5";
    private const string Schema = "http://adaptivecards.io/schemas/adaptive-card.json";

    /// <summary>The decision card: decision, four answers with their why in a show-more, owners, actions and override choices.</summary>
    /// <param name="card">The engine's card.</param>
    /// <param name="surface">Conversation or task module.</param>
    /// <param name="notice">An extra line at the top (confirmation, message to paste), plain text.</param>
    /// <param name="compact">Shorter rendering used when the full card exceeds a size limit.</param>
    public static JsonObject Decision(DecisionCard card, CardSurface surface, string? notice = null, bool compact = false)
    {
        ArgumentNullException.ThrowIfNull(card);
        var id = card.RequestId.ToString();
        var body = new JsonArray();

        if (!string.IsNullOrWhiteSpace(notice))
        {
            body.Add(new JsonObject
            {
                ["type"] = "Container",
                ["style"] = "good",
                ["items"] = new JsonArray(Text(Markdown.Escape(notice), wrap: true)),
            });
        }

        body.Add(Text(Markdown.Escape(card.Headline), size: "Large", weight: "Bolder"));
        body.Add(Text(Markdown.Escape(card.Summary)));
        body.Add(Text($"Status: {StatusText(card.Status)} · decision v{card.Version}", subtle: true, size: "Small"));

        var excerpt = compact && card.RequestExcerpt.Length > 300 ? card.RequestExcerpt[..300] + "…" : card.RequestExcerpt;
        body.Add(new JsonObject
        {
            ["type"] = "Container",
            ["style"] = "emphasis",
            ["items"] = new JsonArray(
                Text($"**From {Markdown.Escape(card.RequesterName)}**"),
                Text(Markdown.Escape(excerpt))),
        });

        if (card.Topics.Count > 0)
        {
            body.Add(Text("Topics: " + string.Join(", ", card.Topics.Select(Markdown.Escape)), subtle: true));
        }

        // Why this topic, with where each piece of evidence came from; and when the Leads' own examples decided.
        if (card.TopicEvidence.Count > 0 && !compact)
        {
            var sure = card.TopicConfidence is { } c ? string.Create(CultureInfo.InvariantCulture, $" ({c * 100:0}% sure)") : string.Empty;
            body.Add(Text($"Why {Markdown.Escape(card.Topics.Count > 0 ? card.Topics[0] : "this topic")}{sure}: "
                + string.Join("; ", card.TopicEvidence.Select(Markdown.Escape)), subtle: true, size: "Small"));
        }

        if (!string.IsNullOrWhiteSpace(card.LearnedNote))
        {
            body.Add(Text(Markdown.Escape(card.LearnedNote), subtle: true, size: "Small"));
        }

        if (!string.IsNullOrWhiteSpace(card.HowToHelp))
        {
            body.Add(Text("How to help: " + Markdown.Escape(card.HowToHelp)));
        }

        if (!string.IsNullOrWhiteSpace(card.RepeatNotice))
        {
            body.Add(Text(Markdown.Escape(card.RepeatNotice), color: "Warning"));
        }

        if (card.Owners.Count > 0)
        {
            body.Add(Text("**Better owners**", separator: true));
            foreach (var owner in card.Owners)
            {
                body.Add(Text(OwnerLine(owner, compact)));
            }
        }

        // The four answers at a glance; their why and the override choices behind "Show why".
        body.Add(Text(string.Join(" · ", card.Answers.Select(a => $"{Markdown.Escape(a.Label)} **{Markdown.Escape(a.ValueText)}**{(a.Overridden ? " (set by you)" : string.Empty)}")), separator: true));
        var whyId = "why-" + id;
        var why = new JsonArray();
        foreach (var answer in card.Answers)
        {
            why.Add(Text($"**{Markdown.Escape(answer.Label)}** {Markdown.Escape(answer.ValueText)}{(answer.Overridden ? " (set by you)" : string.Empty)}"));
            if (!compact)
            {
                why.Add(Text(Markdown.Escape(answer.Why), subtle: true, spacing: "None"));
            }

            if (card.Actions.Contains(CardAction.Override))
            {
                var choices = new JsonArray();
                foreach (var choice in answer.Choices.Where(c => c != answer.Value))
                {
                    choices.Add(Action(surface, $"{ValueText(choice)}", Verbs.Override, card, new JsonObject
                    {
                        ["question"] = answer.Question.ToString(),
                        ["value"] = choice.ToString(),
                    }));
                }

                if (choices.Count > 0)
                {
                    why.Add(new JsonObject { ["type"] = "ActionSet", ["actions"] = choices, ["spacing"] = "Small" });
                }
            }
        }

        why.Add(Text("Rule: " + Markdown.Escape(card.RuleText), subtle: true, size: "Small"));
        body.Add(new JsonObject { ["type"] = "Container", ["id"] = whyId, ["isVisible"] = false, ["items"] = why });

        var actions = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "Action.ToggleVisibility",
                ["title"] = "Show why",
                ["targetElements"] = new JsonArray(whyId),
            },
        };

        foreach (var action in card.Actions)
        {
            switch (action)
            {
                case CardAction.Take:
                    actions.Add(Action(surface, "Take it", Verbs.Take, card));
                    break;
                case CardAction.Redirect:
                    actions.Add(Action(surface, "Redirect", Verbs.Redirect, card));
                    break;
                case CardAction.AskForDetails:
                    actions.Add(Action(surface, "Ask for details", Verbs.Clarify, card));
                    break;
                case CardAction.Done:
                    actions.Add(Action(surface, "Mark done", Verbs.Done, card));
                    break;
                case CardAction.LogTime:
                    actions.Add(new JsonObject
                    {
                        ["type"] = "Action.ShowCard",
                        ["title"] = "Log time",
                        ["card"] = new JsonObject
                        {
                            ["type"] = "AdaptiveCard",
                            ["body"] = new JsonArray(new JsonObject
                            {
                                ["type"] = "Input.Text",
                                ["id"] = "duration",
                                ["label"] = "Time spent (30m, 1h15m, 1.5h)",
                                ["isRequired"] = true,
                                ["errorMessage"] = "Enter a duration such as 30m or 1h15m.",
                            }),
                            ["actions"] = new JsonArray(Action(surface, "Log", Verbs.Log, card)),
                        },
                    });
                    break;
                case CardAction.CorrectTopic:
                    foreach (var guess in card.Guesses)
                    {
                        actions.Add(Action(surface, $"It's about {guess.Name}", Verbs.CorrectTopic, card, new JsonObject { ["topic"] = guess.Id }));
                    }

                    if (card.TopicChoices.Count > 0)
                    {
                        actions.Add(new JsonObject
                        {
                            ["type"] = "Action.ShowCard",
                            ["title"] = card.TopicId is null ? "Pick the topic" : "Wrong topic?",
                            ["card"] = new JsonObject
                            {
                                ["type"] = "AdaptiveCard",
                                ["body"] = new JsonArray(new JsonObject
                                {
                                    ["type"] = "Input.ChoiceSet",
                                    ["id"] = "topic",
                                    ["label"] = card.CorrectTopicLabel ?? "Pick the topic",
                                    ["style"] = "compact",
                                    ["isRequired"] = true,
                                    ["errorMessage"] = "Pick a topic.",
                                    ["choices"] = new JsonArray([.. card.TopicChoices.Select(t => (JsonNode)new JsonObject { ["title"] = t.Name, ["value"] = t.Id })]),
                                }),
                                ["actions"] = new JsonArray(Action(surface, "Set topic", Verbs.CorrectTopic, card)),
                            },
                        });
                    }

                    break;
                default:
                    break;
            }
        }

        return Card(body, actions);
    }

    /// <summary>A card with one text block (used for messages inside task modules and invoke answers).</summary>
    public static JsonObject Message(string text) => Card(new JsonArray(Text(Markdown.Escape(text))), []);

    /// <summary>The serialized size of a card in bytes.</summary>
    public static int MeasureBytes(JsonNode card) => Encoding.UTF8.GetByteCount(card.ToJsonString());

    /// <summary>The answer shown for an answer value.</summary>
    public static string ValueText(AnswerValue value) => value switch
    {
        AnswerValue.Yes => "Yes",
        AnswerValue.No => "No",
        AnswerValue.Unsure => "Unsure",
        AnswerValue.Long => "Long",
        AnswerValue.Short => "Short",
        _ => value.ToString(),
    };

    private static string StatusText(RequestStatus status) => status switch
    {
        RequestStatus.Open => "open",
        RequestStatus.Taken => "taken",
        RequestStatus.Redirected => "redirected",
        RequestStatus.Clarified => "asked for details",
        RequestStatus.Dropped => "dropped",
        RequestStatus.Done => "done",
        _ => status.ToString(),
    };

    private static string OwnerLine(Owner owner, bool compact)
    {
        var sb = new StringBuilder();
        sb.Append("**").Append(Markdown.Escape(owner.Name)).Append("**");
        sb.Append(owner.Type == OwnerType.Team ? " (team)" : string.Empty);
        if (!compact && !string.IsNullOrWhiteSpace(owner.Why))
        {
            sb.Append(" — ").Append(Markdown.Escape(owner.Why));
        }

        if (!string.IsNullOrWhiteSpace(owner.Intake))
        {
            sb.Append(" · Intake: ");
            if (Uri.TryCreate(owner.Intake, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            {
                // Link text escaped; the URL goes in the link target with parentheses encoded so it cannot break out.
                sb.Append('[').Append(Markdown.Escape(owner.Intake)).Append("](")
                    .Append(uri.AbsoluteUri.Replace("(", "%28", StringComparison.Ordinal).Replace(")", "%29", StringComparison.Ordinal)).Append(')');
            }
            else
            {
                sb.Append(Markdown.Escape(owner.Intake));
            }
        }

        return sb.ToString();
    }

    private static JsonObject Action(CardSurface surface, string title, string verb, DecisionCard card, JsonObject? extra = null)
    {
        var data = new JsonObject
        {
            ["verb"] = verb,
            ["requestId"] = card.RequestId.ToString(),
            ["version"] = card.Version,
        };
        if (extra is not null)
        {
            foreach (var (key, value) in extra.ToList())
            {
                extra.Remove(key);
                data[key] = value;
            }
        }

        return ActionWithData(surface, title, verb, data);
    }

    private static JsonObject ActionWithData(CardSurface surface, string title, string verb, JsonObject data)
    {
        var submit = new JsonObject
        {
            ["type"] = "Action.Submit",
            ["title"] = title,
            ["data"] = data.DeepClone(),
        };
        if (surface == CardSurface.TaskModule)
        {
            return submit;
        }

        // Universal Action; clients without Action.Execute support fall back to Action.Submit with the verb in its data.
        return new JsonObject
        {
            ["type"] = "Action.Execute",
            ["title"] = title,
            ["verb"] = verb,
            ["data"] = data,
            ["fallback"] = submit,
        };
    }

    private static JsonObject Card(JsonArray body, JsonArray actions)
    {
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = Schema,
            ["version"] = Version,
            ["body"] = body,
        };
        if (actions.Count > 0)
        {
            card["actions"] = actions;
        }

        card["msteams"] = new JsonObject { ["width"] = "Full" };
        return card;
    }

    private static JsonObject Fact(string title, string value) => new() { ["title"] = title, ["value"] = value };

    private static JsonObject Text(string text, bool wrap = true, string? size = null, string? weight = null, bool subtle = false, string? color = null, bool separator = false, string? spacing = null)
    {
        var block = new JsonObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = wrap };
        if (size is not null)
        {
            block["size"] = size;
        }

        if (weight is not null)
        {
            block["weight"] = weight;
        }

        if (subtle)
        {
            block["isSubtle"] = true;
        }

        if (color is not null)
        {
            block["color"] = color;
        }

        if (separator)
        {
            block["separator"] = true;
        }

        if (spacing is not null)
        {
            block["spacing"] = spacing;
        }

        return block;
    }
}

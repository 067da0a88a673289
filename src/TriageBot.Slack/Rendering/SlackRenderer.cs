using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Digest;
using TriageBot.Engine.Ports;
using TriageBot.Engine.UseCases;
using TriageBot.Slack.App;
using TriageBot.Slack.BlockKit;
using TriageBot.Slack.Protocol;

namespace TriageBot.Slack.Rendering;

/// <summary>Where a decision card is shown; modals can hold the estimate input.</summary>
public enum CardSurface
{
    /// <summary>A message (DM, thread, ephemeral).</summary>
    Message,
    /// <summary>The triage modal.</summary>
    Modal,
}

/// <summary>Renders the engine's chat-neutral models as Block Kit. No decisions here: wording comes from the engine; user text is escaped.</summary>
public static class SlackRenderer
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The decision card as blocks.</summary>
    public static BlockBuilder CardBlocks(DecisionCard card, CardSurface surface, string? note = null, int maxBlocks = BlockLimits.MessageBlocks)
    {
        var b = new BlockBuilder(maxBlocks);
        if (!string.IsNullOrWhiteSpace(note))
        {
            b.Context(Md.Trusted(":white_check_mark: ") + Md.Text(note));
        }

        b.Header(card.Headline);
        b.Section(Md.Text(card.Summary));
        var topics = card.Topics.Count > 0 ? Md.Trusted(" · Topics: ") + Md.Text(string.Join(", ", card.Topics)) : Md.Trusted(string.Empty);
        b.Context(Md.Trusted("From ") + Md.Bold(card.RequesterName) + topics + Md.Trusted($" · Status: {card.Status} · v{card.Version}"));
        if (!string.IsNullOrWhiteSpace(card.RequestExcerpt))
        {
            b.Section(Quote(card.RequestExcerpt));
        }

        // Why this topic: the evidence with where each piece came from, and when the Leads' own examples decided.
        if (card.TopicEvidence.Count > 0)
        {
            var confidence = card.TopicConfidence is { } c ? Md.Trusted(string.Create(Inv, $" ({c * 100:0}% sure)")) : Md.Trusted(string.Empty);
            b.Context(Md.Trusted(":mag: ") + Md.Bold(card.Topics.Count > 0 ? card.Topics[0] : "Topic") + confidence + Md.Trusted(": ")
                + Md.Join("; ", card.TopicEvidence.Select(Md.Text)));
        }

        if (!string.IsNullOrWhiteSpace(card.LearnedNote))
        {
            b.Context(Md.Trusted(":brain: ") + Md.Text(card.LearnedNote));
        }

        b.Divider();
        var canOverride = card.Actions.Contains(CardAction.Override);
        foreach (var answer in card.Answers)
        {
            var text = Md.Bold(answer.Label) + Md.Trusted(" ") + Md.Text(answer.ValueText)
                + Md.Trusted(answer.Overridden ? " _(your answer)_" : string.Empty) + Md.Trusted("\n") + Md.Italic(answer.Why);
            JsonObject? accessory = null;
            if (canOverride && answer.Choices.Count > 0)
            {
                accessory = Element.StaticSelect(
                    SlackIds.OverridePrefix + answer.Question.ToString().ToLowerInvariant(),
                    "Change",
                    answer.Choices.Select(c => new BlockOption(ChoiceText(c), OverrideValue(card.RequestId, answer.Question, c))),
                    OverrideValue(card.RequestId, answer.Question, answer.Value));
            }

            b.Section(text, accessory);
        }

        if (card.Owners.Count > 0)
        {
            var lines = card.Owners.Select(o => Md.Trusted("• ") + Md.Bold(o.Name)
                + (string.IsNullOrWhiteSpace(o.Intake) ? Md.Trusted(string.Empty) : Md.Trusted(" (") + Md.Text(o.Intake) + Md.Trusted(")"))
                + Md.Trusted(" — ") + Md.Text(o.Why));
            b.Section(Md.Trusted("*Suggested owners*\n") + Md.Join("\n", lines));
        }

        if (!string.IsNullOrWhiteSpace(card.HowToHelp))
        {
            b.Context(Md.Trusted(":bulb: ") + Md.Text(card.HowToHelp));
        }

        if (!string.IsNullOrWhiteSpace(card.RepeatNotice))
        {
            b.Context(Md.Trusted(":repeat: ") + Md.Text(card.RepeatNotice));
        }

        b.Context(Md.Trusted("Rule: ") + Md.Text(card.RuleText));

        if (surface == CardSurface.Modal && card.Actions.Contains(CardAction.Take))
        {
            b.Input(SlackIds.EstimateBlock, "Estimate if you take it (optional)",
                Element.TextInput(SlackIds.EstimateAction, placeholder: "e.g. 30m, 1h15m, 1.5h", maxLength: 20), optional: true);
        }

        var buttons = new List<JsonObject>();
        var id = card.RequestId.ToString("D", Inv);
        foreach (var action in card.Actions)
        {
            switch (action)
            {
                case CardAction.Take:
                    buttons.Add(Element.Button("Take", SlackIds.Take, id, card.Outcome == DecisionOutcome.Take ? "primary" : null));
                    break;
                case CardAction.Redirect:
                    buttons.Add(Element.Button("Redirect…", SlackIds.Redirect, id, card.Outcome == DecisionOutcome.Redirect ? "primary" : null));
                    break;
                case CardAction.AskForDetails:
                    buttons.Add(Element.Button("Ask for details", SlackIds.Clarify, id, card.Outcome == DecisionOutcome.Clarify ? "primary" : null));
                    break;
                case CardAction.Done:
                    buttons.Add(Element.Button("Mark done", SlackIds.Done, id));
                    break;
                default:
                    break;
            }
        }

        b.Actions(buttons, "tb_actions");

        // Teach the bot: the clarify guesses as buttons, and a select to correct the topic; either recomputes the decision.
        if (card.Actions.Contains(CardAction.CorrectTopic))
        {
            var teach = new List<JsonObject>();
            for (var i = 0; i < card.Guesses.Count; i++)
            {
                teach.Add(Element.Button($"It's about {card.Guesses[i].Name}", SlackIds.TopicGuessPrefix + i.ToString(Inv), TopicValue(card.RequestId, card.Guesses[i].Id)));
            }

            if (card.TopicChoices.Count > 0)
            {
                teach.Add(Element.StaticSelect(SlackIds.TopicPick, card.CorrectTopicLabel ?? "Pick the topic",
                    card.TopicChoices.Select(t => new BlockOption(t.Name, TopicValue(card.RequestId, t.Id)))));
            }

            if (teach.Count > 0)
            {
                b.Actions(teach, "tb_topic");
            }
        }

        return b;
    }

    /// <summary>The decision card as a message (blocks + fallback text).</summary>
    public static (string Text, JsonArray Blocks) CardMessage(DecisionCard card, string? note = null) =>
        (SlackText.TruncateMrkdwn(SlackText.Escape(card.Headline), 3000), CardBlocks(card, CardSurface.Message, note).Build());

    /// <summary>The decision modal.</summary>
    public static JsonObject CardModal(DecisionCard card, ModalContext context, string? note = null) =>
        Views.Modal(SlackIds.TriageModal, "TriageBot", CardBlocks(card, CardSurface.Modal, note, BlockLimits.ViewBlocks),
            submit: card.Actions.Contains(CardAction.Take) ? "Close" : null, close: "Close", privateMetadata: Serialize(context));

    /// <summary>The editable redirect modal.</summary>
    public static JsonObject RedirectModal(RedirectResult preview, ModalContext context)
    {
        var b = new BlockBuilder(BlockLimits.ViewBlocks);
        b.Section(Md.Trusted("This goes to ") + Md.Bold(preview.Request.RequesterName) + Md.Trusted(" in the thread of the original message, pointing to ")
            + Md.Bold(preview.Owner.Name) + Md.Trusted("."));
        b.Input(SlackIds.RedirectMessageBlock, "Message", Element.TextInput(SlackIds.RedirectMessageAction, multiline: true, initialValue: preview.Message, maxLength: 3000));
        return Views.Modal(SlackIds.RedirectModal, "Redirect request", b, submit: "Send", close: "Back", privateMetadata: Serialize(context));
    }

    /// <summary>A modal that only says something (e.g. a Lead-only action by someone else).</summary>
    public static JsonObject InfoModal(string title, BlockBuilder blocks) => Views.Modal(SlackIds.InfoModal, title, blocks, close: "Close");

    /// <summary>The settings modal, pre-filled with the effective settings.</summary>
    public static JsonObject SettingsModal(EffectiveLeadSettings settings)
    {
        var b = new BlockBuilder(BlockLimits.ViewBlocks);
        b.Input(SlackIds.BudgetBlock, "Weekly help budget (hours, 0–60)",
            Element.TextInput(SlackIds.ValueAction, initialValue: settings.BudgetHours.ToString("0.##", Inv), maxLength: 6));
        b.Input(SlackIds.DayBlock, "Digest day",
            Element.StaticSelect(SlackIds.ValueAction, "Pick a day",
                Enum.GetValues<DayOfWeek>().Select(d => new BlockOption(d.ToString(), d.ToString())), settings.DigestDay.ToString()));
        b.Input(SlackIds.TimeBlock, "Digest time (24h, HH:mm)",
            Element.TextInput(SlackIds.ValueAction, initialValue: settings.DigestTime.ToString("HH:mm", Inv), maxLength: 5));
        b.Input(SlackIds.TimeZoneBlock, "Timezone (IANA, e.g. Europe/Berlin)",
            Element.TextInput(SlackIds.ValueAction, initialValue: settings.TimeZone, maxLength: 64));
        return Views.Modal(SlackIds.SettingsModal, "TriageBot settings", b, submit: "Save", close: "Cancel");
    }

    /// <summary>Self-triage answer.</summary>
    public static BlockBuilder Who(WhoResult who, string? note = null)
    {
        var b = new BlockBuilder();
        if (note is not null)
        {
            b.Context(Md.Text(note));
        }

        if (who.Owners.Count == 0)
        {
            b.Section(Md.Text(who.Advice));
            return b;
        }

        b.Section(Md.Trusted("*Who to ask*\n") + Md.Join("\n", who.Owners.Select(o => Md.Trusted("• ") + Md.Bold(o.Name)
            + (string.IsNullOrWhiteSpace(o.Intake) ? Md.Trusted(string.Empty) : Md.Trusted(" (") + Md.Text(o.Intake) + Md.Trusted(")"))
            + Md.Trusted(" — ") + Md.Text(o.Why))));
        b.Context(Md.Text(who.Advice));
        return b;
    }

    /// <summary>The weekly digest as blocks (the chart is uploaded next to it).</summary>
    public static BlockBuilder Digest(WeeklyDigest d)
    {
        var b = new BlockBuilder();
        b.Header($"Your help week {d.IsoWeek}");
        b.Fields([
            Md.Trusted("*Help time*\n") + Md.Text($"{d.HoursSpent.ToString("0.#", Inv)} h of {d.BudgetHours.ToString("0.#", Inv)} h budget ({(d.ShareOfWeek * 100).ToString("0", Inv)}% of a 40 h week)"),
            Md.Trusted("*Requests*\n") + Md.Text($"{d.Received} received · {d.Taken} taken · {d.Redirected} redirected · {d.Clarified} clarified"),
            Md.Trusted("*Estimated at take*\n") + Md.Text($"{d.EstimatedHours.ToString("0.#", Inv)} h"),
            Md.Trusted("*Leverage*\n") + Md.Text($"{d.Leverage.ToString("0.#", Inv)}× ({d.HoursGuided.ToString("0.#", Inv)} h of work guided)"),
        ]);
        if (d.HoursByKind.Count > 0)
        {
            b.Context(Md.Text("By kind: " + string.Join(" · ", d.HoursByKind.Select(k => $"{k.Kind} {k.Hours.ToString("0.#", Inv)} h"))));
        }

        if (d.HoursByTopic.Count > 0)
        {
            b.Section(Md.Trusted("*Topics*\n") + Md.Join("\n", d.HoursByTopic.Take(8).Select(t =>
                Md.Trusted("• ") + Md.Text($"{t.TopicName}: {t.Hours.ToString("0.#", Inv)} h, {t.Requests} request(s)"))));
        }

        if (d.TopRequesters.Count > 0)
        {
            b.Section(Md.Trusted("*Top requesters*\n") + Md.Join("\n", d.TopRequesters.Select(r =>
                Md.Trusted("• ") + Md.Text($"{r.Name}: {r.Requests} request(s), {r.Hours.ToString("0.#", Inv)} h"))));
        }

        if (d.RepeatedTopics.Count > 0)
        {
            b.Section(Md.Trusted("*Keeps coming back*\n") + Md.Join("\n", d.RepeatedTopics.Select(r =>
                Md.Trusted("• ") + Md.Bold(r.TopicName) + Md.Text($" ({r.CountInWindow} in 4 weeks): {r.Suggestion}"))));
        }

        if (d.RedirectedTo.Count > 0)
        {
            b.Context(Md.Text("Redirected to: " + string.Join(", ", d.RedirectedTo.Select(r => $"{r.Name} ({r.Count})"))));
        }

        if (d.Highlights.Count > 0)
        {
            b.Section(Md.Join("\n", d.Highlights.Select(h => Md.Trusted("• ") + Md.Text(h))));
        }

        return b;
    }

    /// <summary>The App Home: week hours against budget, open taken requests, recent redirects, settings.</summary>
    public static JsonObject Home(LeadHome home)
    {
        var b = new BlockBuilder(BlockLimits.ViewBlocks);
        b.Header($"Your help week {home.IsoWeek}");
        var share = home.BudgetHours > 0 ? Math.Clamp(home.HoursSpent / home.BudgetHours, 0, 1) : 0;
        var filled = (int)Math.Round(share * 10);
        b.Section(Md.Bold(home.LeadName) + Md.Trusted("\n") + Md.Text($"{home.HoursSpent.ToString("0.#", Inv)} h of {home.BudgetHours.ToString("0.#", Inv)} h budget ")
            + Md.Trusted("`" + new string('■', filled) + new string('□', 10 - filled) + "`"));
        b.Divider();
        b.Section(Md.Trusted($"*Open taken requests* ({home.OpenTaken.Count})"));
        if (home.OpenTaken.Count == 0)
        {
            b.Context(Md.Trusted("Nothing open. "));
        }

        foreach (var r in home.OpenTaken.Take(20))
        {
            b.Section(Md.Bold(r.RequesterName) + Md.Trusted(": ") + Md.Text(Excerpt(r.Text)),
                Element.Button("Mark done", SlackIds.Done, r.Id.ToString("D", Inv)));
        }

        b.Divider();
        b.Section(Md.Trusted($"*Recent redirects* ({home.RecentRedirects.Count})"));
        foreach (var r in home.RecentRedirects.Take(20))
        {
            b.Context(Md.Bold(r.RequesterName) + Md.Trusted(" → ") + Md.Text(r.OwnerId ?? "?") + Md.Trusted(": ") + Md.Text(Excerpt(r.Text)));
        }

        b.Divider();
        var s = home.Settings;
        b.Section(Md.Trusted("*Settings*\n") + Md.Text($"Budget {s.BudgetHours.ToString("0.#", Inv)} h/week · digest {s.DigestDay} {s.DigestTime.ToString("HH:mm", Inv)} · {s.TimeZone}"),
            Element.Button("Settings", SlackIds.OpenSettings, "settings"));
        return Views.Home(b);
    }

    /// <summary>An ephemeral slash-command reply.</summary>
    public static JsonObject Ephemeral(string text, BlockBuilder? blocks = null)
    {
        // The top-level text is mrkdwn too (and the notification fallback): escaped like any engine or user text.
        var body = new JsonObject { ["response_type"] = "ephemeral", ["text"] = SlackText.TruncateMrkdwn(SlackText.Escape(text), 3000) };
        if (blocks is not null)
        {
            body["blocks"] = blocks.Build();
        }

        return body;
    }

    /// <summary>Serialises modal context for private_metadata.</summary>
    public static string Serialize(ModalContext context) => JsonSerializer.Serialize(context, SlackJsonContext.Default.ModalContext);

    /// <summary>Reads modal context back; null when missing or broken.</summary>
    public static ModalContext? ReadContext(string? privateMetadata)
    {
        if (string.IsNullOrWhiteSpace(privateMetadata))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(privateMetadata, SlackJsonContext.Default.ModalContext);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Value of a topic correction control: "requestId|topicId".</summary>
    public static string TopicValue(Guid requestId, string topicId) => $"{requestId:D}|{topicId}";

    /// <summary>Parses a topic correction value.</summary>
    public static bool TryParseTopic(string? value, out Guid requestId, out string topicId)
    {
        requestId = Guid.Empty;
        topicId = string.Empty;
        var bar = value?.IndexOf('|', StringComparison.Ordinal) ?? -1;
        if (value is null || bar != 36 || !Guid.TryParse(value.AsSpan(0, 36), out requestId) || value.Length == 37)
        {
            return false;
        }

        topicId = value[37..];
        return true;
    }

    /// <summary>Option value of an override select.</summary>
    public static string OverrideValue(Guid requestId, Question q, AnswerValue v) => $"{requestId:D}|{q}|{v}";

    /// <summary>Parses an override option value.</summary>
    public static bool TryParseOverride(string? value, out Guid requestId, out Question question, out AnswerValue answer)
    {
        requestId = Guid.Empty;
        question = default;
        answer = default;
        var parts = value?.Split('|');
        return parts is { Length: 3 }
            && Guid.TryParse(parts[0], out requestId)
            && Enum.TryParse(parts[1], ignoreCase: false, out question) && Enum.IsDefined(question)
            && Enum.TryParse(parts[2], ignoreCase: false, out answer) && Enum.IsDefined(answer);
    }

    private static string ChoiceText(AnswerValue v) => v.ToString();

    private static Md Quote(string text) =>
        Md.Join("\n", SlackText.TruncatePlain(text, 2500).Split('\n').Take(15).Select(line => Md.Trusted("> ") + Md.Text(line)));

    private static string Excerpt(string text) => SlackText.TruncatePlain(text.ReplaceLineEndings(" "), 140);
}

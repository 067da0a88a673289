using System.Globalization;
using System.Text.Json.Nodes;
using TriageBot.Engine.Conversation;
using TriageBot.Engine.Digest;
using TriageBot.Engine.UseCases;

namespace TriageBot.Teams.Cards;

/// <summary>The summary and form cards: the weekly digest, titled figures (stats) and the Lead's settings (with errors under their fields).</summary>
public static partial class AdaptiveCards
{
    /// <summary>The weekly digest card with the chart image (a data: URI) when given.</summary>
    public static JsonObject Digest(WeeklyDigest digest, byte[]? chartPng)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var inv = CultureInfo.InvariantCulture;
        var body = new JsonArray
        {
            Text($"Your help week {Markdown.Escape(digest.IsoWeek)}", size: "Large", weight: "Bolder"),
            Text($"{Markdown.Escape(digest.LeadName)} · week of {digest.WeekStart.ToString("d MMM yyyy", inv)} ({Markdown.Escape(digest.TimeZone)})", subtle: true),
            new JsonObject
            {
                ["type"] = "FactSet",
                ["facts"] = new JsonArray(
                    Fact("Help time", string.Format(inv, "{0:0.#} h of {1:0.#} h budget ({2:0%} of a 40 h week)", digest.HoursSpent, digest.BudgetHours, digest.ShareOfWeek)),
                    Fact("Requests", string.Format(inv, "{0} received · {1} taken · {2} redirected · {3} clarified", digest.Received, digest.Taken, digest.Redirected, digest.Clarified)),
                    Fact("Leverage", string.Format(inv, "{0:0.#}× ({1:0.#} h of their work guided)", digest.Leverage, digest.HoursGuided))),
            },
        };

        if (chartPng is { Length: > 0 })
        {
            body.Add(new JsonObject
            {
                ["type"] = "Image",
                ["url"] = "data:image/png;base64," + Convert.ToBase64String(chartPng),
                ["altText"] = "Help hours per day by kind, with the budget line",
                ["size"] = "Stretch",
            });
        }

        foreach (var line in digest.Highlights)
        {
            body.Add(Text("• " + Markdown.Escape(line)));
        }

        if (digest.HoursByTopic.Count > 0)
        {
            body.Add(Text("**Topics**", separator: true));
            foreach (var topic in digest.HoursByTopic.Take(5))
            {
                body.Add(Text(string.Format(inv, "{0}: {1:0.#} h, {2} request(s)", Markdown.Escape(topic.TopicName), topic.Hours, topic.Requests)));
            }
        }

        if (digest.RepeatedTopics.Count > 0)
        {
            body.Add(Text("**Keeps coming back**", separator: true));
            foreach (var topic in digest.RepeatedTopics)
            {
                body.Add(Text($"{Markdown.Escape(topic.TopicName)} ({topic.CountInWindow.ToString(inv)} in 4 weeks): {Markdown.Escape(topic.Suggestion)}"));
            }
        }

        return Card(body, []);
    }

    /// <summary>
    /// The settings card with inputs for budget, digest day/time and timezone; when a submitted change was refused, the
    /// submitted values again with each error under its field.
    /// </summary>
    public static JsonObject Settings(EffectiveLeadSettings settings, CardSurface surface = CardSurface.Conversation, string? notice = null,
        SettingsForm? submitted = null, IReadOnlyDictionary<SettingsField, string>? errors = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var inv = CultureInfo.InvariantCulture;
        var days = new JsonArray();
        foreach (var day in Enum.GetValues<DayOfWeek>())
        {
            days.Add(new JsonObject { ["title"] = day.ToString(), ["value"] = day.ToString() });
        }

        var body = new JsonArray { Text("Your TriageBot settings", size: "Medium", weight: "Bolder") };
        if (!string.IsNullOrWhiteSpace(notice))
        {
            body.Add(Text(Markdown.Escape(notice), color: "Good"));
        }

        var budget = SettingsForm.ParseHours(submitted?.Budget) ?? settings.BudgetHours;
        Field(new JsonObject { ["type"] = "Input.Number", ["id"] = "budgetHours", ["label"] = "Weekly help budget (hours)", ["min"] = 0, ["max"] = SettingsForm.MaxBudgetHours, ["value"] = budget }, SettingsField.Budget);
        Field(new JsonObject { ["type"] = "Input.ChoiceSet", ["id"] = "digestDay", ["label"] = "Digest day", ["choices"] = days, ["value"] = settings.DigestDay.ToString() }, SettingsField.DigestDay);
        Field(new JsonObject { ["type"] = "Input.Time", ["id"] = "digestTime", ["label"] = "Digest time", ["value"] = settings.DigestTime.ToString("HH:mm", inv) }, SettingsField.DigestTime);
        Field(new JsonObject { ["type"] = "Input.Text", ["id"] = "timeZone", ["label"] = "Timezone (IANA, e.g. Europe/Lisbon)", ["value"] = submitted?.TimeZone ?? settings.TimeZone }, SettingsField.TimeZone);

        var data = new JsonObject { ["verb"] = Verbs.Settings };
        var actions = new JsonArray(ActionWithData(surface, "Save", Verbs.Settings, data));
        return Card(body, actions);

        void Field(JsonObject input, SettingsField field)
        {
            body.Add(input);
            if (errors is not null && errors.TryGetValue(field, out var error))
            {
                var line = Text(Markdown.Escape(error), color: "Attention", spacing: "None");
                line["id"] = input["id"]!.GetValue<string>() + "Error";
                body.Add(line);
            }
        }
    }

    /// <summary>A titled list of figures (the week's stats).</summary>
    public static JsonObject Facts(string title, IEnumerable<KeyValuePair<string, string>> facts, string? footer = null)
    {
        var set = new JsonArray();
        foreach (var (label, value) in facts)
        {
            set.Add(new JsonObject { ["title"] = Markdown.Escape(label), ["value"] = Markdown.Escape(value) });
        }

        var body = new JsonArray { Text(Markdown.Escape(title), size: "Medium", weight: "Bolder"), new JsonObject { ["type"] = "FactSet", ["facts"] = set } };
        if (!string.IsNullOrWhiteSpace(footer))
        {
            body.Add(Text(Markdown.Escape(footer), subtle: true));
        }

        return Card(body, []);
    }
}

using System.Text.Json;

namespace TriageBot.Teams.Protocol;

/// <summary>Activity helpers: mention stripping, conversation ids.</summary>
public static class ActivityText
{
    /// <summary>
    /// The message text without the bot's @mention. Uses the <c>mention</c> entities whose <c>mentioned.id</c> is the
    /// recipient (the bot), never the display name, then removes any leftover <c>&lt;at&gt;</c> markup of the bot.
    /// </summary>
    public static string StripBotMention(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var text = activity.Text ?? string.Empty;
        var botId = activity.Recipient?.Id;
        if (!string.IsNullOrEmpty(botId) && activity.Entities is not null)
        {
            // Each replacement scans the whole text: a few distinct mention texts at most (a message mentions the bot
            // once or twice), so thousands of mention entities cannot multiply the work.
            var replaced = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entity in activity.Entities)
            {
                if (entity is not null
                    && string.Equals(entity.Type, "mention", StringComparison.OrdinalIgnoreCase)
                    && string.Equals(entity.Mentioned?.Id, botId, StringComparison.Ordinal)
                    && !string.IsNullOrEmpty(entity.Text)
                    && replaced.Add(entity.Text))
                {
                    text = text.Replace(entity.Text, " ", StringComparison.Ordinal);
                    if (replaced.Count >= MaxMentionTexts)
                    {
                        break;
                    }
                }
            }
        }

        return System.Net.WebUtility.HtmlDecode(text).Replace('\u00A0', ' ').Trim();
    }

    /// <summary>How many distinct mention texts of the bot are removed from a message.</summary>
    internal const int MaxMentionTexts = 8;

    /// <summary>A channel conversation id without the <c>;messageid=</c> suffix Teams adds in threads.</summary>
    public static string BaseConversationId(string conversationId)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        var i = conversationId.IndexOf(";messageid=", StringComparison.OrdinalIgnoreCase);
        return i >= 0 ? conversationId[..i] : conversationId;
    }

    /// <summary>Reads a string property of a JSON object element.</summary>
    public static string? GetString(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Reads a property of a JSON object element.</summary>
    public static JsonElement? Get(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) ? v : null;
}

using System.Text;
using System.Text.Json;
using TriageBot.Engine.Analysis;
using TriageBot.Engine.Org;
using TriageBot.Engine.Understanding;

namespace TriageBot.Llm;

/// <summary>Why an answer was refused (said in the log without the answer or the request).</summary>
internal enum AnswerProblem
{
    /// <summary>The answer validated.</summary>
    None,
    /// <summary>Empty answer.</summary>
    Empty,
    /// <summary>Not a JSON object.</summary>
    NotJson,
    /// <summary>A field of the wrong type.</summary>
    WrongShape,
}

/// <summary>
/// Parses the model's answer and validates it against the org and the request: the topic must be one of the org's
/// (by id, or by its exact name), every quote must occur in the request text (case-insensitive, spacing ignored),
/// and a topic without a single genuine quote is not believed.
/// </summary>
internal static class LlmAnswer
{
    /// <summary>The most quotes kept.</summary>
    public const int MaxQuotes = 5;

    /// <summary>The longest quote kept (a longer one is cut, still a part of the text).</summary>
    public const int MaxQuoteChars = 200;

    /// <summary>The kinds of ask the model may answer.</summary>
    public static readonly string[] Kinds = ["learn", "review", "task", "access", "unknown"];

    /// <summary>The horizons the model may answer.</summary>
    public static readonly string[] Horizons = ["long", "short", "unknown"];

    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 8, AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>Reads an answer; null with the <paramref name="problem"/> when it is not a valid answer.</summary>
    /// <param name="answer">The model's text.</param>
    /// <param name="text">The request text as sent to the model.</param>
    /// <param name="topics">The org's topics.</param>
    /// <param name="problem">Why the answer was refused.</param>
    public static LlmReading? Parse(string? answer, string text, IReadOnlyList<Topic> topics, out AnswerProblem problem)
    {
        problem = AnswerProblem.None;
        var json = ObjectText(answer);
        if (json is null)
        {
            problem = string.IsNullOrWhiteSpace(answer) ? AnswerProblem.Empty : AnswerProblem.NotJson;
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(json, JsonOptions);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !TryString(root, "topic", out var topicText)
                || !TryString(root, "kind", out var kindText)
                || !TryString(root, "horizon", out var horizonText)
                || !TryQuotes(root, out var rawQuotes))
            {
                problem = AnswerProblem.WrongShape;
                return null;
            }

            var quotes = GenuineQuotes(rawQuotes, text);
            var topicId = FindTopic(topicText, topics);
            if (quotes.Count == 0)
            {
                // Evidence is what makes the reading checkable: a topic with no quote found in the text is not believed.
                topicId = null;
            }

            return new LlmReading(topicId, Kind(kindText), HorizonOf(horizonText), quotes);
        }
        catch (JsonException)
        {
            problem = AnswerProblem.NotJson;
            return null;
        }
    }

    /// <summary>The quotes that really occur in <paramref name="text"/>, as they are written there.</summary>
    /// <param name="quotes">The model's quotes.</param>
    /// <param name="text">The request text.</param>
    public static IReadOnlyList<string> GenuineQuotes(IEnumerable<string> quotes, string text)
    {
        var haystack = Collapse(text);
        var kept = new List<string>();
        foreach (var raw in quotes)
        {
            var quote = Collapse(raw.Trim().Trim('"', '\'', '`', '\u201C', '\u201D', '\u2018', '\u2019', '\u2026', '.', ' '));
            if (quote.Length < 2 || !quote.Any(char.IsLetterOrDigit))
            {
                continue;
            }

            var at = haystack.IndexOf(quote, StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                continue;
            }

            // As the requester wrote it (their casing), bounded.
            var found = haystack.Substring(at, Math.Min(quote.Length, MaxQuoteChars)).TrimEnd();
            if (!kept.Contains(found, StringComparer.OrdinalIgnoreCase))
            {
                kept.Add(found);
            }

            if (kept.Count == MaxQuotes)
            {
                break;
            }
        }

        return kept;
    }

    /// <summary>The org's id for the model's topic: the id itself (any casing) or the exact name; null otherwise.</summary>
    /// <param name="answer">The model's topic.</param>
    /// <param name="topics">The org's topics.</param>
    public static string? FindTopic(string? answer, IReadOnlyList<Topic> topics)
    {
        var wanted = answer?.Trim();
        if (string.IsNullOrEmpty(wanted))
        {
            return null;
        }

        foreach (var topic in topics)
        {
            if (string.Equals(topic.Id, wanted, StringComparison.OrdinalIgnoreCase))
            {
                return topic.Id;
            }
        }

        foreach (var topic in topics)
        {
            if (string.Equals(topic.Name.Trim(), wanted, StringComparison.OrdinalIgnoreCase))
            {
                return topic.Id;
            }
        }

        return null;
    }

    private static AskKind? Kind(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "learn" => AskKind.Learn,
        "review" => AskKind.Review,
        "task" => AskKind.Task,
        "access" => AskKind.Access,
        _ => null,
    };

    private static Horizon? HorizonOf(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "long" => Horizon.Long,
        "short" => Horizon.Short,
        _ => null,
    };

    // A string, null, or absent (all fine); any other type is a wrong shape.
    private static bool TryString(JsonElement root, string name, out string? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var p))
        {
            return true;
        }

        switch (p.ValueKind)
        {
            case JsonValueKind.String:
                value = p.GetString();
                return true;
            case JsonValueKind.Null:
                return true;
            default:
                return false;
        }
    }

    private static bool TryQuotes(JsonElement root, out List<string> quotes)
    {
        quotes = [];
        if (!root.TryGetProperty("evidence", out var p) || p.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (p.ValueKind == JsonValueKind.String)
        {
            quotes.Add(p.GetString() ?? "");
            return true;
        }

        if (p.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var item in p.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && quotes.Count < 20)
            {
                quotes.Add(item.GetString() ?? "");
            }
        }

        return true;
    }

    // The JSON object in an answer: the whole text, or what lies between the first '{' and the last '}' (some models
    // wrap it in a ```json fence or a sentence despite the instructions).
    private static string? ObjectText(string? answer)
    {
        if (string.IsNullOrWhiteSpace(answer))
        {
            return null;
        }

        var start = answer.IndexOf('{', StringComparison.Ordinal);
        var end = answer.LastIndexOf('}');
        return start >= 0 && end > start ? answer[start..(end + 1)] : null;
    }

    // Runs of white space as one space, trimmed.
    private static string Collapse(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = sb.Length > 0;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}

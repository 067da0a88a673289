using System.Text;

namespace TriageBot.Slack.BlockKit;

/// <summary>Slack's documented Block Kit limits.</summary>
public static class BlockLimits
{
    public const int MessageBlocks = 50;
    public const int ViewBlocks = 100;
    public const int SectionText = 3000;
    public const int SectionFields = 10;
    public const int FieldText = 2000;
    public const int HeaderText = 150;
    public const int ContextElements = 10;
    public const int ActionsElements = 25;
    public const int ButtonText = 75;
    public const int ActionId = 255;
    public const int BlockId = 255;
    public const int ButtonValue = 2000;
    public const int OptionText = 75;
    public const int OptionValue = 150;
    public const int SelectOptions = 100;
    public const int OverflowOptions = 5;
    public const int Placeholder = 150;
    public const int InputLabel = 2000;
    public const int InputInitialValue = 3000;
    public const int ModalTitle = 24;
    public const int ModalButton = 24;
    public const int PrivateMetadata = 3000;
    public const int MessageText = 40000;
}

/// <summary>Escaping and safe truncation for Slack text.</summary>
public static class SlackText
{
    private const char Ellipsis = '…';

    /// <summary>
    /// The text a person typed, from the text Slack sends: Slack escapes <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> in
    /// message and command text, so "R&amp;amp;D" arrives for "R&amp;D". Decoded once on the way in, the text is stored,
    /// read and quoted as typed, and <see cref="Escape"/> on the way out makes it safe again (not escaped twice).
    /// </summary>
    public static string Unescape(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Contains('&', StringComparison.Ordinal))
        {
            return text ?? string.Empty;
        }

        // &amp; last, so "&amp;lt;" (a typed "&lt;") stays "&lt;".
        return text.Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);
    }

    /// <summary>Escapes the three characters Slack's mrkdwn gives meaning to: <c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c> (only those).</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        if (text.AsSpan().IndexOfAny('&', '<', '>') < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = c switch
            {
                '&' => sb.Append("&amp;"),
                '<' => sb.Append("&lt;"),
                '>' => sb.Append("&gt;"),
                _ => sb.Append(c),
            };
        }

        return sb.ToString();
    }

    /// <summary>
    /// Shortens mrkdwn to <paramref name="max"/> characters with an ellipsis, never cutting inside an entity (<c>&amp;amp;</c>),
    /// a <c>&lt;…&gt;</c> token or a surrogate pair.
    /// </summary>
    public static string TruncateMrkdwn(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = SafeCut(text, max - 1);
        var lastAmp = text.LastIndexOf('&', cut - 1 < 0 ? 0 : cut - 1, Math.Min(cut, 8));
        if (lastAmp >= 0 && text.IndexOf(';', lastAmp, cut - lastAmp) < 0)
        {
            cut = lastAmp;
        }

        var lastOpen = cut > 0 ? text.LastIndexOf('<', cut - 1) : -1;
        if (lastOpen >= 0 && text.IndexOf('>', lastOpen, cut - lastOpen) < 0)
        {
            cut = lastOpen;
        }

        return string.Concat(text.AsSpan(0, cut), Ellipsis.ToString());
    }

    /// <summary>Shortens plain text to <paramref name="max"/> characters with an ellipsis, never splitting a surrogate pair.</summary>
    public static string TruncatePlain(string? text, int max)
    {
        text ??= string.Empty;
        if (text.Length <= max)
        {
            return text;
        }

        var cut = SafeCut(text, max - 1);
        return string.Concat(text.AsSpan(0, cut), Ellipsis.ToString());
    }

    /// <summary>Shortens an identifier (action_id, block_id, value) without an ellipsis.</summary>
    public static string TruncateId(string text, int max) => text.Length <= max ? text : text[..SafeCut(text, max)];

    private static int SafeCut(string text, int cut)
    {
        cut = Math.Clamp(cut, 0, text.Length);
        if (cut > 0 && cut < text.Length && char.IsHighSurrogate(text[cut - 1]) && char.IsLowSurrogate(text[cut]))
        {
            cut--;
        }

        return cut;
    }
}

/// <summary>
/// mrkdwn text whose user-supplied parts are escaped by construction: build it from <see cref="Text"/> (escaped) and
/// <see cref="Trusted"/> (our own formatting, mentions we construct) pieces.
/// </summary>
public readonly record struct Md(string Value)
{
    /// <summary>User text, escaped.</summary>
    public static Md Text(string? userText) => new(SlackText.Escape(userText));

    /// <summary>Our own formatting or a mention we built from a validated id.</summary>
    public static Md Trusted(string markup) => new(markup);

    /// <summary>User text in bold.</summary>
    public static Md Bold(string? userText) => new("*" + SlackText.Escape(userText) + "*");

    /// <summary>User text in italics.</summary>
    public static Md Italic(string? userText) => new("_" + SlackText.Escape(userText) + "_");

    /// <summary>A user mention, only when the id looks like a Slack user id.</summary>
    public static Md Mention(string? userId) =>
        userId is { Length: > 1 and < 32 } && (userId[0] is 'U' or 'W') && userId.All(char.IsAsciiLetterOrDigit) ? new("<@" + userId + ">") : new(string.Empty);

    /// <summary>Concatenates.</summary>
    public static Md operator +(Md a, Md b) => new((a.Value ?? string.Empty) + (b.Value ?? string.Empty));

    /// <summary>Joins pieces.</summary>
    public static Md Join(string separator, IEnumerable<Md> parts) => new(string.Join(separator, parts.Select(p => p.Value)));

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}

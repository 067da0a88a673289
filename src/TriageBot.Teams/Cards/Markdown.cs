using System.Text;

namespace TriageBot.Teams.Cards;

/// <summary>Escapes user text for Adaptive Card TextBlocks, which render a Markdown subset (not HTML).</summary>
public static class Markdown
{
    /// <summary>Escapes Markdown syntax so <paramref name="text"/> shows literally (no links, emphasis or lists injected).</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var sb = new StringBuilder(text.Length + 16);
        var lineStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\\' or '*' or '_' or '[' or ']' or '(' or ')' or '`' or '~' or '<' or '>' or '#' or '|' or '!':
                    sb.Append('\\').Append(c);
                    break;
                case '-' or '+' when lineStart:
                    sb.Append('\\').Append(c);
                    break;
                case '.' when i > 0 && char.IsAsciiDigit(text[i - 1]) && IsNumberAtLineStart(text, i):
                    // "1. item" would become an ordered list.
                    sb.Append('\\').Append(c);
                    break;
                default:
                    sb.Append(c);
                    break;
            }

            lineStart = c == '\n' || (lineStart && c == ' ');
        }

        return sb.ToString();
    }

    private static bool IsNumberAtLineStart(string text, int dot)
    {
        var j = dot - 1;
        while (j >= 0 && char.IsAsciiDigit(text[j]))
        {
            j--;
        }

        while (j >= 0 && text[j] == ' ')
        {
            j--;
        }

        return j < 0 || text[j] == '\n';
    }
}

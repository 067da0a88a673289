using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace TriageBot.Teams.Protocol;

/// <summary>Turns the HTML body of a Teams message into plain text.</summary>
public static partial class HtmlText
{
    /// <summary>Strips tags (block tags become line breaks), decodes entities and collapses blank lines.</summary>
    public static string ToPlain(string? html)
    {
        if (string.IsNullOrEmpty(html))
        {
            return string.Empty;
        }

        var withBreaks = BlockTags().Replace(html, "\n");
        var noScripts = ScriptOrStyle().Replace(withBreaks, string.Empty);
        var noTags = AnyTag().Replace(noScripts, string.Empty);
        var decoded = WebUtility.HtmlDecode(noTags).Replace('\u00A0', ' ');

        var sb = new StringBuilder(decoded.Length);
        foreach (var rawLine in decoded.Split('\n'))
        {
            var line = Spaces().Replace(rawLine, " ").Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (sb.Length > 0)
            {
                sb.Append('\n');
            }

            sb.Append(line);
        }

        return sb.ToString();
    }

    [GeneratedRegex(@"<\s*(br|/p|/div|/li|/h[1-6]|/tr)\b[^>]*>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex BlockTags();

    [GeneratedRegex(@"<\s*(script|style)\b[^>]*>.*?<\s*/\s*\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex ScriptOrStyle();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex AnyTag();

    [GeneratedRegex(@"[ \t\r\f\v]+", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Spaces();
}

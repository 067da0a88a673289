using System.Net;
using System.Text;

namespace TriageBot.Teams.Protocol;

/// <summary>
/// Turns the HTML body of a Teams message into plain text. A single forward scan (no regular expressions): the time
/// is linear in the length of the input whatever it holds (many unclosed <c>&lt;script&gt;</c> tags cost a backtracking
/// regex quadratic time).
/// </summary>
public static class HtmlText
{
    private static readonly string[] BlockClosers = ["p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr"];

    /// <summary>
    /// Strips tags (<c>br</c> and the ends of block tags become line breaks), drops the contents of <c>script</c> and
    /// <c>style</c> elements, decodes entities, collapses runs of spaces and drops blank lines.
    /// </summary>
    public static string ToPlain(string? html)
    {
        if (string.IsNullOrEmpty(html))
        {
            return string.Empty;
        }

        var text = new StringBuilder(html.Length);
        // Where a search for </script> or </style> already failed: no later search can succeed either.
        var noCloseFrom = new Dictionary<string, int>(2, StringComparer.Ordinal);
        var i = 0;
        while (i < html.Length)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0)
            {
                text.Append(html, i, html.Length - i);
                break;
            }

            text.Append(html, i, lt - i);
            var gt = html.IndexOf('>', lt + 1);
            if (gt < 0)
            {
                // No tag can end any more: the rest is text ("a < b").
                text.Append(html, lt, html.Length - lt);
                break;
            }

            var tag = ReadTag(html, lt + 1, gt);
            i = gt + 1;
            if (tag.Name is null)
            {
                continue;
            }

            if (!tag.Closing && (Is(tag.Name, "script") || Is(tag.Name, "style")))
            {
                var name = Is(tag.Name, "script") ? "script" : "style";
                var end = FindClosingTag(html, i, name, noCloseFrom);
                if (end >= 0)
                {
                    i = end;
                }

                // Unclosed: only the opening tag goes, as any other tag.
                continue;
            }

            if (tag.Closing ? BlockClosers.Any(b => Is(tag.Name, b)) : Is(tag.Name, "br"))
            {
                text.Append('\n');
            }
        }

        return Tidy(WebUtility.HtmlDecode(text.ToString()).Replace('\u00A0', ' '));
    }

    /// <summary>The name of the tag between <paramref name="start"/> (after '&lt;') and <paramref name="end"/> (the '&gt;').</summary>
    private static (string? Name, bool Closing) ReadTag(string html, int start, int end)
    {
        var p = start;
        while (p < end && char.IsWhiteSpace(html[p]))
        {
            p++;
        }

        var closing = p < end && html[p] == '/';
        if (closing)
        {
            p++;
            while (p < end && char.IsWhiteSpace(html[p]))
            {
                p++;
            }
        }

        var nameStart = p;
        while (p < end && char.IsAsciiLetterOrDigit(html[p]))
        {
            p++;
        }

        // The name must end at a word boundary: "<br/>", "<br class=x>" and "</p >" are tags, "<brx>" is not a br.
        if (p == nameStart || (p < end && (char.IsLetterOrDigit(html[p]) || html[p] == '_')))
        {
            return (null, closing);
        }

        return (html[nameStart..p], closing);
    }

    /// <summary>
    /// The index just after the first <c>&lt;/name&gt;</c> (spaces allowed inside, any case) at or after <paramref name="from"/>,
    /// or -1. Remembers failures so that repeated searches stay linear overall.
    /// </summary>
    private static int FindClosingTag(string html, int from, string name, Dictionary<string, int> noCloseFrom)
    {
        if (noCloseFrom.TryGetValue(name, out var known) && from >= known)
        {
            return -1;
        }

        var p = from;
        while (true)
        {
            var lt = html.IndexOf('<', p);
            if (lt < 0)
            {
                noCloseFrom[name] = from;
                return -1;
            }

            var q = lt + 1;
            while (q < html.Length && char.IsWhiteSpace(html[q]))
            {
                q++;
            }

            if (q < html.Length && html[q] == '/')
            {
                q++;
                while (q < html.Length && char.IsWhiteSpace(html[q]))
                {
                    q++;
                }

                if (q + name.Length <= html.Length && string.Compare(html, q, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    q += name.Length;
                    while (q < html.Length && char.IsWhiteSpace(html[q]))
                    {
                        q++;
                    }

                    if (q < html.Length && html[q] == '>')
                    {
                        return q + 1;
                    }
                }
            }

            p = lt + 1;
        }
    }

    private static bool Is(string name, string expected) => string.Equals(name, expected, StringComparison.OrdinalIgnoreCase);

    /// <summary>Collapses spaces and tabs within each line, trims lines and drops empty ones.</summary>
    private static string Tidy(string decoded)
    {
        var sb = new StringBuilder(decoded.Length);
        var line = new StringBuilder();
        foreach (var c in decoded)
        {
            if (c == '\n')
            {
                AppendLine(sb, line);
                continue;
            }

            if (c is ' ' or '\t' or '\r' or '\f' or '\v')
            {
                if (line.Length > 0 && line[^1] != ' ')
                {
                    line.Append(' ');
                }

                continue;
            }

            line.Append(c);
        }

        AppendLine(sb, line);
        return sb.ToString();
    }

    private static void AppendLine(StringBuilder sb, StringBuilder line)
    {
        var start = 0;
        var end = line.Length;
        while (start < end && char.IsWhiteSpace(line[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(line[end - 1]))
        {
            end--;
        }

        if (end > start)
        {
            if (sb.Length > 0)
            {
                sb.Append('\n');
            }

            sb.Append(line, start, end - start);
        }

        line.Clear();
    }
}

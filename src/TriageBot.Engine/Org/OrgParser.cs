using YamlDotNet.Core;

namespace TriageBot.Engine.Org;

/// <summary>
/// Reads the org file (YAML, block or flow style) into an <see cref="OrgDirectory"/>, reporting every problem with its
/// line and column: syntax errors, unknown keys, missing fields, duplicate ids, bad ids, unknown references, levels,
/// skills, budgets, timezones, dates and digest schedules. Never throws on bad content.
/// </summary>
public static class OrgParser
{
    /// <summary>Parses org YAML text.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="sourceName">Where it came from (used in file-level messages), e.g. the file path.</param>
    /// <returns>The directory when valid (null otherwise) and every problem found, in file order.</returns>
    public static OrgParseResult Parse(string yaml, string? sourceName = null)
    {
        var problems = new ProblemList();
        var source = string.IsNullOrWhiteSpace(sourceName) ? "the org file" : sourceName;
        if (string.IsNullOrWhiteSpace(yaml))
        {
            problems.Add(0, 0, $"{source} is empty: it needs 'topics', 'people' and 'teams'.");
            return problems.ToResult(null);
        }

        List<YNode> documents;
        try
        {
            documents = YamlTree.Load(yaml);
        }
        catch (YamlException ex)
        {
            // YAML indents with spaces only; YamlDotNet reports a tab where the token before it started, not on its line
            // (so a tab up to the line after the error is the likely cause; one further down is not).
            if (FirstTabIndent(yaml) is { } tab && tab.Line <= (int)ex.Start.Line + 1)
            {
                problems.Add(tab.Line, tab.Column, "a tab indents this line: YAML indents with spaces only (replace the tab with spaces).");
            }
            else
            {
                problems.Add(ex.Start, $"YAML syntax error: {CleanYamlMessage(ex)}");
            }

            return problems.ToResult(null);
        }

        if (documents.Count == 0)
        {
            problems.Add(0, 0, $"{source} is empty: it needs 'topics', 'people' and 'teams'.");
            return problems.ToResult(null);
        }

        if (documents.Count > 1)
        {
            problems.Add(documents[1].Start, "only one YAML document is allowed in the org file (remove the extra '---').");
        }

        var reader = new OrgReader(problems);
        var directory = reader.Read(documents[0]);
        return problems.ToResult(directory);
    }

    /// <summary>Reads and parses an org file. A missing or unreadable file is reported as a problem, not thrown.</summary>
    /// <param name="path">Path of the YAML file.</param>
    public static OrgParseResult LoadFile(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return new OrgParseResult(null, [new OrgProblem(0, 0, "No org file path was given.")]);
        }

        string text;
        try
        {
            if (!File.Exists(path))
            {
                return new OrgParseResult(null, [new OrgProblem(0, 0, $"Org file not found: {path}")]);
            }

            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or System.Security.SecurityException)
        {
            return new OrgParseResult(null, [new OrgProblem(0, 0, $"Cannot read org file {path}: {ex.Message}")]);
        }

        return Parse(text, path);
    }

    // The first line whose indentation holds a tab (1-based line and column, as the problems report).
    private static (int Line, int Column)? FirstTabIndent(string yaml)
    {
        var line = 1;
        var column = 1;
        var indent = true;
        foreach (var c in yaml)
        {
            if (c == '\n')
            {
                line++;
                column = 1;
                indent = true;
                continue;
            }

            if (indent && c == '\t')
            {
                return (line, column);
            }

            indent &= c == ' ' || c == '-';
            column++;
        }

        return null;
    }

    private static string CleanYamlMessage(YamlException ex)
    {
        // YamlDotNet prefixes "(Line: x, Col: y, Idx: z) - (Line…): "; we report the position ourselves.
        var message = ex.Message;
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && message.StartsWith('(') ? message[(cut + 3)..] : message;
    }
}

/// <summary>Collects problems and keeps them in file order.</summary>
internal sealed class ProblemList
{
    private readonly List<OrgProblem> _problems = [];

    public int Count => _problems.Count;

    public void Add(Mark mark, string message) => Add((int)mark.Line, (int)mark.Column, message);

    public void Add(int line, int column, string message) => _problems.Add(new OrgProblem(line, column, message));

    public OrgParseResult ToResult(OrgDirectory? directory)
    {
        // Stable sort: file order, and problems at one spot in the order they were found.
        var ordered = _problems
            .Select((p, i) => (p, i))
            .OrderBy(x => x.p.Line)
            .ThenBy(x => x.p.Column)
            .ThenBy(x => x.i)
            .Select(x => x.p)
            .ToList();
        return new OrgParseResult(ordered.Count == 0 ? directory : null, ordered);
    }
}

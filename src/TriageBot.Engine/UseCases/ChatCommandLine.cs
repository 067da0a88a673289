namespace TriageBot.Engine.UseCases;

/// <summary>
/// The shape of a chat command line ("log 45m pairing on the uplift model", "budget 6h", "who …"), read the same way for
/// every surface. What each verb does, who may use it and its help are defined once in the engine's command table
/// (<see cref="Conversation.ChatCommands"/>).
/// </summary>
/// <param name="Verb">The first word, lower-case ("" for an empty line).</param>
/// <param name="Rest">Everything after the first word, trimmed.</param>
/// <param name="IsSingleWord">True when the line is one word (or empty).</param>
public readonly record struct ChatCommandLine(string Verb, string Rest, bool IsSingleWord)
{
    private static readonly char[] Whitespace = [' ', '\n', '\t', '\r'];

    /// <summary>Splits a line into its verb and the rest.</summary>
    /// <param name="text">The line as typed (null or blank gives an empty verb).</param>
    public static ChatCommandLine Parse(string? text)
    {
        var line = (text ?? string.Empty).Trim();
        var space = line.IndexOfAny(Whitespace);
        return space < 0
            ? new ChatCommandLine(line.ToLowerInvariant(), string.Empty, true)
            : new ChatCommandLine(line[..space].ToLowerInvariant(), line[(space + 1)..].Trim(), false);
    }

    /// <summary>"45m pairing on X" → ("45m", "pairing on X"); null when nothing follows the verb.</summary>
    public (string Duration, string? Note)? LogArguments()
    {
        var parts = Rest.Split(Whitespace, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 0 ? null : (parts[0], parts.Length > 1 ? parts[1] : null);
    }

    /// <summary>"6", "6h", "6.5 h" → hours; null when the rest is not a number.</summary>
    public double? BudgetHours() => Conversation.SettingsForm.ParseHours(Rest);
}

namespace TriageBot.Engine.Conversation;

/// <summary>Who may use a command or a card action.</summary>
public enum Audience
{
    /// <summary>Anyone, in the org file or not.</summary>
    Anyone,

    /// <summary>Only people the org file knows as Leads.</summary>
    Leads,
}

/// <summary>One command as typed, handed to its handler.</summary>
/// <param name="Context">Where it comes from.</param>
/// <param name="Text">The whole line as typed (trimmed).</param>
/// <param name="Rest">Everything after the verb, trimmed.</param>
public sealed record CommandCall(ConversationContext Context, string Text, string Rest)
{
    /// <summary>The actor's org id when they are a Lead (the gate ran before any Lead-only handler).</summary>
    public string LeadId => Context.Actor.Id;

    /// <summary>The line split into verb and arguments.</summary>
    public UseCases.ChatCommandLine Line => UseCases.ChatCommandLine.Parse(Text);
}

/// <summary>
/// A chat command, defined once for every surface: verb and aliases, audience, usage and help, and the handler that calls
/// the use cases. Surfaces route text to it through <see cref="ConversationService"/> and render its <see cref="ChatReply"/>.
/// </summary>
/// <param name="Verb">The first word ("log").</param>
/// <param name="Audience">Who may use it.</param>
/// <param name="Usage">Arguments, as shown in help ("&lt;duration&gt; [note]"); empty for none.</param>
/// <param name="Summary">What it does, one line.</param>
/// <param name="Handler">Parses the arguments and calls the use cases.</param>
public sealed record CommandDefinition(
    string Verb,
    Audience Audience,
    string Usage,
    string Summary,
    Func<CommandCall, CancellationToken, Task<ChatReply>> Handler)
{
    /// <summary>Other words for the same command.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>False for the command that triages free text (it has no verb of its own).</summary>
    public bool HasVerb { get; init; } = true;

    /// <summary>True to list it in the surfaces' command menus (Slack's usage hint, Teams' command list).</summary>
    public bool InMenus { get; init; } = true;

    /// <summary>The command with its arguments, e.g. "log &lt;duration&gt; [note]".</summary>
    public string Synopsis => HasVerb ? (Usage.Length == 0 ? Verb : $"{Verb} {Usage}") : Usage;
}

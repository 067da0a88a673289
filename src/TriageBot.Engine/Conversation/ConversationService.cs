using TriageBot.Engine.Decisions;
using TriageBot.Engine.UseCases;

namespace TriageBot.Engine.Conversation;

/// <summary>How a line of text reached the bot.</summary>
public enum CommandSource
{
    /// <summary>An explicit command (Slack's <c>/triage …</c>, the playground): any text that is not a verb is a request to triage.</summary>
    Command,

    /// <summary>A chat message to the bot: a lone unknown word ("hi") is answered with help, not triaged.</summary>
    ChatMessage,
}

/// <summary>
/// The conversation, once, for every surface: routes a line of text to its <see cref="CommandDefinition"/> and a card
/// action to its <see cref="CardActionDefinition"/>, applies the Lead gate, and turns the person's mistakes into an
/// <see cref="ErrorReply"/>. Surfaces only map their payloads in and render the <see cref="ChatReply"/> out.
/// </summary>
public sealed class ConversationService
{
    /// <summary>Creates the service over the use cases.</summary>
    public ConversationService(ITriageUseCases useCases)
    {
        ArgumentNullException.ThrowIfNull(useCases);
        Commands = new ChatCommands(useCases);
        Actions = new CardActions(useCases);
        UseCases = useCases;
    }

    /// <summary>The command table.</summary>
    public ChatCommands Commands { get; }

    /// <summary>The card action table.</summary>
    public CardActions Actions { get; }

    /// <summary>The use cases (for surface plumbing such as the Slack App Home).</summary>
    public ITriageUseCases UseCases { get; }

    /// <summary>
    /// True when the line is a request to read (triage for a Lead, "who to ask" for anyone, or <c>who …</c>): the
    /// answer needs the sentence model, so a surface with a tight acknowledgement deadline answers it after the ack.
    /// </summary>
    /// <param name="text">The line as typed.</param>
    /// <param name="source">How it reached the bot.</param>
    public bool ReadsARequest(string? text, CommandSource source)
    {
        var line = ChatCommandLine.Parse(text);
        if (line.Verb.Length == 0)
        {
            return false;
        }

        var command = Commands.Find(line.Verb);
        return command is null
            ? !AsksForHelp(line, source)
            : ReferenceEquals(command, Commands.Triage) || (command.Verb == "who" && line.Rest.Length > 0);
    }

    // A lone word in a chat, or the triage command's own name with nothing after it ("/triage triage"), is someone
    // finding their way, not a request.
    private bool AsksForHelp(ChatCommandLine line, CommandSource source) =>
        line.IsSingleWord && (source == CommandSource.ChatMessage || line.Verb.Equals(Commands.Triage.Verb, StringComparison.OrdinalIgnoreCase));

    /// <summary>Runs a line of text: a command, or a request (triaged for a Lead, "who to ask" for anyone else).</summary>
    /// <param name="context">Where it comes from.</param>
    /// <param name="text">The line as typed.</param>
    /// <param name="source">How it reached the bot.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<ChatReply> RunAsync(ConversationContext context, string? text, CommandSource source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var line = ChatCommandLine.Parse(text);
        var trimmed = (text ?? string.Empty).Trim();
        if (line.Verb.Length == 0)
        {
            return new HelpReply(Commands.All);
        }

        var command = Commands.Find(line.Verb);
        if (command is null)
        {
            if (AsksForHelp(line, source))
            {
                return new HelpReply(Commands.All);
            }

            return await RequestAsync(context, trimmed, ct);
        }

        var rest = command.HasVerb ? line.Rest : trimmed;
        return await GatedAsync(context, command, trimmed, rest, ct);
    }

    /// <summary>
    /// Runs one command with its arguments already separated, for a surface whose input is structured rather than typed
    /// (the HTTP API): the same table, Lead gate, argument parsing and replies as <see cref="RunAsync"/>.
    /// </summary>
    /// <param name="context">Where it comes from.</param>
    /// <param name="command">A command of <see cref="Commands"/> (the triage command takes the request text as its arguments).</param>
    /// <param name="arguments">What follows the verb, e.g. "45m pairing" for <c>log</c>.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<ChatReply> InvokeAsync(ConversationContext context, CommandDefinition command, string? arguments, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(command);
        if (!Commands.All.Contains(command))
        {
            throw new ArgumentException("The command is not one of this conversation's commands.", nameof(command));
        }

        var rest = (arguments ?? string.Empty).Trim();
        var text = command.HasVerb && rest.Length > 0 ? $"{command.Verb} {rest}" : command.HasVerb ? command.Verb : rest;
        return await GatedAsync(context, command, text, rest, ct);
    }

    private static async Task<ChatReply> GatedAsync(ConversationContext context, CommandDefinition command, string text, string rest, CancellationToken ct)
    {
        if (command.Audience == Audience.Leads && !context.Actor.IsLead)
        {
            var who = context.Surface.Quote("who <request>");
            return new ErrorReply(
                // True of someone the org file lists at another level and of someone it does not list at all.
                $"That command is for Leads, and you're not set up as a Lead in the org file. If you should be, ask your admin to set your level (and your {context.Surface.IdentityField}); meanwhile, use {who} to find who to ask.",
                ShowHelp: true) { Kind = UserErrorKind.NotAllowed };
        }

        return await GuardAsync(() => command.Handler(new CommandCall(context, text, rest), ct), showHelp: true);
    }

    /// <summary>
    /// Handles text that is a request, never a command (a forwarded or shared message, a message shortcut): triaged when
    /// the person is a Lead, "who to ask" for anyone else.
    /// </summary>
    /// <param name="context">Where it comes from (with <see cref="ConversationContext.Requester"/> when the text is someone else's).</param>
    /// <param name="text">The request text.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<ChatReply> RequestAsync(ConversationContext context, string text, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Actor.IsLead)
        {
            // Someone who is not a Lead forwarding a request: who to ask, never a refusal.
            return await GuardAsync(async () =>
                new WhoReply(await UseCases.WhoAsync(context.Tenant, context.Actor.Id, text, ct), Messages.NotALeadWhoToAsk));
        }

        var triage = Commands.Triage;
        return await GuardAsync(() => triage.Handler(new CommandCall(context, text, text), ct));
    }

    /// <summary>Runs a card action by name (see <see cref="CardActionNames"/>).</summary>
    /// <param name="context">Where it comes from.</param>
    /// <param name="action">The action's name.</param>
    /// <param name="input">What the card carried.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<ChatReply> ActAsync(ConversationContext context, string action, CardActionInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var definition = Actions.Find(action);
        if (definition is null)
        {
            return new ErrorReply("That button is no longer supported; triage the message again.");
        }

        if (definition.Audience == Audience.Leads && !context.Actor.IsLead)
        {
            return new ErrorReply(definition.Refusal) { Kind = UserErrorKind.NotAllowed };
        }

        return await GuardAsync(() => definition.Handler(new ActionCall(context, input), ct));
    }

    private static async Task<ChatReply> GuardAsync(Func<Task<ChatReply>> handler, bool showHelp = false)
    {
        try
        {
            return await handler();
        }
        catch (TriageUserException ex)
        {
            return new ErrorReply(ex.Message, showHelp) { Kind = ex.Kind };
        }
    }
}

using TriageBot.Engine.Conversation;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;

namespace TriageBot.Host.Playground;

/// <summary>
/// <c>POST /playground/api/command</c>: a line of text run through the engine's command table, as in Slack
/// (<c>/triage …</c>) and Teams (a chat message); the chat-neutral reply comes back as JSON with its kind.
/// </summary>
public static partial class PlaygroundEndpoints
{
    private static void MapCommands(RouteGroupBuilder api, ILogger logger) =>
        api.MapPost("/command", (HttpRequest http, ConversationService conversation, IOrgProvider org, CancellationToken ct) => Run(logger, async () =>
        {
            var body = await ReadAsync<CommandBody>(http, ct);
            var id = Required(body.PersonId, "personId");
            var person = org.Directory.FindPerson(id);
            var requester = Blank(body.RequesterId) is { } r ? new ChatActor(r, org.Directory.FindPerson(r)?.Name ?? r, false) : null;
            var context = new ConversationContext(Tenant, Platform.Local, ChatSurface.Playground, new ChatActor(id, person?.Name ?? id, person is { IsLead: true }))
            {
                Channel = "playground",
                Requester = requester,
            };
            var reply = await conversation.RunAsync(context, body.Text, CommandSource.Command, ct);
            return Ok(View(reply));
        }));

    /// <summary>The reply as JSON: its kind ("facts", "card", "error"…) and its fields.</summary>
    private static object View(ChatReply reply) => reply switch
    {
        // The command definitions carry their handlers: only what help shows.
        HelpReply help => new { kind = "help", problem = help.Problem, commands = help.Commands.Select(c => new { c.Verb, c.Synopsis, c.Summary, audience = c.Audience.ToString() }) },
        _ => new { kind = KindOf(reply), reply = (object)reply },
    };

    private static string KindOf(ChatReply reply)
    {
        var name = reply.GetType().Name;
        name = name.EndsWith("Reply", StringComparison.Ordinal) ? name[..^"Reply".Length] : name;
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    private sealed record CommandBody(string? PersonId, string? Text, string? RequesterId);
}

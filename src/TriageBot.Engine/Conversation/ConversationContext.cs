using TriageBot.Engine.Ports;

namespace TriageBot.Engine.Conversation;

/// <summary>Who is talking to the bot, already mapped to the org by the adapter.</summary>
/// <param name="Id">Org id of the person, or their platform id when they are not in the org file.</param>
/// <param name="DisplayName">Their display name.</param>
/// <param name="IsLead">True when the org file knows them as a Lead.</param>
public sealed record ChatActor(string Id, string DisplayName, bool IsLead);

/// <summary>How a surface writes commands, for help texts and examples.</summary>
/// <param name="CommandPrefix">What goes before a command ("/triage " in Slack, nothing in a Teams chat).</param>
/// <param name="IdentityField">The org file's field that maps a person to this surface ("slack_id", "teams_id").</param>
/// <param name="CodeQuotes">True to quote examples as code (Slack), false to quote them with quotation marks.</param>
public sealed record ChatSurface(string CommandPrefix, string IdentityField, bool CodeQuotes)
{
    /// <summary>Slack's <c>/triage</c> command.</summary>
    public static ChatSurface Slack { get; } = new("/triage ", "slack_id", CodeQuotes: true);

    /// <summary>A Teams chat with the bot.</summary>
    public static ChatSurface Teams { get; } = new(string.Empty, "teams_id", CodeQuotes: false);

    /// <summary>The local playground.</summary>
    public static ChatSurface Playground { get; } = new(string.Empty, "id", CodeQuotes: false);

    /// <summary>A command as typed on this surface, quoted ("`/triage log 45m`" or "\"log 45m\"").</summary>
    /// <param name="command">The command without prefix, e.g. "log 45m".</param>
    public string Quote(string command) =>
        CodeQuotes ? $"`{CommandPrefix}{command}`" : $"\"{CommandPrefix}{command}\"";
}

/// <summary>Where a command or a card action comes from: tenant, surface, the person, and where a request would be posted.</summary>
/// <param name="Tenant">Tenant key.</param>
/// <param name="Platform">Platform (stored with requests).</param>
/// <param name="Surface">How the surface writes commands.</param>
/// <param name="Actor">Who is talking.</param>
public sealed record ConversationContext(string Tenant, Platform Platform, ChatSurface Surface, ChatActor Actor)
{
    /// <summary>Channel or conversation a triaged request belongs to.</summary>
    public string Channel { get; init; } = string.Empty;

    /// <summary>The message a triaged request replies to, if any.</summary>
    public string? MessageRef { get; init; }

    /// <summary>A permalink to the request, if any.</summary>
    public string? MessageLink { get; init; }

    /// <summary>Who asked, when the request text is someone else's (a pasted or shared message); null: see <see cref="RequesterIsActor"/>.</summary>
    public ChatActor? Requester { get; init; }

    /// <summary>Who is taken as the requester of pasted text when <see cref="Requester"/> is null: the actor themselves when true, "someone (pasted)" otherwise.</summary>
    public bool RequesterIsActor { get; init; }

    /// <summary>Makes a triage idempotent across redeliveries (see <see cref="UseCases.IncomingRequest.IdempotencyKey"/>).</summary>
    public string? IdempotencyKey { get; init; }
}

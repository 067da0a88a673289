using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using TriageBot.Engine.Conversation;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;

namespace TriageBot.Api;

/// <summary>
/// The API's router: maps the caller (the key's tenant) and the acting person (an org id) to a
/// <see cref="ConversationContext"/> and runs the engine's command and card action tables, as Slack and Teams do.
/// </summary>
internal sealed class ApiSurface(ConversationService conversation, IOrgProvider org)
{
    /// <summary>How the API names things in the engine's wording: people by their org file <c>id</c>, no command prefix.</summary>
    public static readonly ChatSurface Surface = new(string.Empty, "id", CodeQuotes: false);

    public ConversationService Conversation => conversation;

    /// <summary>The key's tenant (the authentication handler put it there; every call is scoped to it).</summary>
    public static string Tenant(HttpContext http) =>
        http.User.FindFirstValue(ApiKeyAuthentication.TenantClaim) ?? throw new InvalidOperationException("The call was not authenticated.");

    /// <summary>The context of a call made by the person with this org id.</summary>
    public ConversationContext Context(HttpContext http, string personId, ChatActor? requester = null)
    {
        var person = org.Directory.FindPerson(personId);
        return new ConversationContext(Tenant(http), Platform.Api, Surface, new ChatActor(personId, person?.Name ?? personId, person is { IsLead: true }))
        {
            Channel = "api",
            Requester = requester,
        };
    }

    /// <summary>A requester as the org file knows them, or as given.</summary>
    public ChatActor Requester(string id, string? name) =>
        new(id, string.IsNullOrWhiteSpace(name) ? org.Directory.FindPerson(id)?.Name ?? id : name.Trim(), false);

    /// <summary>Runs a card action of the engine's table for the Lead.</summary>
    public Task<ChatReply> ActAsync(HttpContext http, string action, string leadId, CardActionInput input, CancellationToken ct) =>
        conversation.ActAsync(Context(http, leadId), action, input, ct);

    /// <summary>Runs a command of the engine's table with its arguments.</summary>
    public Task<ChatReply> CommandAsync(HttpContext http, string verb, string personId, string? arguments, CancellationToken ct)
    {
        var command = conversation.Commands.Find(verb) ?? throw new InvalidOperationException($"The engine has no '{verb}' command.");
        return conversation.InvokeAsync(Context(http, personId), command, arguments, ct);
    }
}

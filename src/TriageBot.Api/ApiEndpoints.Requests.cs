using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TriageBot.Engine.Conversation;

namespace TriageBot.Api;

/// <summary>
/// <c>/api/v1/requests…</c>: triage a request and act on its decision (take, redirect, clarify, override, correct the
/// topic, log time, done) through the engine's command and card action tables, as Slack and Teams do.
/// </summary>
internal static partial class ApiEndpoints
{
    private static void MapRequests(RouteGroupBuilder api)
    {
        api.MapPost("/requests", (HttpContext http, ApiSurface surface, CancellationToken ct) => Run(http, async () =>
        {
            var body = await ApiBody.ReadAsync<TriageBody>(http, ct);
            var lead = ApiBody.Required(body.LeadId, "leadId");
            var text = ApiBody.Required(body.Text, "text");
            var requester = ApiBody.Optional(body.RequesterId) is { } r ? surface.Requester(r, body.RequesterName) : null;
            var context = surface.Context(http, lead, requester) with
            {
                Channel = ApiBody.Optional(body.Channel) ?? "api",
                MessageLink = ApiBody.Optional(body.Link),
                IdempotencyKey = ApiBody.Optional(body.IdempotencyKey) is { } key ? "api:" + key : null,
            };
            var reply = await surface.Conversation.InvokeAsync(context, surface.Conversation.Commands.Triage, text, ct);
            if (reply is CardReply card)
            {
                http.Response.Headers.Location = $"/api/v1/requests/{card.Card.RequestId}";
            }

            return ApiResults.Card(reply, StatusCodes.Status201Created);
        }))
            .WithName("TriageRequest")
            .WithSummary("Triage a request for its Lead")
            .WithDescription("Decides take, redirect or clarify with the four answers and their evidence, stores the request and its decision, and returns the decision card. The Lead must be a Lead in the org file (403 otherwise). Repeating an idempotencyKey returns the request it first made; the same key with another lead or text is a 409.")
            .Accepts<TriageBody>("application/json")
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .Produces<RequestResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapGet("/requests/{id:guid}", (Guid id, HttpContext http, ApiSurface surface, CancellationToken ct) => Run(http, async () =>
        {
            var result = await surface.Conversation.UseCases.GetAsync(ApiSurface.Tenant(http), id, ct);
            return Results.Ok(new RequestResponse(result.Card, null));
        }))
            .WithName("GetRequest")
            .WithSummary("A request's current decision card")
            .Produces<RequestResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        MapAction<TakeBody>(api, "take", CardActionNames.Take, "TakeRequest", "Take the request (with an optional estimate)",
            b => b.LeadId, b => new() { Estimate = b.Estimate }, toRequester: false);
        MapAction<RedirectBody>(api, "redirect", CardActionNames.Redirect, "RedirectRequest", "Redirect the request; returns the message for the requester",
            b => b.LeadId, b => new() { OwnerId = ApiBody.Optional(b.OwnerId), Message = b.Message }, toRequester: true);
        MapAction<RedirectBody>(api, "redirect-preview", CardActionNames.PreviewRedirect, "PreviewRedirect", "The redirect message the requester would get, to edit before redirecting",
            b => b.LeadId, b => new() { OwnerId = ApiBody.Optional(b.OwnerId) }, toRequester: true);
        MapAction<ClarifyBody>(api, "clarify", CardActionNames.Clarify, "ClarifyRequest", "Ask the requester for details; returns the question for them",
            b => b.LeadId, b => new() { Message = b.Message }, toRequester: true);
        MapAction<OverrideBody>(api, "override", CardActionNames.Override, "OverrideAnswer", "Override one of the four answers; the decision is recomputed",
            b => b.LeadId, b => new() { Question = b.Question.ToString(), Answer = b.Answer.ToString() }, toRequester: false);
        MapAction<TopicBody>(api, "topic", CardActionNames.CorrectTopic, "CorrectTopic", "Correct the topic; the decision is recomputed and the bot learns",
            b => b.LeadId, b => new() { TopicId = ApiBody.Required(b.TopicId, "topicId") }, toRequester: false);
        MapAction<RequestTimeBody>(api, "time", CardActionNames.Log, "LogTimeOnRequest", "Log help time on the request",
            b => b.LeadId, b => new() { Duration = ApiBody.Required(b.Duration, "duration"), Note = ApiBody.Optional(b.Note) }, toRequester: false);
        MapAction<LeadBody>(api, "done", CardActionNames.Done, "MarkRequestDone", "Mark the request done",
            b => b.LeadId, _ => new(), toRequester: false);
    }

    /// <summary>POST /requests/{id}/{path}: one card action of the engine's table, for the Lead named in the body.</summary>
    private static void MapAction<TBody>(
        RouteGroupBuilder api,
        string path,
        string action,
        string name,
        string summary,
        Func<TBody, string?> lead,
        Func<TBody, CardActionInput> input,
        bool toRequester)
        where TBody : class
    {
        api.MapPost($"/requests/{{id:guid}}/{path}", (Guid id, HttpContext http, ApiSurface surface, CancellationToken ct) => Run(http, async () =>
        {
            var body = await ApiBody.ReadAsync<TBody>(http, ct);
            var leadId = ApiBody.Required(lead(body), "leadId");
            var reply = await surface.ActAsync(http, action, leadId, input(body) with { RequestId = id }, ct);
            return toRequester ? ApiResults.RequesterMessage(reply) : ApiResults.Card(reply);
        }))
            .WithName(name)
            .WithSummary(summary)
            .Accepts<TBody>("application/json")
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .Produces(StatusCodes.Status200OK, toRequester ? typeof(RequesterMessageResponse) : typeof(RequestResponse));
    }
}

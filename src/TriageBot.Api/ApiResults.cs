using Microsoft.AspNetCore.Http;
using TriageBot.Engine.Conversation;
using TriageBot.Engine.Decisions;

namespace TriageBot.Api;

/// <summary>
/// The API's renderer: one case per <see cref="ChatReply"/> kind, and the engine's refusals as RFC 7807 problem details
/// (not a Lead → 403, unknown request in this tenant → 404, already done → 409, anything else the engine refuses → 422).
/// </summary>
internal static class ApiResults
{
    public static IResult Card(ChatReply reply, int status = StatusCodes.Status200OK) => reply switch
    {
        CardReply c when status == StatusCodes.Status201Created =>
            Results.Json(new RequestResponse(c.Card, c.Notice), statusCode: status, contentType: "application/json"),
        CardReply c => Results.Ok(new RequestResponse(c.Card, c.Notice)),
        _ => Other(reply),
    };

    public static IResult RequesterMessage(ChatReply reply) => reply switch
    {
        RequesterMessageReply m => Results.Ok(new RequesterMessageResponse(m.Card, m.Message, m.Owner)),
        RedirectPreviewReply p => Results.Ok(new RequesterMessageResponse(p.Preview.Card, p.Preview.Message, p.Preview.Owner)),
        _ => Other(reply),
    };

    public static IResult Other(ChatReply reply) => reply switch
    {
        NoticeReply n => Results.Ok(new NoticeResponse(n.Text)),
        WhoReply w => Results.Ok(new WhoResponse(w.Who.Owners, w.Who.Advice, w.Note)),
        FactsReply f => Results.Ok(new FactsResponse(f.Title, [.. f.Facts.Select(x => new Fact(x.Key, x.Value))], f.Footer)),
        ErrorReply e => Refused(e.Message, e.Kind),
        _ => throw new InvalidOperationException($"The API does not render a {reply.GetType().Name} here."),
    };

    public static IResult Refused(string message, UserErrorKind kind) => kind switch
    {
        UserErrorKind.NotFound => Problem(StatusCodes.Status404NotFound, "Not found", message, "not-found"),
        UserErrorKind.NotAllowed => Problem(StatusCodes.Status403Forbidden, "Not allowed", message, "not-allowed"),
        UserErrorKind.Conflict => Problem(StatusCodes.Status409Conflict, "Conflict", message, "conflict"),
        _ => Problem(StatusCodes.Status422UnprocessableEntity, "TriageBot could not act on this", message, "refused"),
    };

    public static IResult BadInput(string message) =>
        Problem(StatusCodes.Status400BadRequest, "The request is not valid", message, "bad-request");

    public static IResult Problem(int status, string title, string detail, string code) =>
        Results.Problem(detail: detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code });
}

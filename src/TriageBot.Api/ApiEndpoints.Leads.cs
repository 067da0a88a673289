using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TriageBot.Engine.Conversation;
using TriageBot.Engine.Digest;

namespace TriageBot.Api;

/// <summary><c>/api/v1/who</c> and <c>/api/v1/leads/{leadId}/…</c>: the commands of the engine's table (who, log, done, stats, digest).</summary>
internal static partial class ApiEndpoints
{
    private static void MapLeads(RouteGroupBuilder api)
    {
        api.MapPost("/who", (HttpContext http, ApiSurface surface, CancellationToken ct) => Run(http, async () =>
        {
            var body = await ApiBody.ReadAsync<WhoBody>(http, ct);
            var requester = ApiBody.Required(body.RequesterId, "requesterId");
            var text = ApiBody.Required(body.Text, "text");
            return ApiResults.Other(await surface.CommandAsync(http, "who", requester, text, ct));
        }))
            .WithName("WhoToAsk")
            .WithSummary("Who or which team to ask (anyone may ask)")
            .Accepts<WhoBody>("application/json")
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .Produces<WhoResponse>()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapPost("/leads/{leadId}/time", (string leadId, HttpContext http, ApiSurface surface, CancellationToken ct) => Run(http, async () =>
        {
            var body = await ApiBody.ReadAsync<LeadTimeBody>(http, ct);
            var duration = ApiBody.Required(body.Duration, "duration");
            if (duration.Any(char.IsWhiteSpace))
            {
                throw new ApiInputException("'duration' is one word such as 30m, 1h15m or 1.5h.");
            }

            var arguments = ApiBody.Optional(body.Note) is { } note ? $"{duration} {note}" : duration;
            return ApiResults.Other(await surface.CommandAsync(http, "log", leadId, arguments, ct));
        }))
            .WithName("LogTime")
            .WithSummary("Log help time on the Lead's latest taken request")
            .Accepts<LeadTimeBody>("application/json")
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .Produces<NoticeResponse>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapPost("/leads/{leadId}/done", (string leadId, HttpContext http, ApiSurface surface, CancellationToken ct) => Run(http, async () =>
            ApiResults.Other(await surface.CommandAsync(http, "done", leadId, null, ct))))
            .WithName("MarkLatestDone")
            .WithSummary("Mark the Lead's latest taken request done")
            .Produces<NoticeResponse>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapGet("/leads/{leadId}/stats", (string leadId, HttpContext http, ApiSurface surface, CancellationToken ct) => Run(http, async () =>
            ApiResults.Other(await surface.CommandAsync(http, "stats", leadId, null, ct))))
            .WithName("GetStats")
            .WithSummary("This week's requests received, taken and redirected, and help hours against the budget")
            .Produces<FactsResponse>()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapGet("/leads/{leadId}/digest", (string leadId, string? week, HttpContext http, ApiSurface surface, CancellationToken ct) => Run(http, async () =>
            await DigestAsync(http, surface, leadId, week, digest => Results.Ok(digest), ct)))
            .WithName("GetDigest")
            .WithSummary("The Lead's weekly digest as JSON (week: an ISO week such as 2026-W48; default this week)")
            .Produces<WeeklyDigest>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapGet("/leads/{leadId}/digest.png", (string leadId, string? week, HttpContext http, ApiSurface surface, IDigestChartRenderer chart, CancellationToken ct) => Run(http, async () =>
            await DigestAsync(http, surface, leadId, week, digest => Results.File(chart.RenderPng(digest), "image/png"), ct)))
            .WithName("GetDigestChart")
            .WithSummary("The digest's chart: hours per day by help kind, with the budget line (PNG)")
            .Produces<byte[]>(StatusCodes.Status200OK, "image/png")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapGet("/leads/{leadId}/digest.csv", (string leadId, string? week, HttpContext http, ApiSurface surface, IDigestCsvWriter csv, CancellationToken ct) => Run(http, async () =>
            await DigestAsync(http, surface, leadId, week, digest => Results.Text(csv.Write(digest), "text/csv; charset=utf-8"), ct)))
            .WithName("GetDigestCsv")
            .WithSummary("The digest's figures as one CSV table (section,key,name,metric,value)")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary>The <c>digest</c> command (Lead gate, week parsing), then the digest it asks for, rendered here instead of sent to a DM.</summary>
    private static async Task<IResult> DigestAsync(HttpContext http, ApiSurface surface, string leadId, string? week, Func<WeeklyDigest, IResult> render, CancellationToken ct)
    {
        var reply = await surface.CommandAsync(http, "digest", leadId, week, ct);
        if (reply is not DigestRequestedReply requested)
        {
            return ApiResults.Other(reply);
        }

        var digest = await surface.Conversation.UseCases.BuildDigestAsync(ApiSurface.Tenant(http), requested.LeadId, requested.IsoWeek, ct);
        return render(digest);
    }
}

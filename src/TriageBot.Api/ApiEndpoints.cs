using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TriageBot.Engine.Decisions;

namespace TriageBot.Api;

/// <summary>The routes of <c>/api/v1</c>; every one answers success or RFC 7807 problem details, never a bare 500.</summary>
internal static partial class ApiEndpoints
{
    public const string Prefix = "/api/v1";
    public const string RateLimitPolicy = "triagebot-api";
    public const string AuthorizationPolicy = "triagebot-api-key";

    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix)
            .RequireAuthorization(AuthorizationPolicy)
            .RequireRateLimiting(RateLimitPolicy)
            .WithTags("TriageBot")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status500InternalServerError);

        MapRequests(api);
        MapLeads(api);

    }

    private static async Task<IResult> Run(HttpContext http, Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (ApiInputException ex)
        {
            return ex.Status == StatusCodes.Status400BadRequest
                ? ApiResults.BadInput(ex.Message)
                : ApiResults.Problem(ex.Status, "Unsupported media type", ex.Message, "unsupported-media-type");
        }
        catch (TriageUserException ex)
        {
            return ApiResults.Refused(ex.Message, ex.Kind);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("TriageBot.Api"), http.Request.Path, ex);
            return ApiResults.Problem(StatusCodes.Status500InternalServerError, "Something went wrong on the server", "The log has the details.", "server-error");
        }
    }

    [LoggerMessage(1, LogLevel.Error, "API call {Path} failed")]
    private static partial void LogFailed(ILogger logger, string path, Exception exception);
}

using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TriageBot.Engine.Access;
using TriageBot.Engine.Conversation;
using TriageBot.Engine.Ports;

namespace TriageBot.Api;

/// <summary>Registers and maps the public HTTP API (<c>/api/v1</c>) and its OpenAPI document (<c>/openapi/v1.json</c>).</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>
    /// Registers the API: options from <c>TriageBot:Api</c> (validated at start-up), API key authentication, the
    /// per-key rate limiter, problem details and the OpenAPI document. Needs the engine's <see cref="ConversationService"/>,
    /// <see cref="IApiKeyStore"/>, <see cref="Engine.Org.IOrgProvider"/> and the digest chart and CSV ports.
    /// </summary>
    public static IServiceCollection AddTriageApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ApiKeyService(sp.GetRequiredService<IApiKeyStore>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ApiSurface>();

        // The API's JSON: enums as camelCase strings, numbers as numbers (the OpenAPI document describes exactly this).
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            // What routing answers by itself (see MapTriageApi) says what to do and carries a code, like every API error.
            if (!ctx.HttpContext.Request.Path.StartsWithSegments(ApiEndpoints.Prefix) || ctx.ProblemDetails.Extensions.ContainsKey("code"))
            {
                return;
            }

            var (code, detail) = ctx.ProblemDetails.Status switch
            {
                StatusCodes.Status404NotFound => ("not-found", "There is nothing at this path: check it against /openapi/v1.json (a request id is a GUID, such as the one in the Location header of POST /api/v1/requests)."),
                StatusCodes.Status405MethodNotAllowed => ("method-not-allowed", $"{ctx.HttpContext.Request.Method} is not allowed on this path: /openapi/v1.json lists the methods each path takes."),
                StatusCodes.Status415UnsupportedMediaType => ("unsupported-media-type", "Send the body as JSON, with the header Content-Type: application/json."),
                _ => (null, null),
            };
            if (code is not null)
            {
                ctx.ProblemDetails.Detail ??= detail;
                ctx.ProblemDetails.Extensions["code"] = code;
            }
        });

        services.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(ApiEndpoints.AuthorizationPolicy, p => p
            .AddAuthenticationSchemes(ApiKeyAuthentication.SchemeName)
            .RequireAuthenticatedUser()
            .RequireClaim(ApiKeyAuthentication.TenantClaim));

        services.AddRateLimiter(o =>
        {
            o.AddPolicy(ApiEndpoints.RateLimitPolicy, http =>
            {
                var options = http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value;
                var keyId = http.User.FindFirstValue(ApiKeyAuthentication.KeyIdClaim) ?? "(none)";
                return RateLimitPartition.GetFixedWindowLimiter(keyId, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.RateLimitPermits,
                    Window = options.RateLimitWindow,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                var window = http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.RateLimitWindow;
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : window;
                var seconds = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds));
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await ApiResults.Problem(StatusCodes.Status429TooManyRequests, "Too many requests",
                    $"This API key made too many calls; try again in {seconds} s.", "rate-limited").ExecuteAsync(http);
            };
        });

        services.AddOpenApi(ApiOpenApi.DocumentName, ApiOpenApi.Configure);
        return services;
    }

    /// <summary>Maps <c>/api/v1/*</c> and <c>/openapi/v1.json</c> (unless <c>TriageBot:Api:Enabled</c> is false).</summary>
    public static WebApplication MapTriageApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.Enabled)
        {
            return app;
        }

        // What routing answers by itself under /api/v1 (404 unknown path or a request id that is not a GUID, 405 wrong
        // method, 415 a body that is not JSON) gets a problem details body too.
        app.UseWhen(http => http.Request.Path.StartsWithSegments(ApiEndpoints.Prefix), branch => branch.UseStatusCodePages());
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapOpenApi("/openapi/{documentName}.json");
        ApiEndpoints.Map(app);
        return app;
    }
}

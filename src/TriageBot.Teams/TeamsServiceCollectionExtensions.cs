using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using TriageBot.Engine.Conversation;
using TriageBot.Engine.Digest;
using TriageBot.Engine.Queue;
using TriageBot.Engine.UseCases;
using TriageBot.Teams.App;
using TriageBot.Teams.Auth;
using TriageBot.Teams.Connector;

namespace TriageBot.Teams;

/// <summary>Registers and maps the Teams adapter.</summary>
public static class TeamsServiceCollectionExtensions
{
    internal const string OpenIdClient = "teams-openid";
    internal const string TokenClient = "teams-token";
    internal const string ConnectorHttpClient = "teams-connector";

    /// <summary>
    /// Registers the Teams adapter: options (validated at start-up), inbound token validation, outbound token and connector
    /// clients with retries, the activity handler, the digest sender and the queue handler. Without <c>TriageBot:Teams:AppId</c>
    /// it runs unauthenticated on loopback only, and says so at start-up.
    /// </summary>
    public static IServiceCollection AddTeams(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TeamsOptions>().Bind(configuration.GetSection(TeamsOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TeamsOptions>, TeamsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();

        services.AddHttpClient(OpenIdClient, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddHttpClient(TokenClient, c => c.Timeout = TimeSpan.FromSeconds(15));
        services.AddHttpClient(ConnectorHttpClient, c => c.Timeout = TimeSpan.FromSeconds(100))
            .AddResilienceHandler("teams-connector", static (builder, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<TeamsOptions>>().Value;
                var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
                builder.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryBaseDelay,
                    ShouldRetryAfterHeader = false,
                    ShouldHandle = args => ValueTask.FromResult(options.MaxRetries > 0 && ConnectorRetry.ShouldRetry(args.Outcome.Result, options.MaxRetryAfter, time)),
                    DelayGenerator = args => ValueTask.FromResult(ConnectorRetry.RetryAfter(args.Outcome.Result, time)),
                });
            });

        services.TryAddSingleton<TeamsMetrics>();
        services.TryAddSingleton<TrustedServiceUrls>();
        services.TryAddSingleton<ConversationRateLimiter>();
        services.TryAddSingleton(sp => new OpenIdKeyProvider(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(OpenIdClient),
            sp.GetRequiredService<IOptions<TeamsOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OpenIdKeyProvider>>()));
        services.TryAddSingleton(sp => new BotTokenClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(TokenClient),
            sp.GetRequiredService<IOptions<TeamsOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<BotTokenClient>>()));
        services.TryAddSingleton(sp => new ConnectorClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(ConnectorHttpClient),
            sp.GetRequiredService<BotTokenClient>(),
            sp.GetRequiredService<TrustedServiceUrls>(),
            sp.GetRequiredService<ConversationRateLimiter>(),
            sp.GetRequiredService<TeamsMetrics>(),
            sp.GetRequiredService<ILogger<ConnectorClient>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<BotTokenValidator>();
        // The adapter holds no per-request state: every part is a singleton that gets what it needs through its
        // constructor (the ports are singletons too); the endpoint is handed the activity handler, not a scope.
        services.TryAddSingleton<MessagesEndpoint>();
        services.TryAddSingleton<UserMapper>();
        services.TryAddSingleton(sp => new ConversationService(sp.GetRequiredService<ITriageUseCases>()));
        services.TryAddSingleton<TeamsClaims>();
        services.TryAddSingleton<TeamsReplySender>();
        services.TryAddSingleton<TeamsInstallHandler>();
        services.TryAddSingleton<TeamsMessageRouter>();
        services.TryAddSingleton<TeamsInvokeRouter>();
        services.TryAddSingleton<TeamsActivityHandler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDigestSender, TeamsDigestSender>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWorkHandler, TeamsWorkHandler>());
        services.AddHostedService<TeamsStartupCheck>();
        return services;
    }

    /// <summary>Maps <c>POST /api/messages</c> (Bot Framework / Teams activities).</summary>
    public static IEndpointRouteBuilder MapTeams(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost("/api/messages", static (HttpContext context, [FromServices] MessagesEndpoint messages) => messages.HandleAsync(context))
            .WithName("TeamsMessages")
            .DisableAntiforgery();
        return endpoints;
    }
}

/// <summary>Retry rules for connector calls: 429, 412, 502 and 504, honouring <c>Retry-After</c>.</summary>
internal static class ConnectorRetry
{
    public static bool ShouldRetry(HttpResponseMessage? response, TimeSpan maxRetryAfter, TimeProvider time)
    {
        if (response is null)
        {
            return false;
        }

        var retryable = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.PreconditionFailed or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout;
        if (!retryable)
        {
            return false;
        }

        // A wait longer than we are willing to block is left to the durable queue.
        return RetryAfter(response, time) is not { } wait || wait <= maxRetryAfter;
    }

    /// <summary>The server's <c>Retry-After</c> as a delay, or null to use exponential backoff with jitter.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time)
    {
        var header = response?.Headers.RetryAfter;
        if (header is null)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}

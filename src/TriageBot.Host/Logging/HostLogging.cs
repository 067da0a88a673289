using Serilog;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace TriageBot.Host.Logging;

/// <summary>
/// Serilog set-up: a bootstrap logger for start-up failures, then the configured logger (<c>Serilog</c> section): sinks from
/// configuration, or the console when none is configured — compact JSON in Production, readable text in Development.
/// Secrets never reach a sink (<see cref="SecretRedactionEnricher"/>).
/// </summary>
public static class HostLogging
{
    private const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>The logger used until the host's own logger is built (and for fatal start-up errors).</summary>
    public static Serilog.ILogger CreateBootstrapLogger()
    {
        var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT");
        var development = string.Equals(environment, "Development", StringComparison.OrdinalIgnoreCase);
        var secrets = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("TriageBot__", StringComparison.OrdinalIgnoreCase) && SecretRedactionEnricher.IsSecretName(k[(k.LastIndexOf('_') + 1)..]))
            .Select(k => Environment.GetEnvironmentVariable(k) ?? "")
            .ToList();
        return new LoggerConfiguration()
            .MinimumLevel.Information()
            .Enrich.With(new SecretRedactionEnricher(secrets))
            .WriteTo.Console(ConsoleFormatter(development))
            .CreateBootstrapLogger();
    }

    /// <summary>Registers Serilog as the logging provider for the host.</summary>
    /// <remarks>Configuration is read when the host is built (not now), so settings added later — by tests, by
    /// WebApplicationFactory — are seen too.</remarks>
    public static IServiceCollection AddTriageBotLogging(this IServiceCollection services)
    {
        services.AddSingleton(sp => new SecretRedactionEnricher(SecretRedactionEnricher.SecretsFrom(sp.GetRequiredService<IConfiguration>())));

        // preserveStaticLogger: several hosts may run in one process (tests, tools); each gets its own pipeline.
        services.AddSerilog(
            (sp, lc) =>
            {
                var configuration = sp.GetRequiredService<IConfiguration>();
                var development = sp.GetRequiredService<IHostEnvironment>().IsDevelopment();
                lc.MinimumLevel.Information()
                    .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                    .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
                    .ReadFrom.Configuration(configuration)
                    .ReadFrom.Services(sp)
                    .Enrich.FromLogContext()
                    .Enrich.WithProperty("Application", "TriageBot")
                    .Enrich.With(sp.GetRequiredService<SecretRedactionEnricher>());
                if (!configuration.GetSection("Serilog:WriteTo").GetChildren().Any())
                {
                    if (development)
                    {
                        lc.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
                    }
                    else
                    {
                        lc.WriteTo.Console(new CompactJsonFormatter());
                    }
                }
            },
            preserveStaticLogger: true);
        return services;
    }

    private static ITextFormatter ConsoleFormatter(bool development) =>
        development
            ? new MessageTemplateTextFormatter(TextTemplate, System.Globalization.CultureInfo.InvariantCulture)
            : new CompactJsonFormatter();
}

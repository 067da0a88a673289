using TriageBot.Host.Understanding;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Serilog;
using TriageBot.Engine.Conversation;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Digest;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Queue;
using TriageBot.Engine.UseCases;
using TriageBot.Host.Configuration;
using TriageBot.Host.Logging;
using TriageBot.Host.Observability;
using TriageBot.Host.Org;
using TriageBot.Host.Playground;
using TriageBot.Host.Storage;
using TriageBot.Host.Workers;
using TriageBot.Reporting;
using TriageBot.Storage;

namespace TriageBot.Host;

/// <summary>Composition of the engine, storage and the background workers.</summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>Registers org, engine use cases, storage, queue worker and digest scheduler.</summary>
    public static IServiceCollection AddTriageBotCore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // Logging first, so everything below logs through Serilog with secrets masked.
        services.AddTriageBotLogging();

        // Tests replace the clock with a FakeTimeProvider.
        services.TryAddSingleton(TimeProvider.System);

        // Options, validated at start-up with messages that name the key and what to put there.
        services.AddOptions<TriageBotHostOptions>().Bind(configuration.GetSection(TriageBotHostOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TriageBotHostOptions>, TriageBotHostOptionsValidator>();
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection("TriageBot:Storage")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddOptions<OrgOptions>().Bind(configuration.GetSection(OrgOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OrgOptions>, OrgOptionsValidator>();
        services.AddOptions<DigestScheduleOptions>().Bind(configuration.GetSection(DigestScheduleOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DigestScheduleOptions>, DigestScheduleOptionsValidator>();
        services.AddOptions<WorkerOptions>().Bind(configuration.GetSection(WorkerOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>();
        services.AddOptions<DecisionPolicy>().Bind(configuration.GetSection("TriageBot:Policy")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DecisionPolicy>, DecisionPolicyValidator>();
        services.AddOptions<ChatCredentials>().Configure<IConfiguration>((c, config) => Copy(ChatCredentials.From(config), c)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ChatCredentials>, ChatCredentialsValidator>();
        services.AddOptions<PlaygroundOptions>().Bind(configuration.GetSection(PlaygroundOptions.Section));

        services.TryAddSingleton(sp => new HostPaths(
            sp.GetRequiredService<IHostEnvironment>().ContentRootPath,
            sp.GetRequiredService<IOptions<TriageBotHostOptions>>().Value.DataDirectory));

        // SQLite lives in the data directory unless a connection string says otherwise.
        services.AddOptions<StorageOptions>().PostConfigure<HostPaths>((o, paths) =>
        {
            o.Provider = string.IsNullOrWhiteSpace(o.Provider) ? "sqlite" : o.Provider.Trim().ToLowerInvariant();
            if (o.Provider == "postgresql")
            {
                o.Provider = "postgres";
            }

            if (o.Provider == "sqlite" && string.IsNullOrWhiteSpace(o.ConnectionString))
            {
                paths.EnsureDataDirectory();
                o.ConnectionString = $"Data Source={Path.Combine(paths.DataDirectory, "triagebot.db")}";
            }
        });

        // Org.
        services.TryAddSingleton<FileOrgProvider>();
        services.TryAddSingleton<IOrgProvider>(sp => sp.GetRequiredService<FileOrgProvider>());

        // Storage: opened and migrated once, before the app serves (StorageStartupService is the first hosted service).
        services.AddSingleton<StorageHolder>();
        services.AddHostedService<StorageStartupService>();
        services.TryAddSingleton<IStorage>(sp => sp.GetRequiredService<StorageHolder>().Storage);
        services.TryAddSingleton(sp => sp.GetRequiredService<IStorage>().Requests);
        services.TryAddSingleton(sp => sp.GetRequiredService<IStorage>().Ledger);
        services.TryAddSingleton(sp => sp.GetRequiredService<IStorage>().Events);
        services.TryAddSingleton(sp => sp.GetRequiredService<IStorage>().Installations);
        services.TryAddSingleton(sp => sp.GetRequiredService<IStorage>().Conversations);
        services.TryAddSingleton(sp => sp.GetRequiredService<IStorage>().LeadSettings);
        services.TryAddSingleton(sp => sp.GetRequiredService<IStorage>().Digests);
        services.TryAddSingleton(sp => sp.GetRequiredService<IStorage>().ApiKeys);
        services.TryAddSingleton(sp => sp.GetRequiredService<IStorage>().Migrator);
        services.TryAddSingleton<IStorageRehearsal>(sp => sp.GetRequiredService<IStorage>() as IStorageRehearsal ?? NoRehearsal.Instance);
        services.TryAddSingleton<WorkSignal>();
        services.TryAddSingleton<IWorkQueue>(sp => new SignalingWorkQueue(sp.GetRequiredService<IStorage>().Queue, sp.GetRequiredService<WorkSignal>()));

        // Engine.
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<DecisionPolicy>>().Value);
        services.TryAddSingleton(sp =>
        {
            var digest = sp.GetRequiredService<IOptions<DigestScheduleOptions>>().Value;
            return new DigestDefaults(digest.ParsedDay, digest.ParsedTime);
        });
        services.TryAddSingleton(sp => new TriageUseCases(
            sp.GetRequiredService<IOrgProvider>(),
            sp.GetRequiredService<DecisionPolicy>(),
            sp.GetRequiredService<IRequestStore>(),
            sp.GetRequiredService<ITimeLedger>(),
            sp.GetRequiredService<ILeadSettingsStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<DigestDefaults>(),
            sp.GetRequiredService<Engine.Understanding.UnderstandingSetup>(),
            sp.GetRequiredService<Engine.Understanding.LearnedExamples>(),
            sp.GetService<Engine.Understanding.IRequestReader>()));
        services.AddUnderstanding(configuration);
        services.TryAddSingleton<ITriageUseCases>(sp => new MeteredTriageUseCases(sp.GetRequiredService<TriageUseCases>(), sp.GetRequiredService<TriageBotMetrics>(), sp.GetRequiredService<IStorageRehearsal>()));
        services.TryAddSingleton(sp => new ConversationService(sp.GetRequiredService<ITriageUseCases>()));
        services.TryAddSingleton<IDigestChartRenderer>(_ => new ScottPlotDigestChartRenderer());
        services.TryAddSingleton<IDigestCsvWriter, DigestCsvWriter>();

        // Background work.
        services.TryAddSingleton(sp => new WorkerIdentity(
            sp.GetRequiredService<IOptions<WorkerOptions>>().Value.WorkerId,
            sp.GetRequiredService<HostPaths>().DataDirectory));
        services.TryAddSingleton(sp =>
        {
            var workers = sp.GetRequiredService<IOptions<WorkerOptions>>().Value;
            return new WorkQueueRunner(
                sp.GetRequiredService<IWorkQueue>(),
                sp.GetServices<IWorkHandler>(),
                sp.GetRequiredService<TimeProvider>(),
                new WorkQueueRunnerOptions
                {
                    LeaseDuration = workers.QueueLease,
                    HeartbeatInterval = workers.QueueHeartbeat,
                    MaxConcurrency = workers.QueueConcurrency,
                    BatchSize = workers.QueueConcurrency,
                });
        });
        services.TryAddSingleton(sp => new DigestDispatcher(
            sp.GetRequiredService<IOrgProvider>(),
            sp.GetRequiredService<ITriageUseCases>(),
            sp.GetRequiredService<IDigestDeliveryStore>(),
            sp.GetRequiredService<IInstallationStore>(),
            sp.GetServices<IDigestSender>(),
            sp.GetRequiredService<IDigestChartRenderer>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<DigestDefaults>()));
        services.TryAddSingleton<IngressPressure>();
        services.AddHostedService<QueueWorkerService>();
        services.AddHostedService<DigestSchedulerService>();

        services.AddHostedService<QueueMetricsSampler>();

        // Warm-up once the server listens; /readyz is not ready before it has run.
        services.TryAddSingleton<WarmUp.WarmUpState>();
        services.AddHostedService<WarmUp.WarmUpService>();
        services.AddHostedService<RetentionService>();

        // Shutdown: give in-flight work time to finish (queue items, digests, Socket Mode close).
        services.Configure<HostOptions>(o =>
        {
            if (o.ShutdownTimeout < TimeSpan.FromSeconds(25))
            {
                o.ShutdownTimeout = TimeSpan.FromSeconds(25);
            }
        });

        // Data Protection: the Slack adapter encrypts workspace tokens with it.
        services.AddDataProtection().SetApplicationName("TriageBot");
        services.AddOptions<KeyManagementOptions>().Configure<HostPaths, IOptions<StorageOptions>, IOptions<TriageBotHostOptions>, ILoggerFactory>(
            (o, paths, storage, host, loggers) => o.XmlRepository = KeyRepository(paths, storage.Value, host.Value, loggers));

        // Health and metrics.
        services.AddHealthChecks()
            .AddCheck("process", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy("alive"), [HealthTags.Live])
            .AddCheck<StorageReadinessCheck>("database", tags: [HealthTags.Ready])
            .AddCheck<OrgHealthCheck>("org", tags: [HealthTags.Ready])
            .AddCheck<WarmUp.WarmUpHealthCheck>("warm-up", tags: [HealthTags.Ready]);
        services.TryAddSingleton<TriageBotMetrics>();
        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(TriageBotMetrics.MeterName, TriageBotMetrics.MeterName + ".*")
            // The runtime's own meter (GC pauses and collections, thread pool queue, lock contention): what to read when
            // a latency tail is not in the request pipeline.
            .AddMeter("System.Runtime")
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter());

        // Playground (a third, small adapter over the same use cases).
        services.AddTriageBotPlayground(configuration);
        return services;
    }

    /// <summary>Maps health, metrics and the playground.</summary>
    public static WebApplication MapTriageBotCore(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Configuration.GetValue<bool>(TriageBotHostOptions.Section + ":" + nameof(TriageBotHostOptions.BehindProxy)))
        {
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost };

            // The proxy's address is not known in advance (a container network, an ingress): accept its headers from
            // any peer. Only scheme and host are taken, never the client address (see TriageBotHostOptions.BehindProxy).
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();

            // With AllowedHosts set to the public host name(s), a forwarded host outside them is ignored.
            if (app.Configuration["AllowedHosts"] is { Length: > 0 } allowed && allowed.Trim() != "*")
            {
                forwarded.AllowedHosts = allowed.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }

            app.UseForwardedHeaders(forwarded);
        }

        // Platform traffic (Slack, Teams) is counted so the queue worker can yield the cores to acks during a burst.
        var pressure = app.Services.GetRequiredService<IngressPressure>();
        app.Use((context, next) =>
        {
            if (IngressPressure.IsPlatformPath(context.Request.Path))
            {
                pressure.Record();
            }

            return next(context);
        });

        app.UseSerilogRequestLogging(o =>
        {
            // This host's logger (with its sinks and secret masking), not the process-wide static one.
            o.Logger = app.Services.GetService<Serilog.ILogger>();

            // Path only (no query string, no headers): OAuth codes and signatures never reach the log.
            o.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms";
            o.GetLevel = (ctx, _, ex) => ex is not null || ctx.Response.StatusCode >= 500
                ? Serilog.Events.LogEventLevel.Error
                : IsProbe(ctx.Request.Path) ? Serilog.Events.LogEventLevel.Verbose : Serilog.Events.LogEventLevel.Information;
        });

        app.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(HealthTags.Live),
            ResponseWriter = HealthResponse.WriteAsync,
        });
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(HealthTags.Ready),
            ResponseWriter = HealthResponse.WriteAsync,
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapTriageBotPlayground();
        return app;
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/metrics");

    private static IXmlRepository KeyRepository(HostPaths paths, StorageOptions storage, TriageBotHostOptions host, ILoggerFactory loggers)
    {
        var mode = string.IsNullOrWhiteSpace(host.DataProtectionKeys) ? (storage.Provider == "postgres" ? "database" : "file") : host.DataProtectionKeys.Trim().ToLowerInvariant();
        if (mode == "database" && storage.Provider == "postgres" && storage.ConnectionString is { } cs)
        {
            return new PostgresXmlRepository(cs);
        }

        Directory.CreateDirectory(paths.KeysDirectory);
        return new FileSystemXmlRepository(new DirectoryInfo(paths.KeysDirectory), loggers);
    }

    private static void Copy(ChatCredentials from, ChatCredentials to)
    {
        to.SlackSigningSecret = from.SlackSigningSecret;
        to.SlackBotToken = from.SlackBotToken;
        to.SlackAppToken = from.SlackAppToken;
        to.SlackClientId = from.SlackClientId;
        to.SlackClientSecret = from.SlackClientSecret;
        to.SlackApiBaseUrl = from.SlackApiBaseUrl;
        to.TeamsAppId = from.TeamsAppId;
        to.TeamsAppPassword = from.TeamsAppPassword;
    }
}

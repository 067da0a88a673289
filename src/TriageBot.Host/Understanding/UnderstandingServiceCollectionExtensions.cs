using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using TriageBot.Embeddings;
using TriageBot.Engine.Understanding;
using TriageBot.Engine.UseCases;
using TriageBot.Llm;
using TriageBot.Storage;

namespace TriageBot.Host.Understanding;

/// <summary>Wires the understanding layers: the built-in vocabulary, the local sentence model and the learned examples.</summary>
internal static class UnderstandingServiceCollectionExtensions
{
    public const string Section = "TriageBot:Understanding";

    public static IServiceCollection AddUnderstanding(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<UnderstandingOptions>()
            .Bind(configuration.GetSection(Section))
            .ValidateDataAnnotations()
            .Validate(o => o.MentionAtLeast <= o.ClarifyBelow,
                $"{Section}:MentionAtLeast must not be above {Section}:ClarifyBelow (a topic mentioned in passing cannot need more confidence than the main one).")
            .ValidateOnStart();

        // The model is loaded once, at start (about 2 s), never per request; off with TriageBot:Understanding:Embeddings=false.
        services.TryAddSingleton<EmbedderHolder>();
        services.TryAddSingleton(sp => new LearnedExamples(
            sp.GetRequiredService<IStorage>().LearnedExamples,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<UnderstandingOptions>>().Value));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<UnderstandingOptions>>().Value;
            return new UnderstandingSetup(options.Vocabulary ? BuiltInVocabulary.Instance : null, sp.GetRequiredService<EmbedderHolder>().Embedder, options);
        });
        // The optional LLM reading (TriageBot:Understanding:Llm); no reader is registered unless Enabled=true.
        services.AddLlmReading(configuration);
        services.AddHostedService<UnderstandingWarmUpService>();
        services.AddSingleton<UnderstandingWarmUp>();
        services.AddHealthChecks().AddCheck<UnderstandingReadinessCheck>("understanding", tags: [Observability.HealthTags.Ready]);
        return services;
    }
}

/// <summary>Loads the sentence model when embeddings are on.</summary>
internal sealed class EmbedderHolder : IDisposable
{
    private readonly MiniLmTextEmbedder? _model;

    public EmbedderHolder(IOptions<UnderstandingOptions> options, ILogger<EmbedderHolder> logger)
    {
        if (!options.Value.Embeddings)
        {
            logger.LogInformation("Understanding: sentence model off (TriageBot:Understanding:Embeddings=false); topics are matched by words only");
            return;
        }

        _model = new MiniLmTextEmbedder(threads: options.Value.ModelThreads);
        logger.LogInformation(
            "Understanding: sentence model {Model} loaded in {Seconds:0.0} s; {Threads} thread(s) per reading, {Concurrency} reading(s) at once",
            _model.ModelId, _model.LoadTime.TotalSeconds, _model.Threads, options.Value.EffectiveModelConcurrency(Environment.ProcessorCount));
    }

    public ITextEmbedder? Embedder => _model;

    public void Dispose() => _model?.Dispose();
}

/// <summary>Whether the engine (with its topic vectors) is built, so the first request does not pay for it.</summary>
internal sealed class UnderstandingWarmUp
{
    private volatile bool _ready;

    public bool Ready => _ready;

    public void MarkReady() => _ready = true;
}

/// <summary>
/// Builds the engine and reads one request while the host starts (before it listens), so neither /readyz nor the
/// first request waits for the sentence model or the topic vectors.
/// </summary>
internal sealed class UnderstandingWarmUpService(TriageUseCases useCases, UnderstandingWarmUp state, ILogger<UnderstandingWarmUpService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await Task.Run(useCases.WarmUp, cancellationToken);
            logger.LogInformation("Understanding: ready in {Milliseconds} ms", sw.ElapsedMilliseconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A broken org is reported by the org check; requests build the engine once it is fixed.
            logger.LogWarning(e, "Understanding: warm-up failed; the engine is built on the first request");
        }
        finally
        {
            state.MarkReady();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal sealed class UnderstandingReadinessCheck(UnderstandingWarmUp state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.Ready ? HealthCheckResult.Healthy("warmed up") : HealthCheckResult.Unhealthy("loading the sentence model and topic index"));
}

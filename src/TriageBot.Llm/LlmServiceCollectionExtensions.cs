using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Chat;
using TriageBot.Engine.Understanding;

namespace TriageBot.Llm;

/// <summary>Registers the optional LLM reading.</summary>
public static partial class LlmServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <c>TriageBot:Understanding:Llm</c> (checked at start) and, only when its <c>Enabled</c> is
    /// true, registers an <see cref="IRequestReader"/> over an OpenAI-compatible endpoint or Ollama. When it is off,
    /// no reader is registered and no request text leaves the machine.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    public static IServiceCollection AddLlmReading(this IServiceCollection services, IConfiguration configuration) =>
        AddLlmReading(services, configuration, null);

    /// <summary>As <see cref="AddLlmReading(IServiceCollection, IConfiguration)"/>, with the chat client made by <paramref name="chatClient"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="chatClient">Makes the chat client from the validated options (owned and disposed by the container); the OpenAI-compatible client when null.</param>
    public static IServiceCollection AddLlmReading(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, LlmOptions, IChatClient>? chatClient)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(LlmOptions.Section);
        services.AddOptions<LlmOptions>().Configure(o => section.Bind(o)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmOptions>, LlmOptionsValidator>());

        // Anything but a clear "true" leaves the reader out (a value that is not a boolean fails at start through the binder).
        if (!bool.TryParse(section["Enabled"], out var enabled) || !enabled)
        {
            return services;
        }

        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LlmOptions>>().Value;
            var loggerFactory = sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            var client = chatClient is null ? CreateOpenAiCompatible(options) : chatClient(sp, options);
            LogOn(loggerFactory.CreateLogger<ChatClientRequestReader>(), options.NormalisedProvider ?? options.Provider, options.Model ?? "", EndpointFor(options).Authority, options.MaxInputChars, options.TimeoutSeconds);
            return new LlmChatClient(client);
        });
        services.TryAddSingleton<IRequestReader>(sp => new ChatClientRequestReader(
            sp.GetRequiredService<LlmChatClient>().Client,
            sp.GetRequiredService<IOptions<LlmOptions>>().Value,
            (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<ChatClientRequestReader>(),
            sp.GetService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// The chat client for an OpenAI-compatible endpoint (OpenAI, Azure OpenAI's v1 endpoint, a gateway, vLLM, LM Studio,
    /// Ollama's <c>/v1</c>): no retries (the reader's timeout is the budget), the SDK's own logging off.
    /// </summary>
    /// <param name="options">Validated options.</param>
    internal static IChatClient CreateOpenAiCompatible(LlmOptions options)
    {
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = EndpointFor(options),
            NetworkTimeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            ClientLoggingOptions = new ClientLoggingOptions { EnableLogging = false, EnableMessageLogging = false, EnableMessageContentLogging = false },
        };

        // Ollama and many local servers ignore the key, but the client needs one to send.
        var key = string.IsNullOrWhiteSpace(options.ApiKey) ? "no-key" : options.ApiKey.Trim();
        return new ChatClient(options.Model!.Trim(), new ApiKeyCredential(key), clientOptions).AsIChatClient();
    }

    /// <summary>The endpoint's URL; for Ollama a bare <c>http://host:11434</c> gets its OpenAI-compatible <c>/v1</c>.</summary>
    /// <param name="options">Validated options.</param>
    internal static Uri EndpointFor(LlmOptions options)
    {
        var uri = new Uri(options.Endpoint!.Trim(), UriKind.Absolute);
        if (options.NormalisedProvider == LlmOptions.OllamaProvider && uri.AbsolutePath is "" or "/")
        {
            uri = new Uri(uri, "/v1");
        }

        return uri;
    }

    [LoggerMessage(10, LogLevel.Information,
        "Understanding: LLM reading on ({Provider}, model {Model} at {Endpoint}); each request's text (at most {MaxChars} characters) and the topic list are sent there; timeout {Seconds} s")]
    private static partial void LogOn(ILogger logger, string provider, string model, string endpoint, int maxChars, int seconds);
}

/// <summary>Owns the chat client of the LLM reading (disposed with the container).</summary>
/// <param name="client">The client.</param>
internal sealed class LlmChatClient(IChatClient client) : IDisposable
{
    public IChatClient Client { get; } = client;

    public void Dispose() => Client.Dispose();
}

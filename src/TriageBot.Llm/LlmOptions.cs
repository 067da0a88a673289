using Microsoft.Extensions.Options;

namespace TriageBot.Llm;

/// <summary>
/// The optional LLM reading, bound from <c>TriageBot:Understanding:Llm</c>. Off by default: while
/// <see cref="Enabled"/> is false no request text leaves the machine and nothing here is used.
/// </summary>
public sealed class LlmOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "TriageBot:Understanding:Llm";

    /// <summary>The provider that speaks to any OpenAI-compatible chat completions endpoint.</summary>
    public const string OpenAiProvider = "openai";

    /// <summary>The provider for a local or in-cluster Ollama (through its OpenAI-compatible endpoint).</summary>
    public const string OllamaProvider = "ollama";

    /// <summary>Turns the reading on. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary><c>openai</c> (any OpenAI-compatible endpoint) or <c>ollama</c>. Default <c>openai</c>.</summary>
    public string Provider { get; set; } = OpenAiProvider;

    /// <summary>
    /// The API's base URL, e.g. <c>https://api.openai.com/v1</c>, a gateway's URL, or <c>http://localhost:11434/v1</c>
    /// for Ollama (for Ollama a bare <c>http://host:11434</c> is completed with <c>/v1</c>).
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>The model name the endpoint serves, e.g. <c>gpt-4o-mini</c> or <c>llama3.1:8b</c>.</summary>
    public string? Model { get; set; }

    /// <summary>The API key, when the endpoint needs one (never logged).</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long one reading may take, in seconds (1..60, default 5); after that the embedded reading stands.</summary>
    public int TimeoutSeconds { get; set; } = 5;

    /// <summary>The most characters of a request sent to the model (200..40000, default 4000); the rest is cut.</summary>
    public int MaxInputChars { get; set; } = 4_000;

    /// <summary>
    /// Asks the endpoint for output that follows a JSON schema (default true). Set false for an endpoint that only
    /// knows plain JSON mode; the answer is validated the same way either way.
    /// </summary>
    public bool JsonSchema { get; set; } = true;

    /// <summary>The normalised provider name (<c>openai</c> or <c>ollama</c>), or null when it is neither.</summary>
    internal string? NormalisedProvider => Provider?.Trim().ToLowerInvariant() switch
    {
        null or "" or OpenAiProvider => OpenAiProvider,
        OllamaProvider => OllamaProvider,
        _ => null,
    };
}

/// <summary>Start-up checks of <c>TriageBot:Understanding:Llm</c>; every message names the key and what to put there.</summary>
public sealed class LlmOptionsValidator : IValidateOptions<LlmOptions>
{
    private const string S = LlmOptions.Section;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, LlmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            // Off: nothing else is read, so a half-written section does not stop the bot.
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        var provider = options.NormalisedProvider;
        if (provider is null)
        {
            failures.Add($"{S}:Provider must be 'openai' (any OpenAI-compatible endpoint) or 'ollama' (got '{options.Provider}').");
        }

        if (string.IsNullOrWhiteSpace(options.Endpoint))
        {
            failures.Add($"{S}:Endpoint is required when {S}:Enabled is true: put the API's base URL there, e.g. " +
                "'https://api.openai.com/v1' for OpenAI or 'http://localhost:11434/v1' for Ollama.");
        }
        else if (!Uri.TryCreate(options.Endpoint.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            // The value is not echoed: a URL may carry credentials.
            failures.Add($"{S}:Endpoint must be an absolute http or https URL such as 'https://api.openai.com/v1' or 'http://localhost:11434/v1'.");
        }
        else if (provider == LlmOptions.OpenAiProvider && string.IsNullOrWhiteSpace(options.ApiKey)
            && uri.Host.Equals("api.openai.com", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{S}:ApiKey is required for api.openai.com: put the key there (better through the environment variable " +
                "TriageBot__Understanding__Llm__ApiKey or a secret store than in a file).");
        }

        if (string.IsNullOrWhiteSpace(options.Model))
        {
            failures.Add($"{S}:Model is required when {S}:Enabled is true: put the model name the endpoint serves there, e.g. " +
                "'gpt-4o-mini' or, for Ollama, 'llama3.1:8b'.");
        }

        if (options.TimeoutSeconds is < 1 or > 60)
        {
            failures.Add($"{S}:TimeoutSeconds must be a whole number of seconds from 1 to 60 such as 5 (got {options.TimeoutSeconds}).");
        }

        if (options.MaxInputChars is < 200 or > 40_000)
        {
            failures.Add($"{S}:MaxInputChars must be from 200 to 40000 such as 4000 (got {options.MaxInputChars}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Engine.Understanding;
using TriageBot.Llm.Tests.Fakes;

namespace TriageBot.Llm.Tests;

public sealed class LlmOptionsTests
{
    private const string S = "TriageBot:Understanding:Llm";

    [Fact]
    public void Validate_Disabled_SucceedsWhateverElseIsSet()
    {
        var result = Validate(new LlmOptions { Enabled = false, Provider = "nonsense", TimeoutSeconds = 0 });

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_EnabledWithEndpointAndModel_Succeeds()
    {
        var result = Validate(new LlmOptions { Enabled = true, Provider = "ollama", Endpoint = "http://localhost:11434", Model = "llama3.1:8b" });

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_EnabledWithoutEndpoint_FailsNamingTheEndpointKey()
    {
        var result = Validate(new LlmOptions { Enabled = true, Model = "gpt-4o-mini" });

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.Contains($"{S}:Endpoint", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EnabledWithoutModel_FailsNamingTheModelKey()
    {
        var result = Validate(new LlmOptions { Enabled = true, Endpoint = "http://localhost:11434/v1", Provider = "ollama" });

        Assert.Contains(result.Failures!, f => f.Contains($"{S}:Model", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UnknownProvider_FailsNamingTheProviderKey()
    {
        var result = Validate(new LlmOptions { Enabled = true, Provider = "anthropic", Endpoint = "https://llm.example.com/v1", Model = "m" });

        Assert.Contains(result.Failures!, f => f.Contains($"{S}:Provider", StringComparison.Ordinal) && f.Contains("'ollama'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(61)]
    public void Validate_TimeoutOutOfRange_FailsNamingTheTimeoutKey(int seconds)
    {
        var result = Validate(new LlmOptions { Enabled = true, Endpoint = "https://llm.example.com/v1", Model = "m", TimeoutSeconds = seconds });

        Assert.Contains(result.Failures!, f => f.Contains($"{S}:TimeoutSeconds", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_EndpointNotAnHttpUrl_FailsWithoutEchoingTheValue()
    {
        var result = Validate(new LlmOptions { Enabled = true, Endpoint = "ftp://user:hunter2@llm", Model = "m" });

        var failure = Assert.Single(result.Failures!);
        Assert.Contains($"{S}:Endpoint", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OpenAiWithoutApiKey_FailsNamingTheApiKeyKey()
    {
        var result = Validate(new LlmOptions { Enabled = true, Endpoint = "https://api.openai.com/v1", Model = "gpt-4o-mini" });

        Assert.Contains(result.Failures!, f => f.Contains($"{S}:ApiKey", StringComparison.Ordinal));
    }

    [Fact]
    public void AddLlmReading_NotConfigured_RegistersNoReader()
    {
        using var sp = Provider([]);

        Assert.Null(sp.GetService<IRequestReader>());
        sp.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void AddLlmReading_Disabled_RegistersNoReaderAndNeverMakesAClient()
    {
        var made = false;
        using var sp = Provider(new() { [$"{S}:Enabled"] = "false", [$"{S}:Endpoint"] = "https://llm.example.com/v1" }, (_, _) =>
        {
            made = true;
            return FakeChatClient.Answering("{}");
        });

        Assert.Null(sp.GetService<IRequestReader>());
        Assert.False(made);
    }

    [Fact]
    public void AddLlmReading_Enabled_RegistersTheChatClientReader()
    {
        var client = FakeChatClient.Answering("{}");
        var sp = Provider(Enabled(), (_, _) => client);

        Assert.IsType<ChatClientRequestReader>(sp.GetService<IRequestReader>());
        sp.Dispose();
        Assert.True(client.Disposed);
    }

    [Fact]
    public void AddLlmReading_EnabledWithoutEndpoint_FailsAtStartNamingTheKey()
    {
        using var sp = Provider(new() { [$"{S}:Enabled"] = "true", [$"{S}:Model"] = "m" }, (_, _) => FakeChatClient.Answering("{}"));

        var e = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains($"{S}:Endpoint", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLlmReading_EnabledNotABoolean_RegistersNoReaderAndFailsAtStartNamingTheKey()
    {
        using var sp = Provider(new() { [$"{S}:Enabled"] = "yes", [$"{S}:Endpoint"] = "https://llm.example.com/v1", [$"{S}:Model"] = "m" });

        Assert.Null(sp.GetService<IRequestReader>());
        var e = Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains($"{S}:Enabled", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLlmReading_EnabledWithTheOpenAiCompatibleClient_BuildsWithoutCallingTheEndpoint()
    {
        using var sp = Provider(new() { [$"{S}:Enabled"] = "true", [$"{S}:Provider"] = "ollama", [$"{S}:Endpoint"] = "http://localhost:11434", [$"{S}:Model"] = "llama3.1:8b" });

        sp.GetRequiredService<IStartupValidator>().Validate();
        Assert.IsType<ChatClientRequestReader>(sp.GetService<IRequestReader>());
    }

    [Fact]
    public void AddLlmReading_Enabled_LogsWhereTextGoesButNeverTheApiKey()
    {
        const string apiKey = "sk-live-0123456789abcdef";
        var log = new ListLogger();
        var config = Enabled();
        config[$"{S}:ApiKey"] = apiKey;
        config[$"{S}:Endpoint"] = "https://gateway.example.com/openai/v1";
        using var sp = Provider(config, null, log);

        sp.GetRequiredService<IStartupValidator>().Validate();
        _ = sp.GetRequiredService<IRequestReader>();

        Assert.Contains(log.Lines, l => l.Level == LogLevel.Information && l.Text.Contains("gateway.example.com", StringComparison.Ordinal));
        Assert.DoesNotContain(apiKey, log.All, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ollama", "http://localhost:11434", "http://localhost:11434/v1")]
    [InlineData("ollama", "http://ollama:11434/", "http://ollama:11434/v1")]
    [InlineData("ollama", "http://localhost:11434/v1", "http://localhost:11434/v1")]
    [InlineData("openai", "https://api.openai.com/v1", "https://api.openai.com/v1")]
    [InlineData("openai", "http://vllm:8000", "http://vllm:8000/")]
    public void EndpointFor_Provider_CompletesOllamasPath(string provider, string endpoint, string expected)
    {
        var uri = LlmServiceCollectionExtensions.EndpointFor(new LlmOptions { Provider = provider, Endpoint = endpoint });

        Assert.Equal(expected, uri.ToString());
    }

    private static ValidateOptionsResult Validate(LlmOptions options) => new LlmOptionsValidator().Validate(null, options);

    private static Dictionary<string, string?> Enabled() => new()
    {
        [$"{S}:Enabled"] = "true",
        [$"{S}:Endpoint"] = "https://llm.example.com/v1",
        [$"{S}:Model"] = "test-model",
    };

    private static ServiceProvider Provider(Dictionary<string, string?> settings, Func<IServiceProvider, LlmOptions, Microsoft.Extensions.AI.IChatClient>? client = null, ListLogger? log = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(log ?? new ListLogger()));
        services.AddLlmReading(configuration, client);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}

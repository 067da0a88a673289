using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Serilog.Core;
using Serilog.Events;
using TriageBot.Api.Tests.Generated;
using TriageBot.Engine.Access;

namespace TriageBot.Api.Tests;

/// <summary>
/// The real host (Program) on the in-memory test server with SQLite in a temporary folder, the sample org, and the
/// API on; no Slack or Teams credentials, no sentence model (words only, like the other test hosts).
/// </summary>
public sealed class ApiApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public ApiApp(IDictionary<string, string?>? settings = null)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "triagebot-api-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["TriageBot:DataDirectory"] = DataDirectory,
            ["TriageBot:Org:Path"] = Path.Combine(RepoRoot, "deploy", "sample", "org.yaml"),
            ["TriageBot:Understanding:Embeddings"] = "false",
            ["TriageBot:Playground:Enabled"] = "false",
            ["TriageBot:Workers:Enabled"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public string DataDirectory { get; }

    /// <summary>Every log event the host wrote, rendered (message, properties, exceptions).</summary>
    public LogCapture Logs { get; } = new();

    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Creates a key for a tenant through the same service the CLI uses.</summary>
    public async Task<string> CreateKeyAsync(string tenant = "local", string name = "tests")
    {
        var created = await Services.GetRequiredService<ApiKeyService>().CreateAsync(tenant, name);
        return created.Secret;
    }

    public Task<bool> RevokeAsync(string key) => Services.GetRequiredService<ApiKeyService>().RevokeAsync(key);

    /// <summary>An HTTP client on the in-memory server, with the key as a Bearer token when given.</summary>
    public HttpClient Http(string? key = null)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>The Kiota client generated from the committed OpenAPI document, on the in-memory server.</summary>
    public TriageBotClient Client(string key)
    {
        var http = Http(key);
        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http) { BaseUrl = http.BaseAddress!.ToString().TrimEnd('/') };
        return new TriageBotClient(adapter);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(_settings));
        builder.ConfigureTestServices(s => s.AddSingleton<ILogEventSink>(Logs));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TriageBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("TriageBot.sln not found above the test folder.");
    }
}

/// <summary>Collects the host's log events as the sinks would write them.</summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public string All => string.Join('\n', _lines);

    public void Emit(LogEvent logEvent)
    {
        using var writer = new StringWriter();
        new Serilog.Formatting.Compact.CompactJsonFormatter().Format(logEvent, writer);
        _lines.Enqueue(writer + logEvent.RenderMessage() + logEvent.Exception);
    }
}

using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Slack.Protocol;

namespace TriageBot.Slack.Tests;

/// <summary>The real host (Program) in HTTP mode, its Slack Web API pointed at a WireMock server on 127.0.0.1, storage in a temp SQLite file.</summary>
internal sealed class SlackAppFactory : WebApplicationFactory<Program>
{
    public const string Secret = "e2e-signing-secret";
    private readonly string _apiBaseUrl;
    private readonly string _dataDir;
    private readonly bool _workers;

    private readonly IReadOnlyDictionary<string, string> _extra;

    public SlackAppFactory(string apiBaseUrl, string dataDir, bool workers = true, IReadOnlyDictionary<string, string>? extra = null)
    {
        _apiBaseUrl = apiBaseUrl;
        _dataDir = dataDir;
        _workers = workers;
        _extra = extra ?? new Dictionary<string, string>();
    }

    public static string RepoRoot { get; } = FindRepoRoot();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("TriageBot:Slack:SigningSecret", Secret);
        builder.UseSetting("TriageBot:Slack:BotToken", "xoxb-e2e");
        builder.UseSetting("TriageBot:Slack:ApiBaseUrl", _apiBaseUrl);
        builder.UseSetting("TriageBot:Slack:PostMessageInterval", "00:00:00.010");
        builder.UseSetting("TriageBot:Storage:Provider", "sqlite");
        builder.UseSetting("TriageBot:Understanding:Embeddings", "false");
        builder.UseSetting("TriageBot:Storage:ConnectionString", $"Data Source={Path.Combine(_dataDir, "triagebot.db")}");
        builder.UseSetting("TriageBot:DataDirectory", _dataDir);
        builder.UseSetting("TriageBot:Org:Path", Path.Combine(RepoRoot, "deploy", "sample", "org.yaml"));
        builder.UseSetting("TriageBot:Playground:Enabled", "false");
        builder.UseSetting("TriageBot:Workers:Enabled", _workers ? "true" : "false");
        builder.UseSetting("TriageBot:Workers:QueuePollInterval", "00:00:00.100");
        builder.UseSetting("TriageBot:Workers:DigestInterval", "01:00:00");
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        foreach (var (key, value) in _extra)
        {
            builder.UseSetting(key, value);
        }
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>POSTs a body to /slack/events signed like Slack does (current time).</summary>
    public async Task<HttpResponseMessage> PostSignedAsync(HttpClient client, string body, string contentType, int? retryNum = null, string? secret = null, long? timestamp = null)
    {
        var ts = (timestamp ?? TimeProvider.System.GetUtcNow().ToUnixTimeSeconds())
            .ToString(System.Globalization.CultureInfo.InvariantCulture);
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/events") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("x-slack-signature", SlackSignatureVerifier.Sign(secret ?? Secret, ts, bytes));
        if (retryNum is not null)
        {
            request.Headers.Add("X-Slack-Retry-Num", retryNum.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        }

        return await client.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostFormAsync(HttpClient client, string form) => PostSignedAsync(client, form, "application/x-www-form-urlencoded");

    public Task<HttpResponseMessage> PostInteractionAsync(HttpClient client, string json) => PostFormAsync(client, "payload=" + Uri.EscapeDataString(json));

    public Task<HttpResponseMessage> PostEventAsync(HttpClient client, string json, int? retryNum = null) => PostSignedAsync(client, json, "application/json", retryNum);

    private static string FindRepoRoot()
    {
        var starts = new List<string?>
        {
            typeof(SlackAppFactory).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "SourceDirectory")?.Value,
            AppContext.BaseDirectory,
            Directory.GetCurrentDirectory(),
        };
        foreach (var start in starts.Where(s => s is not null))
        {
            for (var dir = new DirectoryInfo(start!); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "TriageBot.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("TriageBot.sln not found above the test project.");
    }
}

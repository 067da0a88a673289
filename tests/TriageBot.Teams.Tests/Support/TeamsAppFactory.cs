using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace TriageBot.Teams.Tests.Support;

/// <summary>
/// The whole host with Teams configured against local fakes on 127.0.0.1: OpenID metadata + JWKS, token endpoint and the
/// Bot Connector (the activities' serviceUrl). Background workers are off; tests run the queue explicitly.
/// </summary>
public sealed class TeamsAppFactory : WebApplicationFactory<Program>
{
    public const string AppId = "00000000-aaaa-bbbb-cccc-000000000b07";
    public const string OutboundToken = "outbound-token-e2e";

    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), $"triagebot-teams-{Guid.NewGuid():N}.db");
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"triagebot-teams-data-{Guid.NewGuid():N}");

    public TeamsAppFactory()
    {
        Fake = LocalServers.Start();
        Key = new TestKey("e2e-key", "msteams");
        ResetFake();
    }

    /// <summary>OpenID + token endpoint + connector.</summary>
    public WireMockServer Fake { get; }

    internal TestKey Key { get; }

    /// <summary>The serviceUrl activities carry (the fake connector).</summary>
    public string ServiceUrl => Fake.Urls[0] + "/amer/";

    /// <summary>Clears the fake's mappings and log, keeping OpenID and token routes.</summary>
    public void ResetFake()
    {
        Fake.Reset();
        LocalServers.ServeOpenId(Fake, Tokens.Jwks(Key));
        Fake.Given(Request.Create().WithPath("/token").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"token_type":"Bearer","expires_in":3599,"access_token":"{{OutboundToken}}"}"""));
    }

    /// <summary>Any connector call succeeds with an id unless a test maps something more specific.</summary>
    public void ConnectorAcceptsEverything() =>
        Fake.Given(Request.Create().WithPath(p => p.StartsWith("/amer/v3/", StringComparison.Ordinal))).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"id":"1:sent"}"""));

    /// <summary>Connector calls received (method, decoded path, body).</summary>
    public IReadOnlyList<(string Method, string Path, string? Body, string? Authorization)> ConnectorCalls() =>
        Fake.LogEntries
            .Where(e => e.RequestMessage.Path.StartsWith("/amer/v3/", StringComparison.Ordinal))
            .OrderBy(e => e.RequestMessage.DateTime)
            .Select(e => (e.RequestMessage.Method, e.RequestMessage.Path, e.RequestMessage.Body,
                e.RequestMessage.Headers is { } h && h.TryGetValue("Authorization", out var auth) ? auth.FirstOrDefault() : null))
            .ToList();

    /// <summary>A fixture as a JSON object with the serviceUrl pointed at the fake and a fresh activity id.</summary>
    public JsonObject Activity(string fixture, Guid? requestId = null)
    {
        var node = JsonNode.Parse(Fixtures.Load(fixture, ServiceUrl, requestId))!.AsObject();
        node["id"] = "e2e-" + Guid.NewGuid().ToString("N")[..12];
        return node;
    }

    /// <summary>Posts an activity with a valid channel token (or the given Authorization header).</summary>
    public async Task<HttpResponseMessage> PostActivityAsync(HttpClient client, JsonObject activity, string? authorization = "valid")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (authorization == "valid")
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Tokens.Mint(Key, AppId, (string?)activity["serviceUrl"], TimeProvider.System.GetUtcNow()));
        }
        else if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await client.SendAsync(request);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("TriageBot:Teams:AppId", AppId);
        builder.UseSetting("TriageBot:Teams:AppPassword", "e2e-secret");
        builder.UseSetting("TriageBot:Teams:TenantId", "72f988bf-86f1-41af-91ab-2d7cd011db47");
        builder.UseSetting("TriageBot:Teams:OpenIdMetadataUrl", LocalServers.MetadataUrl(Fake));
        builder.UseSetting("TriageBot:Teams:TokenEndpoint", Fake.Urls[0] + "/token");
        builder.UseSetting("TriageBot:Teams:RetryBaseDelay", "00:00:00.010");
        builder.UseSetting("TriageBot:Storage:Provider", "sqlite");
        builder.UseSetting("TriageBot:Understanding:Embeddings", "false");
        builder.UseSetting("TriageBot:Storage:ConnectionString", $"Data Source={_dbPath}");
        builder.UseSetting("TriageBot:DataDirectory", _dataDir);
        builder.UseSetting("TriageBot:Org:Path", Path.Combine(Fixtures.RepoRoot(), "deploy", "sample", "org.yaml"));
        builder.UseSetting("TriageBot:Playground:Enabled", "false");
        builder.UseSetting("TriageBot:Workers:Enabled", "false");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Fake.Stop();
            Fake.Dispose();
            Key.Dispose();
            TryDelete(_dbPath);
            TryDelete(_dbPath + "-wal");
            TryDelete(_dbPath + "-shm");
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}

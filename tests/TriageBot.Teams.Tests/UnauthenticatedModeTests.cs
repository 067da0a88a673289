using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Teams.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace TriageBot.Teams.Tests;

/// <summary>No app id: unauthenticated activities are accepted on loopback only, and no token is sent out.</summary>
public sealed class UnauthenticatedModeTests : IDisposable
{
    private readonly WireMockServer _connector = LocalServers.Start();
    private readonly string _db = Path.Combine(Path.GetTempPath(), $"triagebot-teams-noauth-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        _connector.Stop();
        _connector.Dispose();
        try
        {
            File.Delete(_db);
        }
        catch (IOException)
        {
        }
    }

    private WebApplicationFactory<Program> Factory(string? localIp) => new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
    {
        b.UseSetting("TriageBot:Storage:Provider", "sqlite");
        b.UseSetting("TriageBot:Understanding:Embeddings", "false");
        b.UseSetting("TriageBot:Storage:ConnectionString", $"Data Source={_db}");
        b.UseSetting("TriageBot:DataDirectory", Path.Combine(Path.GetTempPath(), "triagebot-teams-noauth-data"));
        b.UseSetting("TriageBot:Org:Path", Path.Combine(Fixtures.RepoRoot(), "deploy", "sample", "org.yaml"));
        b.UseSetting("TriageBot:Playground:Enabled", "false");
        b.UseSetting("TriageBot:Workers:Enabled", "false");
        if (localIp is not null)
        {
            // The in-memory test server has no sockets: pretend the connection arrived on this local address.
            b.ConfigureServices(s => s.AddTransient<IStartupFilter>(_ => new LocalAddressFilter(IPAddress.Parse(localIp))));
        }
    });

    private async Task<HttpStatusCode> PostAsync(WebApplicationFactory<Program> factory)
    {
        _connector.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"id":"1"}"""));
        var activity = JsonNode.Parse(Fixtures.Load("message-personal.json", _connector.Urls[0] + "/amer/"))!.AsObject();
        activity["text"] = "help";
        using var client = factory.CreateClient();
        using var content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json");
        return (await client.PostAsync("/api/messages", content)).StatusCode;
    }

    [Fact]
    public async Task Post_NoAppIdOnLoopback_AcceptedAndRepliesWithoutToken()
    {
        using var factory = Factory("127.0.0.1");
        Assert.Equal(HttpStatusCode.OK, await PostAsync(factory));
        var reply = Assert.Single(_connector.LogEntries);
        Assert.False(reply.RequestMessage.Headers!.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Post_NoAppIdFromNonLoopback_401()
    {
        using var factory = Factory("10.1.2.3");
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(factory));
        Assert.Empty(_connector.LogEntries);
    }

    private sealed class LocalAddressFilter(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.LocalIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

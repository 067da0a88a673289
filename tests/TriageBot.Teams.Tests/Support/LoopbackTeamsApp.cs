using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace TriageBot.Teams.Tests.Support;

/// <summary>
/// The whole host in Teams test mode (no app id, so unauthenticated activities are accepted on loopback), its own SQLite
/// file, background workers off. The in-memory server has no sockets, so every request is made to arrive on 127.0.0.1.
/// </summary>
public sealed class LoopbackTeamsApp : WebApplicationFactory<Program>
{
    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), $"triagebot-teams-loopback-{Guid.NewGuid():N}.db");
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"triagebot-teams-loopback-data-{Guid.NewGuid():N}");

    /// <summary>Posts raw bytes to /api/messages.</summary>
    public async Task<HttpResponseMessage> PostAsync(HttpClient client, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return await client.PostAsync("/api/messages", content);
    }

    /// <summary>Posts a JSON text to /api/messages.</summary>
    public Task<HttpResponseMessage> PostAsync(HttpClient client, string json) => PostAsync(client, System.Text.Encoding.UTF8.GetBytes(json));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("TriageBot:Storage:Provider", "sqlite");
        builder.UseSetting("TriageBot:Understanding:Embeddings", "false");
        builder.UseSetting("TriageBot:Storage:ConnectionString", $"Data Source={_dbPath}");
        builder.UseSetting("TriageBot:DataDirectory", _dataDir);
        builder.UseSetting("TriageBot:Org:Path", Path.Combine(Fixtures.RepoRoot(), "deploy", "sample", "org.yaml"));
        builder.UseSetting("TriageBot:Playground:Enabled", "false");
        builder.UseSetting("TriageBot:Workers:Enabled", "false");
        builder.UseSetting("TriageBot:Teams:RetryBaseDelay", "00:00:00.010");
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        builder.ConfigureServices(s => s.AddTransient<IStartupFilter>(_ => new LoopbackFilter()));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            foreach (var path in new[] { _dbPath, _dbPath + "-wal", _dbPath + "-shm" })
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
    }

    private sealed class LoopbackFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.LocalIpAddress = IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

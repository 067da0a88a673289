using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Engine.Org;
using TriageBot.Storage;

namespace TriageBot.Host.Tests;

public class HostStartupTests
{
    [Fact]
    public async Task Embeddings_On_ModelLoadedAtStartReadyAndMeaningShownAsEvidence()
    {
        await using var app = new TestApp(new Dictionary<string, string?> { ["TriageBot:Understanding:Embeddings"] = "true" });
        var client = app.CreateClient();

        var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", (await ready.JsonAsync()).GetProperty("checks").GetProperty("understanding").GetProperty("status").GetString());
        Assert.Contains(app.Logs.Events, e => e.MessageTemplate.Text.StartsWith("Understanding: sentence model", StringComparison.Ordinal));

        var triage = await client.PostJsonAsync("/playground/api/triage", new
        {
            leadId = "mei",
            requesterId = "ivan",
            text = "how many orders should the warehouse expect each week next quarter, with the holiday peak coming?",
        });
        var card = (await triage.JsonAsync()).GetProperty("card");
        Assert.Equal("forecasting", card.GetProperty("topicId").GetString());
        Assert.Contains(card.GetProperty("topicEvidence").EnumerateArray(), e => e.GetString()!.StartsWith("close in meaning to", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ZeroConfig_NoTriageBotSettings_StartsWithSqliteSampleOrgAndPlayground()
    {
        await using var app = new TestApp();
        var client = app.CreateClient();

        var health = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", (await health.JsonAsync()).GetProperty("status").GetString());

        var ready = await client.GetAsync("/readyz");
        var readyJson = await ready.JsonAsync();
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", readyJson.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", readyJson.GetProperty("checks").GetProperty("org").GetProperty("status").GetString());

        var page = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("TriageBot", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var org = app.Services.GetRequiredService<IOrgProvider>();
        Assert.EndsWith(Path.Combine("deploy", "sample", "org.yaml"), org.Source, StringComparison.Ordinal);
        Assert.Empty(org.Problems);
        Assert.True(org.Directory.People.Count >= 10);

        var storage = app.Services.GetRequiredService<IStorage>();
        Assert.Equal("sqlite", storage.Provider);
        Assert.True(File.Exists(Path.Combine(app.DataDirectory, "triagebot.db")));
    }

    [Fact]
    public async Task Readyz_MigratorNotReady_Returns503()
    {
        await using var app = new TestApp(services: s => s.AddSingleton<TriageBot.Engine.Ports.IStorageMigrator>(new NotReadyMigrator()));
        var client = app.CreateClient();

        var ready = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var json = await ready.JsonAsync();
        Assert.Equal("Unhealthy", json.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Readyz_OrgFileBrokenFromTheStart_Returns503NamingTheOrg()
    {
        var broken = Path.Combine(Path.GetTempPath(), "triagebot-broken-org-" + Guid.NewGuid().ToString("N") + ".yaml");
        await File.WriteAllTextAsync(broken, "people:\n  - {id: ana, name: Ana, level: lead\n");
        try
        {
            await using var app = new TestApp(new Dictionary<string, string?> { ["TriageBot:Org:Path"] = broken });
            var client = app.CreateClient();

            var ready = await client.GetAsync("/readyz");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var org = (await ready.JsonAsync()).GetProperty("checks").GetProperty("org");
            Assert.Equal("Unhealthy", org.GetProperty("status").GetString());
            Assert.Contains("no org loaded", org.GetProperty("description").GetString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [Fact]
    public async Task Readyz_ValidButEmptyOrg_ReadyAndDegraded()
    {
        // A fresh deployment's placeholder org: still ready (Slack's URL check must reach the bot), flagged Degraded.
        var empty = Path.Combine(Path.GetTempPath(), "triagebot-empty-org-" + Guid.NewGuid().ToString("N") + ".yaml");
        await File.WriteAllTextAsync(empty, "topics: []\npeople: []\n");
        try
        {
            await using var app = new TestApp(new Dictionary<string, string?> { ["TriageBot:Org:Path"] = empty });
            var ready = await app.CreateClient().GetAsync("/readyz");

            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            var org = (await ready.JsonAsync()).GetProperty("checks").GetProperty("org");
            Assert.Equal("Degraded", org.GetProperty("status").GetString());
            Assert.Contains("the org is empty", org.GetProperty("description").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(empty);
        }
    }

    [Theory]
    [InlineData("TriageBot:Storage:Provider", "mysql", "TriageBot:Storage:Provider must be 'sqlite' or 'postgres'")]
    [InlineData("TriageBot:Digest:DefaultDay", "Fri", "TriageBot:Digest:DefaultDay must be a day of the week such as 'Friday'")]
    [InlineData("TriageBot:Digest:DefaultTime", "4pm", "TriageBot:Digest:DefaultTime must be a local time 'HH:mm'")]
    [InlineData("TriageBot:Org:Path", "no/such/org.yaml", "TriageBot:Org:Path: the org file 'no/such/org.yaml' was not found")]
    [InlineData("TriageBot:Policy:ExceptionalSkillLevel", "9", "TriageBot:Policy:ExceptionalSkillLevel must be between 1 and 5")]
    [InlineData("TriageBot:Workers:QueuePollInterval", "00:00:00", "TriageBot:Workers:QueuePollInterval must be a positive duration")]
    [InlineData("TriageBot:Workers:EventRetention", "00:10:00", "TriageBot:Workers:EventRetention must be a duration between one hour and ten years")]
    [InlineData("TriageBot:DataProtectionKeys", "vault", "TriageBot:DataProtectionKeys must be 'file' or 'database'")]
    [InlineData("TriageBot:Workers:QueuePollInterval", "banana", "TriageBot:Workers:QueuePollInterval must be a duration such as 00:00:05")]
    [InlineData("TriageBot:Playground:Enabled", "maybe", "TriageBot:Playground:Enabled must be true or false")]
    public void Start_BadSetting_FailsWithMessageNamingTheKey(string key, string value, string expected)
    {
        var failures = StartupFailures(new Dictionary<string, string?> { [key] = value });
        Assert.Contains(failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Start_PostgresWithoutConnectionString_SaysWhatToPutThere()
    {
        var failures = StartupFailures(new Dictionary<string, string?> { ["TriageBot:Storage:Provider"] = "postgres" });
        Assert.Contains(failures, f => f.Contains("TriageBot:Storage:ConnectionString is required", StringComparison.Ordinal) && f.Contains("Host=", StringComparison.Ordinal));
    }

    [Fact]
    public void Start_SlackBotTokenWithoutSigningSecret_NamesTheMissingSecret()
    {
        var failures = StartupFailures(new Dictionary<string, string?> { ["TriageBot:Slack:BotToken"] = "xoxb-1-2-abc" });
        Assert.Contains(failures, f => f.Contains("TriageBot:Slack:SigningSecret is required when TriageBot:Slack:BotToken is set", StringComparison.Ordinal));
    }

    [Fact]
    public void Start_TeamsAppIdWithoutPassword_NamesTheMissingPassword()
    {
        var failures = StartupFailures(new Dictionary<string, string?> { ["TriageBot:Teams:AppId"] = "00000000-0000-0000-0000-000000000042", ["TriageBot:Teams:TenantId"] = "contoso" });
        Assert.Contains(failures, f => f.Contains("TriageBot:Teams:AppPassword is required when TriageBot:Teams:AppId is set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Playground_SlackCredentialsConfigured_OffByDefault()
    {
        await using var app = new TestApp(new Dictionary<string, string?>
        {
            ["TriageBot:Slack:SigningSecret"] = "8f742231b10e8888abcd99yyyzzz85a5",
            ["TriageBot:Slack:BotToken"] = "xoxb-17-42-playgroundoff",
            ["TriageBot:Slack:ApiBaseUrl"] = "http://127.0.0.1:9/api/",
        });
        var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/playground/api/org")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Playground_ExplicitlyDisabled_NotServed()
    {
        await using var app = new TestApp(new Dictionary<string, string?> { ["TriageBot:Playground:Enabled"] = "false" });
        var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/")).StatusCode);
    }

    private static IReadOnlyList<string> StartupFailures(Dictionary<string, string?> settings)
    {
        // WebApplicationFactory races with a host that fails while starting: now and then it reports its own
        // ObjectDisposedException (the failed host already disposed its services) instead of the host's error. Such a
        // report says nothing about the bot, so the start is tried again (a few times at most).
        Exception ex;
        var attempts = 0;
        do
        {
            var app = new TestApp(settings);
            ex = Assert.ThrowsAny<Exception>(() => app.CreateClient());
            try
            {
                app.Dispose();
            }
            catch (ArgumentNullException)
            {
                // WebApplicationFactory cannot stop a host that never started.
            }
        }
        while (ex is ObjectDisposedException && ++attempts < 5);

        var failures = TriageBot.Host.Configuration.StartupErrors.ConfigurationFailures(ex);
        Assert.True(failures.Count > 0, ex.ToString());
        return failures;
    }

    private sealed class NotReadyMigrator : TriageBot.Engine.Ports.IStorageMigrator
    {
        public Task<int> MigrateAsync(CancellationToken ct = default) => Task.FromResult(0);

        public Task<bool> IsReadyAsync(CancellationToken ct = default) => Task.FromResult(false);
    }
}

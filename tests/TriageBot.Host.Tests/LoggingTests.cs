using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog.Events;
using Serilog.Parsing;
using TriageBot.Host.Logging;

namespace TriageBot.Host.Tests;

public class LoggingTests
{
    private const string SigningSecret = "8f742231b10e8888abcd99yyyzzz85a5-signing";
    private const string BotToken = "xoxb-111-222-botTokenValueNeverLogged";
    private const string ClientSecret = "client-secret-value-never-logged";
    private const string TeamsPassword = "teams-app-password-never-logged";
    private const string DbPassword = "db-password-never-logged";
    private const string HeaderBearer = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmMifQ.c2lnbmF0dXJlLW5ldmVyLWxvZ2dlZA";
    private const string SlackSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    [Fact]
    public async Task Logs_SecretsFromConfigurationAndHeaders_NeverAppear()
    {
        await using var app = new TestApp(new Dictionary<string, string?>
        {
            ["TriageBot:Slack:SigningSecret"] = SigningSecret,
            ["TriageBot:Slack:BotToken"] = BotToken,
            ["TriageBot:Slack:ClientId"] = "123.456",
            ["TriageBot:Slack:ClientSecret"] = ClientSecret,
            ["TriageBot:Slack:ApiBaseUrl"] = "http://127.0.0.1:9/api/",
            ["TriageBot:Teams:AppId"] = "00000000-0000-0000-0000-000000000042",
            ["TriageBot:Teams:AppPassword"] = TeamsPassword,
            ["TriageBot:Teams:TenantId"] = "contoso",
            ["ConnectionStrings:Other"] = $"Host=127.0.0.1;Password={DbPassword}",
            ["TriageBot:Playground:Enabled"] = "true",
            ["Serilog:MinimumLevel:Default"] = "Verbose",
            ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Verbose",
            ["Serilog:MinimumLevel:Override:System.Net.Http.HttpClient"] = "Verbose",
        });
        var client = app.CreateClient();

        // Requests carrying secrets in headers, to the Slack, Teams and playground endpoints.
        foreach (var path in new[] { "/slack/events", "/api/messages", "/playground/api/triage" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path + "?token=" + Uri.EscapeDataString(BotToken))
            {
                Content = new StringContent("{\"leadId\":\"ana\",\"requesterId\":\"bia\",\"text\":\"sql\"}", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", HeaderBearer);
            request.Headers.Add("X-Slack-Signature", SlackSignature);
            request.Headers.Add("X-Slack-Request-Timestamp", "1531420618");
            request.Headers.Add("Cookie", "session=" + ClientSecret);
            await client.SendAsync(request);
        }

        // Code that carelessly logs secrets: by property name, by value inside text, inside a destructured object.
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Careless");
        logger.LogInformation("Installing with {BotToken}", BotToken);
        logger.LogInformation("Calling API with header {Header}", "Authorization: Bearer " + HeaderBearer);
        logger.LogInformation("Config dump {@Settings}", new { Secret = SigningSecret, Url = "https://slack.com/api/", Note = "uses " + TeamsPassword });
        logger.LogWarning("Connection failed: {Conn}", $"Host=db;Username=bot;Password={DbPassword}");

        var output = app.Logs.RenderAll();
        Assert.Contains("Installing with", output, StringComparison.Ordinal);
        Assert.Contains("\"RequestPath\":\"/slack/events\"", output, StringComparison.Ordinal);
        foreach (var secret in new[] { SigningSecret, BotToken, ClientSecret, TeamsPassword, DbPassword, HeaderBearer, SlackSignature })
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Enricher_TokenShapesAndSecretNames_AreMasked()
    {
        var enricher = new SecretRedactionEnricher(["literal-secret-value"]);

        Assert.Equal("token ***", enricher.Redact("token xoxb-1234-5678-abcdefgh"));
        Assert.Equal("app ***", enricher.Redact("app xapp-1-A123-456-abcdef"));
        Assert.Equal("Authorization: Bearer ***", enricher.Redact("Authorization: Bearer abc.def.ghi-jkl_mno"));
        Assert.Equal("sig ***", enricher.Redact("sig " + SlackSignature));
        Assert.Equal("Host=db;Password=***;Port=5432", enricher.Redact("Host=db;Password=hunter22;Port=5432"));
        Assert.Equal("x *** y", enricher.Redact("x literal-secret-value y"));
        Assert.Equal("nothing to hide here", enricher.Redact("nothing to hide here"));

        var evt = new LogEvent(
            DateTimeOffset.UnixEpoch, LogEventLevel.Information, null, new MessageTemplateParser().Parse("{ClientSecret} {TokenEndpoint} {Name}"),
            [
                new LogEventProperty("ClientSecret", new ScalarValue("anything")),
                new LogEventProperty("TokenEndpoint", new ScalarValue("https://login.example/token")),
                new LogEventProperty("Name", new ScalarValue("Ana")),
            ]);
        enricher.Enrich(evt, null!);

        Assert.Equal("\"***\" \"https://login.example/token\" \"Ana\"", evt.RenderMessage());
    }

    [Fact]
    public void SecretsFrom_OnlyAppSections_NotUnrelatedEnvironment()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TriageBot:Slack:SigningSecret"] = "signing-secret-1",
            ["TriageBot:Teams:TokenEndpoint"] = "https://login.example/token",
            ["TriageBot:Storage:ConnectionString"] = "Host=db;Password=pg-secret-2",
            ["PWD"] = "/home/someone",
        }).Build();

        var secrets = SecretRedactionEnricher.SecretsFrom(config);

        Assert.Contains("signing-secret-1", secrets);
        Assert.Contains("pg-secret-2", secrets);
        Assert.DoesNotContain("/home/someone", secrets);
        Assert.DoesNotContain("https://login.example/token", secrets);
    }
}

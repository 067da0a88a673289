using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.Testing;
using TriageBot.Engine.Ports;
using TriageBot.Slack.App;
using TriageBot.Slack.Rendering;

namespace TriageBot.Slack.Tests;

public sealed class OAuthAndManifestTests : IDisposable
{
    private readonly FakeSlack _slack = new();
    private readonly string _dataDir = Directory.CreateTempSubdirectory("triagebot-slack-oauth-").FullName;

    public void Dispose()
    {
        _slack.Dispose();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private SlackAppFactory Start() => new(_slack.ApiBaseUrl, _dataDir, extra: new Dictionary<string, string>
    {
        ["TriageBot:Slack:ClientId"] = "123.456",
        ["TriageBot:Slack:ClientSecret"] = "client-s3cret",
        ["TriageBot:Slack:AuthorizeUrl"] = "https://slack.com/oauth/v2/authorize",
    });

    [Fact]
    public async Task Install_ThenRedirect_StoresEncryptedTokenUsedForThatWorkspace()
    {
        _slack.Ok("oauth.v2.access", """{"ok":true,"access_token":"xoxb-installed","token_type":"bot","scope":"commands,chat:write","bot_user_id":"U0BOT9","app_id":"A1","team":{"id":"T9","name":"Nine & Co"},"enterprise":null,"is_enterprise_install":false,"authed_user":{"id":"U01ANA"}}""");
        await using var app = Start();
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var install = await client.GetAsync("/slack/install");
        Assert.Equal(HttpStatusCode.Redirect, install.StatusCode);
        var location = install.Headers.Location!;
        Assert.StartsWith("https://slack.com/oauth/v2/authorize?", location.ToString(), StringComparison.Ordinal);
        var query = Protocol.SlackFormParser.Parse(System.Text.Encoding.UTF8.GetBytes(location.Query.TrimStart('?')));
        Assert.Equal("123.456", query["client_id"]);
        Assert.Contains("commands", query["scope"], StringComparison.Ordinal);
        Assert.EndsWith("/slack/oauth_redirect", query["redirect_uri"], StringComparison.Ordinal);
        var state = query["state"];

        // A forged state is refused before Slack is asked anything.
        var forged = await client.GetAsync("/slack/oauth_redirect?code=c1&state=" + Uri.EscapeDataString(state[..^2] + "xx"));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Empty(_slack.Calls("oauth.v2.access"));

        var done = await client.GetAsync("/slack/oauth_redirect?code=c1&state=" + Uri.EscapeDataString(state));
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var page = await done.Content.ReadAsStringAsync();
        Assert.Contains("TriageBot is installed", page, StringComparison.Ordinal);
        Assert.Contains("Nine &amp; Co", page, StringComparison.Ordinal);
        var exchange = Assert.Single(_slack.Calls("oauth.v2.access"));
        Assert.StartsWith("Basic ", exchange.RequestMessage.Headers!["Authorization"].Single(), StringComparison.Ordinal);
        Assert.Equal("c1", FakeSlack.Form(exchange)["code"]);

        var installation = await app.Service<IInstallationStore>().GetAsync("slack:T9");
        Assert.NotNull(installation);
        Assert.Equal("U0BOT9", installation!.BotUserId);
        Assert.DoesNotContain("xoxb-installed", installation.ProtectedToken!, StringComparison.Ordinal);
        Assert.Equal("xoxb-installed", app.Service<IDataProtectionProvider>().CreateProtector(SlackTokenProvider.TokenPurpose).Unprotect(installation.ProtectedToken!));

        // The state is single-use per browser: the cookie is gone.
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/slack/oauth_redirect?code=c2&state=" + Uri.EscapeDataString(state))).StatusCode);

        // Events from that workspace use its own token.
        using var events = app.CreateClient();
        var home = Fixture.Text("app_home_opened.json").Replace("T123ABC456", "T9", StringComparison.Ordinal).Replace("\"user\": \"U123ABC456\"", "\"user\": \"U01ANA\"", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await app.PostEventAsync(events, home)).StatusCode);
        var publish = Assert.Single(await _slack.WaitForCallsAsync("views.publish", 1));
        Assert.Equal("Bearer xoxb-installed", publish.RequestMessage.Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task Redirect_CancelledOrWithoutCookie_FriendlyPage()
    {
        await using var app = Start();
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var cancelled = await client.GetAsync("/slack/oauth_redirect?error=access_denied&state=x");
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Contains("was not installed", await cancelled.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var install = await client.GetAsync("/slack/install");
        var state = Protocol.SlackFormParser.Parse(System.Text.Encoding.UTF8.GetBytes(install.Headers.Location!.Query.TrimStart('?')))["state"];
        var noCookie = await client.GetAsync("/slack/oauth_redirect?code=c1&state=" + Uri.EscapeDataString(state));
        Assert.Equal(HttpStatusCode.BadRequest, noCookie.StatusCode);
        Assert.Contains("expired", await noCookie.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_slack.Calls("oauth.v2.access"));
    }

    [Fact]
    public void Manifest_MatchesWhatTheAppHandles()
    {
        var manifest = File.ReadAllText(Path.Combine(SlackAppFactory.RepoRoot, "deploy", "slack", "manifest.yaml"));
        Assert.Contains("callback_id: " + SlackIds.TriageMessageShortcut, manifest, StringComparison.Ordinal);
        Assert.Contains("command: /triage", manifest, StringComparison.Ordinal);
        Assert.Contains("usage_hint:", manifest, StringComparison.Ordinal);
        Assert.Contains("socket_mode_enabled: false", manifest, StringComparison.Ordinal);
        foreach (var ev in new[] { "app_mention", "message.im", "app_home_opened" })
        {
            Assert.Contains("- " + ev, manifest, StringComparison.Ordinal);
        }

        foreach (var scope in new SlackOptions().Scopes.Split(','))
        {
            Assert.Contains("- " + scope, manifest, StringComparison.Ordinal);
        }

        Assert.Contains("home_tab_enabled: true", manifest, StringComparison.Ordinal);
        Assert.Contains("messages_tab_enabled: true", manifest, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true", "https://bot.example.com/slack/oauth_redirect", true)]
    [InlineData("false", "http://localhost/slack/oauth_redirect", false)]
    public async Task Install_BehindProxy_RedirectUriAndCookieUseTheForwardedSchemeAndHost(string behindProxy, string expectedRedirect, bool secureCookie)
    {
        await using var app = new SlackAppFactory(_slack.ApiBaseUrl, _dataDir, extra: new Dictionary<string, string>
        {
            ["TriageBot:Slack:ClientId"] = "123.456",
            ["TriageBot:Slack:ClientSecret"] = "client-s3cret",
            ["TriageBot:BehindProxy"] = behindProxy,
        });
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/slack/install");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "bot.example.com");

        var install = await client.SendAsync(request);

        var query = Protocol.SlackFormParser.Parse(System.Text.Encoding.UTF8.GetBytes(install.Headers.Location!.Query.TrimStart('?')));
        Assert.Equal(expectedRedirect, query["redirect_uri"]);
        Assert.Equal(secureCookie, install.Headers.GetValues("Set-Cookie").Single().Contains("secure", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Install_BehindProxyWithAllowedHosts_ForwardedHostOutsideThemIgnored()
    {
        await using var app = new SlackAppFactory(_slack.ApiBaseUrl, _dataDir, extra: new Dictionary<string, string>
        {
            ["TriageBot:Slack:ClientId"] = "123.456",
            ["TriageBot:Slack:ClientSecret"] = "client-s3cret",
            ["TriageBot:BehindProxy"] = "true",
            ["AllowedHosts"] = "bot.example.com",
        });
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/slack/install");
        request.Headers.Host = "bot.example.com";
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "evil.example.com");

        var install = await client.SendAsync(request);

        var query = Protocol.SlackFormParser.Parse(System.Text.Encoding.UTF8.GetBytes(install.Headers.Location!.Query.TrimStart('?')));
        Assert.Equal("https://bot.example.com/slack/oauth_redirect", query["redirect_uri"]);
    }
}

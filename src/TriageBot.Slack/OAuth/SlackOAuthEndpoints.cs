using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Engine.Ports;
using TriageBot.Slack.Api;
using TriageBot.Slack.App;
using TriageBot.Slack.Protocol;

namespace TriageBot.Slack.OAuth;

/// <summary>
/// Multi-workspace install (OAuth v2): <c>GET /slack/install</c> redirects to Slack's authorize page with a signed, expiring <c>state</c>
/// bound to a browser cookie; <c>GET /slack/oauth_redirect</c> verifies it, exchanges the code (client credentials in HTTP Basic auth),
/// and stores the installation per team (or enterprise) with the bot token encrypted by ASP.NET Core Data Protection.
/// </summary>
public sealed class SlackOAuthEndpoints
{
    /// <summary>Cookie that binds the state to the browser that started the install.</summary>
    public const string StateCookie = "tb_slack_oauth_state";

    /// <summary>Data Protection purpose of the state parameter.</summary>
    public const string StatePurpose = "TriageBot.Slack.OAuthState.v1";

    private static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(10);

    private readonly IOptions<SlackOptions> _options;
    private readonly IDataProtectionProvider _protection;
    private readonly SlackApiClient _api;
    private readonly IInstallationStore _installations;
    private readonly TimeProvider _time;
    private readonly ILogger<SlackOAuthEndpoints> _log;
    private readonly SlackTokenProvider _tokens;

    /// <summary>Creates the endpoints.</summary>
    public SlackOAuthEndpoints(IOptions<SlackOptions> options, IDataProtectionProvider protection, SlackApiClient api, IInstallationStore installations, TimeProvider time, ILogger<SlackOAuthEndpoints> log, SlackTokenProvider tokens)
    {
        _options = options;
        _protection = protection;
        _api = api;
        _installations = installations;
        _time = time;
        _log = log;
        _tokens = tokens;
    }

    /// <summary><c>GET /slack/install</c>.</summary>
    public async Task InstallAsync(HttpContext http)
    {
        var o = _options.Value;
        if (!o.OAuthEnabled)
        {
            await PageAsync(http, 404, "Install is not enabled", "This TriageBot runs in single-workspace mode. Set TriageBot:Slack:ClientId and ClientSecret to enable installs.");
            return;
        }

        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var state = _protection.CreateProtector(StatePurpose).ToTimeLimitedDataProtector().Protect(nonce, _time.GetUtcNow() + StateLifetime);
        http.Response.Cookies.Append(StateCookie, nonce, new CookieOptions
        {
            HttpOnly = true, Secure = http.Request.IsHttps, SameSite = SameSiteMode.Lax, MaxAge = StateLifetime, Path = "/slack",
        });
        var url = o.AuthorizeUrl + (o.AuthorizeUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?")
            + SlackFormParser.Encode([new("client_id", o.ClientId!), new("scope", o.Scopes), new("redirect_uri", RedirectUri(http)), new("state", state)]);
        http.Response.Redirect(url);
    }

    /// <summary><c>GET /slack/oauth_redirect</c>.</summary>
    public async Task RedirectAsync(HttpContext http)
    {
        var o = _options.Value;
        var query = http.Request.Query;
        if (!o.OAuthEnabled)
        {
            await PageAsync(http, 404, "Install is not enabled", "This TriageBot runs in single-workspace mode.");
            return;
        }

        if (!string.IsNullOrEmpty(query["error"]))
        {
            await PageAsync(http, 200, "TriageBot was not installed", "The install was cancelled in Slack. You can start again from the install link whenever you like.");
            return;
        }

        string code = query["code"].ToString(), state = query["state"].ToString();
        if (code.Length == 0 || state.Length == 0 || !StateMatches(state, http.Request.Cookies[StateCookie]))
        {
            await PageAsync(http, 400, "This install link has expired", "For your safety the install must be finished within 10 minutes in the same browser. Please start again from the install link.");
            return;
        }

        http.Response.Cookies.Delete(StateCookie, new CookieOptions { Path = "/slack" });
        try
        {
            var access = await _api.OAuthV2AccessAsync(o.ClientId!, o.ClientSecret!, code, RedirectUri(http), http.RequestAborted);
            if (string.IsNullOrEmpty(access.AccessToken) || (access.Team?.Id is null && access.Enterprise?.Id is null))
            {
                throw new SlackApiException("oauth.v2.access", "no_bot_token_in_response");
            }

            var tenant = SlackTenants.For(access.Team?.Id, access.Enterprise?.Id, access.IsEnterpriseInstall);
            var metadata = JsonSerializer.Serialize(new InstallationMetadata
            {
                TeamId = access.Team?.Id, TeamName = access.Team?.Name, EnterpriseId = access.Enterprise?.Id, EnterpriseName = access.Enterprise?.Name,
                IsEnterpriseInstall = access.IsEnterpriseInstall, Scope = access.Scope, AppId = access.AppId,
            }, SlackJsonContext.Default.InstallationMetadata);
            var protectedToken = _protection.CreateProtector(SlackTokenProvider.TokenPurpose).Protect(access.AccessToken);
            await _installations.SaveAsync(new Installation(tenant, Platform.Slack, access.BotUserId, protectedToken, access.AuthedUser?.Id, _time.GetUtcNow(), metadata), http.RequestAborted);
            _tokens.Forget(tenant); // its installation is kept for a few seconds
            _log.LogInformation("TriageBot installed in {Tenant}", tenant);
            var where = access.IsEnterpriseInstall ? access.Enterprise?.Name : access.Team?.Name;
            await PageAsync(http, 200, "TriageBot is installed", $"TriageBot is ready in {where ?? "your workspace"}. Open Slack and try /triage help, or use “Triage this request” on any message.");
        }
        catch (SlackApiException ex)
        {
            _log.LogWarning("Slack install failed: {Error}", ex.Error);
            await PageAsync(http, 502, "TriageBot could not be installed", "Slack did not accept the install (" + ex.Error + "). Please start again from the install link; if it keeps failing, check the app's client id, secret and redirect URL.");
        }
    }

    private bool StateMatches(string state, string? cookie)
    {
        if (string.IsNullOrEmpty(cookie))
        {
            return false;
        }

        try
        {
            var nonce = _protection.CreateProtector(StatePurpose).ToTimeLimitedDataProtector().Unprotect(state, out _);
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(nonce), Encoding.UTF8.GetBytes(cookie));
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private string RedirectUri(HttpContext http) =>
        _options.Value.RedirectUri ?? $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/slack/oauth_redirect";

    private static async Task PageAsync(HttpContext http, int status, string title, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        var enc = HtmlEncoder.Default;
        await http.Response.WriteAsync(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            + $"<title>{enc.Encode(title)}</title><style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1d1c1d}}</style></head>"
            + $"<body><h1>{enc.Encode(title)}</h1><p>{enc.Encode(message)}</p></body></html>", Encoding.UTF8, http.RequestAborted);
    }
}

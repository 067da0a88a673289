using Microsoft.Extensions.Options;

namespace TriageBot.Teams;

/// <summary>Teams adapter settings, bound from <c>TriageBot:Teams</c>.</summary>
public sealed class TeamsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "TriageBot:Teams";

    /// <summary>Public cloud OpenID metadata for Bot Framework channel tokens.</summary>
    public const string DefaultOpenIdMetadataUrl = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    /// <summary>Microsoft App ID of the bot registration; empty means local testing without authentication (loopback only).</summary>
    public string? AppId { get; set; }

    /// <summary>Client secret of the bot's app registration.</summary>
    public string? AppPassword { get; set; }

    /// <summary>Tenant of the single-tenant bot registration ("botframework.com" for a legacy multi-tenant bot).</summary>
    public string? TenantId { get; set; }

    /// <summary>OpenID metadata document that lists the channel's signing keys (<c>jwks_uri</c>).</summary>
    public string OpenIdMetadataUrl { get; set; } = DefaultOpenIdMetadataUrl;

    /// <summary>Token endpoint for outbound client credentials; default <c>https://login.microsoftonline.com/{TenantId}/oauth2/v2.0/token</c>.</summary>
    public string? TokenEndpoint { get; set; }

    /// <summary>Scope requested for outbound tokens.</summary>
    public string Scope { get; set; } = "https://api.botframework.com/.default";

    /// <summary>Issuer of the channel's tokens.</summary>
    public string Issuer { get; set; } = "https://api.botframework.com";

    /// <summary>First retry delay of the connector client (doubles each attempt, with jitter).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Retries of a connector call on 429/412/502/504.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>Longest <c>Retry-After</c> honoured; longer waits fail the call (the durable queue retries later).</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Longest the conversation's pacing may hold a reply sent while answering an activity; a reply that would wait longer
    /// goes to the durable queue instead (sent there as soon as the pacing allows). Default 2 s.
    /// </summary>
    public TimeSpan MaxInlineReplyWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>True when an app id is configured (inbound authentication on).</summary>
    public bool IsAuthenticated => !string.IsNullOrWhiteSpace(AppId);

    /// <summary>The effective token endpoint.</summary>
    public string EffectiveTokenEndpoint =>
        !string.IsNullOrWhiteSpace(TokenEndpoint)
            ? TokenEndpoint!
            : $"https://login.microsoftonline.com/{Uri.EscapeDataString(TenantId ?? "botframework.com")}/oauth2/v2.0/token";
}

/// <summary>Validates <see cref="TeamsOptions"/> at start-up with messages that name the key to set.</summary>
internal sealed class TeamsOptionsValidator : IValidateOptions<TeamsOptions>
{
    public ValidateOptionsResult Validate(string? name, TeamsOptions options)
    {
        var failures = new List<string>();
        if (options.IsAuthenticated)
        {
            if (string.IsNullOrWhiteSpace(options.AppPassword))
            {
                failures.Add("TriageBot:Teams:AppPassword is missing: set it (env TriageBot__Teams__AppPassword) to the client secret of the bot's app registration.");
            }

            if (string.IsNullOrWhiteSpace(options.TenantId) && string.IsNullOrWhiteSpace(options.TokenEndpoint))
            {
                failures.Add("TriageBot:Teams:TenantId is missing: set it (env TriageBot__Teams__TenantId) to the Microsoft Entra tenant id of the single-tenant bot, or 'botframework.com' for a legacy multi-tenant bot.");
            }
        }

        CheckUrl(options.OpenIdMetadataUrl, "TriageBot:Teams:OpenIdMetadataUrl", failures, required: true);
        CheckUrl(options.TokenEndpoint, "TriageBot:Teams:TokenEndpoint", failures, required: false);

        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add("TriageBot:Teams:Issuer is empty: remove it to use https://api.botframework.com.");
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            failures.Add("TriageBot:Teams:MaxRetries must be between 0 and 10.");
        }

        if (options.RetryBaseDelay <= TimeSpan.Zero || options.RetryBaseDelay > TimeSpan.FromMinutes(1))
        {
            failures.Add("TriageBot:Teams:RetryBaseDelay must be a positive time span up to 00:01:00 (e.g. 00:00:01).");
        }

        if (options.MaxInlineReplyWait < TimeSpan.Zero || options.MaxInlineReplyWait > TimeSpan.FromSeconds(10))
        {
            failures.Add("TriageBot:Teams:MaxInlineReplyWait must be a time span from 00:00:00 to 00:00:10 (e.g. 00:00:02).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckUrl(string? value, string key, List<string> failures, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                failures.Add($"{key} is empty: remove it to use the public cloud default or set an https URL.");
            }

            return;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{key} is not an absolute http(s) URL: '{value}'.");
        }
    }
}

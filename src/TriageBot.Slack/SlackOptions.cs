using Microsoft.Extensions.Options;

namespace TriageBot.Slack;

/// <summary>Settings under <c>TriageBot:Slack</c>.</summary>
public sealed class SlackOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "TriageBot:Slack";

    /// <summary>Signing secret (HTTP mode): every request to <c>/slack/events</c> is verified with it; without it every request is refused.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>Bot token (<c>xoxb-…</c>) for a single workspace.</summary>
    public string? BotToken { get; set; }

    /// <summary>App-level token (<c>xapp-…</c>, scope <c>connections:write</c>): enables Socket Mode.</summary>
    public string? AppToken { get; set; }

    /// <summary>OAuth client id (multi-workspace install).</summary>
    public string? ClientId { get; set; }

    /// <summary>OAuth client secret.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Web API base URL; GovSlack and tests use another.</summary>
    public string ApiBaseUrl { get; set; } = "https://slack.com/api/";

    /// <summary>OAuth v2 authorize URL.</summary>
    public string AuthorizeUrl { get; set; } = "https://slack.com/oauth/v2/authorize";

    /// <summary>OAuth redirect URI; by default built from the request (<c>{scheme}://{host}/slack/oauth_redirect</c>).</summary>
    public string? RedirectUri { get; set; }

    /// <summary>Bot scopes requested at install.</summary>
    public string Scopes { get; set; } = "app_mentions:read,chat:write,chat:write.public,commands,files:write,channels:history,groups:history,im:history,mpim:history,im:read,im:write,users:read,users:read.email";

    /// <summary>The bot's own user id, when known in single-workspace mode (events also carry it in <c>authorizations</c>).</summary>
    public string? BotUserId { get; set; }

    /// <summary>Socket Mode connections kept open (Slack allows up to 10; two give overlap on refresh).</summary>
    public int SocketConnections { get; set; } = 2;

    /// <summary>How long a Slack user → org person mapping is cached.</summary>
    public TimeSpan UserCacheDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Minimum gap between two chat.postMessage calls to the same channel (Slack: about one per second).</summary>
    public TimeSpan PostMessageInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A 429 with a longer <c>Retry-After</c> is not waited for in-process; the durable queue retries later.</summary>
    public TimeSpan MaxInProcessRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest accepted request body.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>True when Socket Mode is configured.</summary>
    public bool SocketModeEnabled => !string.IsNullOrWhiteSpace(AppToken);

    /// <summary>True when the OAuth install flow is configured.</summary>
    public bool OAuthEnabled => !string.IsNullOrWhiteSpace(ClientId);
}

/// <summary>Start-up validation: every message names the key to set and what to put there.</summary>
internal sealed class SlackOptionsValidator : IValidateOptions<SlackOptions>
{
    public ValidateOptionsResult Validate(string? name, SlackOptions options)
    {
        var errors = new List<string>();
        const string P = SlackOptions.Section + ":";
        if (!Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttps && api.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"{P}ApiBaseUrl must be an absolute http(s) URL such as https://slack.com/api/ (got '{options.ApiBaseUrl}').");
        }

        if (!Uri.TryCreate(options.AuthorizeUrl, UriKind.Absolute, out _))
        {
            errors.Add($"{P}AuthorizeUrl must be an absolute URL such as https://slack.com/oauth/v2/authorize.");
        }

        var hasBot = !string.IsNullOrWhiteSpace(options.BotToken);
        var hasSecret = !string.IsNullOrWhiteSpace(options.SigningSecret);
        if (hasBot && !options.BotToken!.StartsWith("xoxb-", StringComparison.Ordinal))
        {
            errors.Add($"{P}BotToken must be a bot token starting with 'xoxb-' (OAuth & Permissions → Bot User OAuth Token).");
        }

        if (hasBot && !hasSecret && !options.SocketModeEnabled)
        {
            errors.Add($"{P}SigningSecret is required when {P}BotToken is set (HTTP mode): copy the Signing Secret from your app's Basic Information page, or set {P}AppToken to use Socket Mode.");
        }

        if (options.SocketModeEnabled)
        {
            if (!options.AppToken!.StartsWith("xapp-", StringComparison.Ordinal))
            {
                errors.Add($"{P}AppToken must be an app-level token starting with 'xapp-' with the connections:write scope (Basic Information → App-Level Tokens).");
            }

            if (!hasBot && !options.OAuthEnabled)
            {
                errors.Add($"{P}BotToken is required when {P}AppToken is set (Socket Mode needs the bot token to call the Web API).");
            }
        }

        if (options.OAuthEnabled)
        {
            if (string.IsNullOrWhiteSpace(options.ClientSecret))
            {
                errors.Add($"{P}ClientSecret is required when {P}ClientId is set (Basic Information → App Credentials).");
            }

            if (!hasSecret && !options.SocketModeEnabled)
            {
                errors.Add($"{P}SigningSecret is required when {P}ClientId is set: copy it from your app's Basic Information page.");
            }
        }
        else if (!string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            errors.Add($"{P}ClientId is required when {P}ClientSecret is set.");
        }

        if (options.SocketConnections is < 1 or > 10)
        {
            errors.Add($"{P}SocketConnections must be between 1 and 10 (got {options.SocketConnections}).");
        }

        if (options.MaxBodyBytes < 1024)
        {
            errors.Add($"{P}MaxBodyBytes must be at least 1024.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

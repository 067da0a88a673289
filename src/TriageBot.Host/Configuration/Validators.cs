using Microsoft.Extensions.Options;
using TriageBot.Engine.Decisions;
using TriageBot.Storage;

namespace TriageBot.Host.Configuration;

/// <summary>Start-up checks of <c>TriageBot:Storage</c>; every message names the key and what to put there.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var provider = options.Provider?.Trim().ToLowerInvariant();
        if (provider is not ("sqlite" or "postgres" or "postgresql"))
        {
            return ValidateOptionsResult.Fail(
                $"TriageBot:Storage:Provider must be 'sqlite' or 'postgres' (got '{options.Provider}'). Leave it unset for the embedded SQLite database.");
        }

        if (provider is "postgres" or "postgresql" && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail(
                "TriageBot:Storage:ConnectionString is required when TriageBot:Storage:Provider is 'postgres': put an Npgsql connection string there, " +
                "e.g. 'Host=db;Port=5432;Database=triagebot;Username=triagebot;Password=...'.");
        }

        return ValidateOptionsResult.Success;
    }
}

/// <summary>Start-up checks of <c>TriageBot:Digest</c>.</summary>
internal sealed class DigestScheduleOptionsValidator : IValidateOptions<DigestScheduleOptions>
{
    public ValidateOptionsResult Validate(string? name, DigestScheduleOptions options)
    {
        var failures = new List<string>();
        var day = options.DefaultDay?.Trim() ?? "";
        if (day.Length == 0 || !day.All(char.IsLetter) || !Enum.TryParse<DayOfWeek>(day, ignoreCase: true, out _))
        {
            failures.Add($"TriageBot:Digest:DefaultDay must be a day of the week such as 'Friday' (got '{options.DefaultDay}').");
        }

        if (!TimeOnly.TryParseExact(options.DefaultTime?.Trim(), ["H:mm", "HH:mm"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _))
        {
            failures.Add($"TriageBot:Digest:DefaultTime must be a local time 'HH:mm' such as '16:00' (got '{options.DefaultTime}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Start-up checks of <c>TriageBot:Workers</c>.</summary>
internal sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        var failures = new List<string>();
        Positive(options.QueuePollInterval, "QueuePollInterval", "00:00:01", failures);
        Positive(options.DigestInterval, "DigestInterval", "00:01:00", failures);
        Positive(options.MetricsInterval, "MetricsInterval", "00:00:15", failures);
        Positive(options.RetentionInterval, "RetentionInterval", "01:00:00", failures);
        Positive(options.QueueLease, "QueueLease", "00:00:15", failures);
        Positive(options.QueueHeartbeat, "QueueHeartbeat", "00:00:05", failures);
        Positive(options.BusyClaimInterval, "BusyClaimInterval", "00:00:00.100", failures);
        if (options.YieldAbovePerSecond < 0)
        {
            failures.Add($"TriageBot:Workers:YieldAbovePerSecond must be 0 (never yield) or a positive number of requests per second such as '1000' (got '{options.YieldAbovePerSecond}').");
        }

        if (options.QueueHeartbeat > TimeSpan.Zero && options.QueueLease > TimeSpan.Zero && options.QueueHeartbeat * 2 > options.QueueLease)
        {
            failures.Add($"TriageBot:Workers:QueueHeartbeat must be at most half of TriageBot:Workers:QueueLease (got {options.QueueHeartbeat} and {options.QueueLease}), such as '00:00:05' with '00:00:15'.");
        }

        if (options.QueueConcurrency is < 1 or > 1024)
        {
            failures.Add($"TriageBot:Workers:QueueConcurrency must be a number from 1 to 1024 such as '32' (got '{options.QueueConcurrency}').");
        }

        if (options.WorkerId is { Length: > 200 })
        {
            failures.Add("TriageBot:Workers:WorkerId must be at most 200 characters, such as 'triagebot-0'.");
        }

        Retention(options.EventRetention, "EventRetention", "7.00:00:00", failures);
        Retention(options.CompletedWorkRetention, "CompletedWorkRetention", "7.00:00:00", failures);
        Retention(options.DeadWorkRetention, "DeadWorkRetention", "30.00:00:00", failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // At least an hour: a shorter window could forget an event id while Slack or Teams is still retrying it.
    private static void Retention(TimeSpan value, string key, string example, List<string> failures)
    {
        if (value < TimeSpan.FromHours(1) || value > TimeSpan.FromDays(3650))
        {
            failures.Add($"TriageBot:Workers:{key} must be a duration between one hour and ten years such as '{example}' (got '{value}').");
        }
    }

    private static void Positive(TimeSpan value, string key, string example, List<string> failures)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromHours(1))
        {
            failures.Add($"TriageBot:Workers:{key} must be a positive duration of at most one hour such as '{example}' (got '{value}').");
        }
    }
}

/// <summary>Start-up checks of <c>TriageBot</c> host settings.</summary>
internal sealed class TriageBotHostOptionsValidator : IValidateOptions<TriageBotHostOptions>
{
    public ValidateOptionsResult Validate(string? name, TriageBotHostOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("TriageBot:DataDirectory must name a folder for the SQLite file and keys, e.g. 'data' (relative to the working directory) or '/var/lib/triagebot'.");
        }

        if (options.DataProtectionKeys is { } keys && !string.IsNullOrWhiteSpace(keys) && keys.Trim().ToLowerInvariant() is not ("file" or "database"))
        {
            failures.Add($"TriageBot:DataProtectionKeys must be 'file' or 'database' (got '{keys}'). Leave it unset: 'file' with SQLite, 'database' with PostgreSQL.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Start-up checks of <c>TriageBot:Policy</c>: the ranges declared with <see cref="DecisionPolicy.Validate"/>.</summary>
internal sealed class DecisionPolicyValidator : IValidateOptions<DecisionPolicy>
{
    public ValidateOptionsResult Validate(string? name, DecisionPolicy options)
    {
        var failures = options.Validate();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// The chat credentials as the host sees them (<c>TriageBot:Slack</c>, <c>TriageBot:Teams</c>): used to decide whether the
/// playground is on by default and to catch half-configured adapters at start-up. The adapters bind their own options.
/// </summary>
public sealed class ChatCredentials
{
    public string? SlackSigningSecret { get; set; }
    public string? SlackBotToken { get; set; }
    public string? SlackAppToken { get; set; }
    public string? SlackClientId { get; set; }
    public string? SlackClientSecret { get; set; }
    public string? SlackApiBaseUrl { get; set; }
    public string? TeamsAppId { get; set; }
    public string? TeamsAppPassword { get; set; }

    /// <summary>True when any Slack credential is set.</summary>
    public bool SlackConfigured => Has(SlackBotToken) || Has(SlackAppToken) || Has(SlackClientId) || Has(SlackSigningSecret);

    /// <summary>True when any Teams credential is set.</summary>
    public bool TeamsConfigured => Has(TeamsAppId) || Has(TeamsAppPassword);

    /// <summary>Reads them from configuration.</summary>
    public static ChatCredentials From(IConfiguration configuration) => new()
    {
        SlackSigningSecret = configuration["TriageBot:Slack:SigningSecret"],
        SlackBotToken = configuration["TriageBot:Slack:BotToken"],
        SlackAppToken = configuration["TriageBot:Slack:AppToken"],
        SlackClientId = configuration["TriageBot:Slack:ClientId"],
        SlackClientSecret = configuration["TriageBot:Slack:ClientSecret"],
        SlackApiBaseUrl = configuration["TriageBot:Slack:ApiBaseUrl"],
        TeamsAppId = configuration["TriageBot:Teams:AppId"],
        TeamsAppPassword = configuration["TriageBot:Teams:AppPassword"],
    };

    internal static bool Has(string? value) => !string.IsNullOrWhiteSpace(value);
}

/// <summary>Catches half-configured chat adapters with a message naming the missing key.</summary>
internal sealed class ChatCredentialsValidator : IValidateOptions<ChatCredentials>
{
    public ValidateOptionsResult Validate(string? name, ChatCredentials o)
    {
        var failures = new List<string>();
        static bool Has(string? v) => ChatCredentials.Has(v);

        if (Has(o.SlackBotToken) && !o.SlackBotToken!.StartsWith("xoxb-", StringComparison.Ordinal))
        {
            failures.Add("TriageBot:Slack:BotToken must be a bot token starting with 'xoxb-' (Slack app > OAuth & Permissions > Bot User OAuth Token).");
        }

        if (Has(o.SlackAppToken) && !o.SlackAppToken!.StartsWith("xapp-", StringComparison.Ordinal))
        {
            failures.Add("TriageBot:Slack:AppToken must be an app-level token starting with 'xapp-' with the connections:write scope (Slack app > Basic Information > App-Level Tokens).");
        }

        if (Has(o.SlackBotToken) && !Has(o.SlackSigningSecret) && !Has(o.SlackAppToken))
        {
            failures.Add("TriageBot:Slack:SigningSecret is required when TriageBot:Slack:BotToken is set: copy the Signing Secret from your Slack app's Basic Information page " +
                "(or set TriageBot:Slack:AppToken to use Socket Mode instead of a public request URL).");
        }

        if (Has(o.SlackClientId) != Has(o.SlackClientSecret))
        {
            failures.Add(Has(o.SlackClientId)
                ? "TriageBot:Slack:ClientSecret is required when TriageBot:Slack:ClientId is set (multi-workspace install): copy the Client Secret from your Slack app's Basic Information page."
                : "TriageBot:Slack:ClientId is required when TriageBot:Slack:ClientSecret is set (multi-workspace install): copy the Client ID from your Slack app's Basic Information page.");
        }

        if (Has(o.SlackClientId) && !Has(o.SlackSigningSecret))
        {
            failures.Add("TriageBot:Slack:SigningSecret is required for the multi-workspace install (TriageBot:Slack:ClientId is set): copy it from your Slack app's Basic Information page.");
        }

        if (Has(o.SlackApiBaseUrl) && !(Uri.TryCreate(o.SlackApiBaseUrl, UriKind.Absolute, out var api) && (api.Scheme == Uri.UriSchemeHttps || api.Scheme == Uri.UriSchemeHttp)))
        {
            failures.Add($"TriageBot:Slack:ApiBaseUrl must be an absolute http(s) URL such as 'https://slack.com/api/' (got '{o.SlackApiBaseUrl}').");
        }

        if (Has(o.TeamsAppId) && !Has(o.TeamsAppPassword))
        {
            failures.Add("TriageBot:Teams:AppPassword is required when TriageBot:Teams:AppId is set: put the client secret of the bot's Microsoft Entra app registration there.");
        }

        if (Has(o.TeamsAppPassword) && !Has(o.TeamsAppId))
        {
            failures.Add("TriageBot:Teams:AppId is required when TriageBot:Teams:AppPassword is set: put the bot's Microsoft App ID (a GUID) there.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

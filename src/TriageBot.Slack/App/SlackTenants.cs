using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using TriageBot.Engine.Ports;
using TriageBot.Slack.Protocol;

namespace TriageBot.Slack.App;

/// <summary>
/// Which Slack tenant a payload belongs to (<see cref="TenantKey.ForSlack"/>): <c>slack:{team_id}</c>, or
/// <c>slack:{enterprise_id}</c> for org-wide (enterprise) installs.
/// </summary>
public static class SlackTenants
{
    /// <summary>The tenant key for a team/enterprise pair.</summary>
    public static string For(string? teamId, string? enterpriseId, bool isEnterpriseInstall) =>
        TenantKey.ForSlack(isEnterpriseInstall && !string.IsNullOrEmpty(enterpriseId) ? enterpriseId
            : !string.IsNullOrEmpty(teamId) ? teamId
            : enterpriseId).ToString();

    /// <summary>The tenant of an event envelope.</summary>
    public static string For(EventEnvelope envelope)
    {
        var auth = envelope.Authorizations?.FirstOrDefault();
        var enterpriseInstall = auth?.IsEnterpriseInstall ?? false;
        return For(envelope.TeamId ?? auth?.TeamId, envelope.EnterpriseId ?? auth?.EnterpriseId, enterpriseInstall);
    }

    /// <summary>The tenant of an interaction.</summary>
    public static string For(InteractionPayload payload) =>
        For(payload.Team?.Id ?? payload.User?.TeamId, payload.Enterprise?.Id ?? payload.Team?.EnterpriseId, payload.IsEnterpriseInstall);

    /// <summary>The tenant of a slash command.</summary>
    public static string For(SlashCommand command) => For(command.TeamId, command.EnterpriseId, command.IsEnterpriseInstall);
}

/// <summary>
/// Bot tokens per tenant: the OAuth installation (token decrypted with Data Protection), else the single-workspace token from configuration.
/// </summary>
/// <remarks>
/// Every event acknowledgement (the bot's own user id) and every queued Web API call (the token) needs the tenant's
/// installation: it is kept for <see cref="InstallationCacheDuration"/> instead of being read from the database each
/// time (two of an event's round trips under load). An install through this process replaces it at once; one through
/// another replica is seen within that time (a call made with a replaced token fails and is retried by the queue).
/// </remarks>
public sealed class SlackTokenProvider : IDisposable
{
    /// <summary>Data Protection purpose of stored bot tokens.</summary>
    public const string TokenPurpose = "TriageBot.Slack.BotToken.v1";

    /// <summary>How long an installation read from the database is reused.</summary>
    public static readonly TimeSpan InstallationCacheDuration = TimeSpan.FromSeconds(10);

    /// <summary>Most installations kept at once (tenants come from signed requests, still bounded).</summary>
    public const int MaxCachedInstallations = 4096;

    private readonly IOptions<SlackOptions> _options;
    private readonly IDataProtector _protector;
    private readonly IInstallationStore? _store;
    private readonly MemoryCache _installations = new(new MemoryCacheOptions { SizeLimit = MaxCachedInstallations });

    /// <summary>Creates the provider; without an installation store only the configured single-workspace token is used.</summary>
    public SlackTokenProvider(IOptions<SlackOptions> options, IDataProtectionProvider dataProtection, IInstallationStore? installations = null)
    {
        ArgumentNullException.ThrowIfNull(dataProtection);
        _options = options;
        _protector = dataProtection.CreateProtector(TokenPurpose);
        _store = installations;
    }

    /// <summary>Forgets what is kept for a tenant (its installation was just saved or removed).</summary>
    public void Forget(string tenant) => _installations.Remove(tenant);

    /// <inheritdoc />
    public void Dispose() => _installations.Dispose();

    /// <summary>The bot token for a tenant, or null when the app is not installed there.</summary>
    public async Task<string?> GetBotTokenAsync(string tenant, CancellationToken ct)
    {
        var installation = await GetInstallationAsync(tenant, ct);
        if (installation?.ProtectedToken is { Length: > 0 } protectedToken)
        {
            return _protector.Unprotect(protectedToken);
        }

        return string.IsNullOrWhiteSpace(_options.Value.BotToken) ? null : _options.Value.BotToken;
    }

    /// <summary>The bot's own user id in a tenant, when known.</summary>
    public async Task<string?> GetBotUserIdAsync(string tenant, CancellationToken ct)
    {
        var installation = await GetInstallationAsync(tenant, ct);
        return installation?.BotUserId ?? _options.Value.BotUserId;
    }

    private async Task<Installation?> GetInstallationAsync(string tenant, CancellationToken ct)
    {
        if (_installations.TryGetValue(tenant, out CachedInstallation? cached) && cached is not null)
        {
            return cached.Installation;
        }

        if (_store is null)
        {
            return null;
        }

        var installation = await _store.GetAsync(tenant, ct);
        _installations.Set(tenant, new CachedInstallation(installation),
            new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = InstallationCacheDuration });
        return installation;
    }

    // Wraps the answer so "not installed" (null) is kept too.
    private sealed record CachedInstallation(Installation? Installation);
}

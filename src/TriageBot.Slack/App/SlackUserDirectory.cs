using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Engine.Org;
using TriageBot.Slack.Api;

namespace TriageBot.Slack.App;

/// <summary>A Slack user and the org person they map to (null: an outsider).</summary>
/// <param name="SlackUserId">Slack user id.</param>
/// <param name="Person">The org person, or null.</param>
/// <param name="DisplayName">Best display name.</param>
public sealed record SlackUserRef(string SlackUserId, Person? Person, string DisplayName)
{
    /// <summary>Org id for mapped people, the Slack id for outsiders.</summary>
    public string OrgOrPlatformId => Person?.Id ?? SlackUserId;
}

/// <summary>
/// Maps Slack users to org people by <c>slack_id</c>, else by email through users.info (cached with expiry, in a cache of
/// its own bounded to <see cref="MaxCachedUsers"/> entries: user ids come from request data).
/// </summary>
public sealed class SlackUserDirectory : IDisposable
{
    /// <summary>Most users.info answers kept at once; beyond it the cache compacts (expired and least recently used first).</summary>
    public const int MaxCachedUsers = 4096;

    private readonly TimeProvider _time;

    private readonly IOrgProvider _org;
    private readonly SlackApiClient _api;
    private readonly SlackTokenProvider _tokens;
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxCachedUsers });
    private readonly IOptions<SlackOptions> _options;
    private readonly ILogger<SlackUserDirectory> _log;

    /// <summary>Creates the directory.</summary>
    public SlackUserDirectory(IOrgProvider org, SlackApiClient api, SlackTokenProvider tokens, IOptions<SlackOptions> options, ILogger<SlackUserDirectory> log, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _org = org;
        _api = api;
        _tokens = tokens;
        _options = options;
        _log = log;
    }

    /// <summary>Resolves a Slack user; unknown users are outsiders, never errors.</summary>
    public async Task<SlackUserRef> ResolveAsync(string tenant, string slackUserId, CancellationToken ct)
    {
        var directory = _org.Directory;
        if (directory.FindByIdentity(IdentityPlatforms.Slack, slackUserId) is { } direct)
        {
            return new SlackUserRef(slackUserId, direct, direct.Name);
        }

        var key = "slack-user:" + tenant + ":" + slackUserId;
        if (_cache.TryGetValue(key, out (string? Email, string Name) cached))
        {
            return new SlackUserRef(slackUserId, directory.FindByEmail(cached.Email), cached.Name);
        }

        (string? Email, string Name) info = (null, slackUserId);
        var expiry = _options.Value.UserCacheDuration;
        try
        {
            var token = await _tokens.GetBotTokenAsync(tenant, ct);
            if (token is not null)
            {
                var user = (await AckDeadline.RunAsync("users.info", AckDeadline.UserLookup, _time, deadline => _api.GetUserAsync(token, slackUserId, deadline), ct)).User;
                var name = user?.Profile?.DisplayName is { Length: > 0 } dn ? dn : user?.RealName ?? user?.Profile?.RealName ?? user?.Name ?? slackUserId;
                info = (user?.Profile?.Email, name);
            }
        }
        catch (SlackApiException ex) when (ex.Error is "timeout" or "ratelimited")
        {
            // Slack slow or rate limited: an outsider for this answer only, looked up again next time (a Lead matched by
            // email must not be locked out for a minute by one slow call).
            _log.LogInformation("users.info for {SlackUserId} did not answer in time ({Error}); treating as an outsider this once", slackUserId, ex.Error);
            return new SlackUserRef(slackUserId, null, slackUserId);
        }
        catch (SlackApiException ex)
        {
            // Unknown or unreachable users are outsiders; remember briefly so a broken lookup is not repeated on every message.
            _log.LogInformation("users.info for {SlackUserId} failed ({Error}); treating as an outsider", slackUserId, ex.Error);
            expiry = TimeSpan.FromMinutes(1);
        }

        _cache.Set(key, info, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = expiry });
        var person = directory.FindByEmail(info.Email);
        return new SlackUserRef(slackUserId, person, person?.Name ?? info.Name);
    }

    /// <summary>The name of a Slack user already known (the org file or an earlier lookup), without calling Slack; else null.</summary>
    public string? KnownNameOf(string tenant, string slackUserId)
    {
        var directory = _org.Directory;
        if (directory.FindByIdentity(IdentityPlatforms.Slack, slackUserId) is { } direct)
        {
            return direct.Name;
        }

        return _cache.TryGetValue("slack-user:" + tenant + ":" + slackUserId, out (string? Email, string Name) cached) && cached.Name != slackUserId
            ? directory.FindByEmail(cached.Email)?.Name ?? cached.Name
            : null;
    }

    /// <summary>Users cached now.</summary>
    internal int CachedUsers => _cache.Count;

    /// <inheritdoc />
    public void Dispose() => _cache.Dispose();

    /// <summary>True when the person is a Lead (lead, staff, principal) in the current org (a cached lookup may predate a reload).</summary>
    public bool IsLead(Person? person) => person is not null && _org.Directory.FindPerson(person.Id) is { IsLead: true };

    /// <summary>The Slack id of an org person (for mentions and DMs), or null.</summary>
    public string? SlackIdOf(string orgOrPlatformId)
    {
        var person = _org.Directory.FindPerson(orgOrPlatformId);
        if (person is not null)
        {
            return person.Identities.IdOn(IdentityPlatforms.Slack);
        }

        return orgOrPlatformId.Length > 1 && orgOrPlatformId[0] is 'U' or 'W' && orgOrPlatformId.All(char.IsAsciiLetterOrDigit) ? orgOrPlatformId : null;
    }
}

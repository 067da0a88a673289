using Microsoft.Extensions.Logging;
using TriageBot.Engine.Org;
using TriageBot.Teams.Connector;
using TriageBot.Teams.Protocol;

namespace TriageBot.Teams.App;

/// <summary>Maps Teams users to org people by <c>teams_id</c> (AAD object id), then by email.</summary>
public sealed class UserMapper
{
    private readonly IOrgProvider _org;
    private readonly ConnectorClient _connector;
    private readonly ILogger<UserMapper> _logger;

    public UserMapper(IOrgProvider org, ConnectorClient connector, ILogger<UserMapper> logger)
    {
        _org = org;
        _connector = connector;
        _logger = logger;
    }

    /// <summary>Maps without calling Teams: AAD object id, then an email carried on the account.</summary>
    public Person? MapLocal(string? aadObjectId, string? email)
    {
        return _org.Directory.FindByIdentityOrEmail(IdentityPlatforms.Teams, aadObjectId, email);
    }

    /// <summary>Maps the sender of an activity; when the id is unknown, asks the connector for the member's email.</summary>
    public async Task<Person?> MapSenderAsync(Activity activity, CancellationToken ct)
    {
        var from = activity.From;
        if (from is null)
        {
            return null;
        }

        var local = MapLocal(from.AadObjectId, from.ExtraString("email") ?? from.ExtraString("userPrincipalName"));
        if (local is not null || string.IsNullOrEmpty(from.Id) || activity.ServiceUrl is null || activity.Conversation?.Id is null)
        {
            return local;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            var member = await _connector.GetMemberAsync(activity.ServiceUrl, activity.Conversation.Id, from.Id, timeout.Token).ConfigureAwait(false);
            var email = member?.ExtraString("email") ?? member?.ExtraString("userPrincipalName");
            return MapLocal(member?.AadObjectId, email);
        }
        catch (Exception ex) when (ex is ConnectorException or HttpRequestException or OperationCanceledException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            _logger.LogDebug(ex, "Member lookup failed; treating the sender as an outsider");
            return null;
        }
    }
}

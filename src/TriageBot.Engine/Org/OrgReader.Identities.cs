using YamlDotNet.Core;

namespace TriageBot.Engine.Org;

/// <summary>
/// Reading how a person is known on the chat platforms: <c>slack_id</c>, <c>teams_id</c>, the generic
/// <c>identities:</c> map (platform → id) and <c>email</c>. Every id is unique among people by its platform's rule
/// (<see cref="IdentityPlatforms"/>), every email without case.
/// </summary>
internal sealed partial class OrgReader
{
    // The org file's own keys for the platforms that had one before the identities map; they keep working.
    private static readonly (string Key, string Platform)[] PlatformKeys = [("slack_id", IdentityPlatforms.Slack), ("teams_id", IdentityPlatforms.Teams)];

    private const string EmailSlot = "email";

    // platform (or "email") → id → the person who has it; each platform compares ids by its own rule.
    private readonly Dictionary<string, Dictionary<string, string>> _identityOwners = new(StringComparer.Ordinal);

    private PersonIdentities ReadIdentities(Dictionary<string, (YScalar Key, YNode Value)> f, string? personId, string who)
    {
        var ids = new List<KeyValuePair<string, string?>>();
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, platform) in PlatformKeys)
        {
            if (OptionalScalar(f, key, who) is { } node)
            {
                var value = node.Value!.Trim();
                Claim(platform, key, value, node.Start, personId);
                given.Add(platform, key);
                ids.Add(new(platform, value));
            }
        }

        if (f.TryGetValue("identities", out var field) && !IsNull(field.Value))
        {
            ReadIdentityMap(field.Value, personId, who, given, ids);
        }

        string? email = null;
        if (OptionalScalar(f, "email", who) is { } emailNode)
        {
            email = emailNode.Value!.Trim();
            if (!email.Contains('@', StringComparison.Ordinal))
            {
                problems.Add(emailNode.Start, $"{who}: email '{email}' is not an email address.");
            }

            Claim(EmailSlot, "email", email, emailNode.Start, personId);
        }

        return PersonIdentities.Of(ids, email);
    }

    private void ReadIdentityMap(YNode node, string? personId, string who, Dictionary<string, string> given, List<KeyValuePair<string, string?>> ids)
    {
        if (node is not YMap map)
        {
            problems.Add(node.Start, $"{who}: identities must be a mapping of platform to id, e.g. {{mattermost: 8xk3pq}}.");
            return;
        }

        foreach (var (keyNode, valueNode) in map.Children)
        {
            if (keyNode is not YScalar { Value: { } raw })
            {
                problems.Add(keyNode.Start, $"{who}: an identity's key must be a platform name.");
                continue;
            }

            var platform = raw.Trim();
            var label = $"identities: {platform}";
            if (platform == EmailSlot)
            {
                problems.Add(keyNode.Start, $"{who}: put the email in 'email', not in identities.");
                continue;
            }

            if (!IdentityPlatforms.IsValidName(platform))
            {
                problems.Add(keyNode.Start, $"{who}: identity platform '{platform}' is not valid: use lowercase letters, digits and '-' (at most {IdentityPlatforms.MaxNameLength}).");
                continue;
            }

            if (valueNode is not YScalar { Value: { } value } || IsNull(valueNode) || string.IsNullOrWhiteSpace(value))
            {
                problems.Add(valueNode.Start, $"{who}: {label} must be a single id.");
                continue;
            }

            if (given.TryGetValue(platform, out var first))
            {
                problems.Add(keyNode.Start, $"{who}: the {platform} id is given twice ('{first}' and '{label}'); keep one.");
                continue;
            }

            given.Add(platform, label);
            Claim(platform, label, value.Trim(), keyNode.Start, personId);
            ids.Add(new(platform, value.Trim()));
        }
    }

    // Records that personId has this id, or reports the person who already has it.
    private void Claim(string platform, string key, string value, Mark mark, string? personId)
    {
        if (personId is null)
        {
            return;
        }

        if (!_identityOwners.TryGetValue(platform, out var owners))
        {
            owners = new Dictionary<string, string>(platform == EmailSlot ? StringComparer.OrdinalIgnoreCase : IdentityPlatforms.ComparerFor(platform));
            _identityOwners.Add(platform, owners);
        }

        if (!owners.TryAdd(value, personId))
        {
            problems.Add(mark, $"person '{personId}': {key} '{value}' is already used by person '{owners[value]}'.");
        }
    }
}

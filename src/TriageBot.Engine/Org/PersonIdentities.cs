namespace TriageBot.Engine.Org;

/// <summary>
/// Names of the chat platforms people are identified on, and how each compares its ids. A platform name is lowercase
/// letters, digits and '-' (at most 32 characters). Ids compare exactly (ordinal) unless the platform is known to treat
/// them without case:
/// <list type="bullet">
/// <item><c>slack</c>: Slack user ids (<c>U…</c>, <c>W…</c>) are upper-case as Slack sends them: exact comparison.</item>
/// <item><c>teams</c>: Microsoft Entra (AAD) object ids are GUIDs, written in either case: case-insensitive.</item>
/// <item>any other platform (from the org file's <c>identities:</c>): exact comparison.</item>
/// </list>
/// Emails are not a platform: they are kept apart (<see cref="PersonIdentities.Email"/>) and compare case-insensitively.
/// </summary>
public static class IdentityPlatforms
{
    /// <summary>Slack (org file key <c>slack_id</c>).</summary>
    public const string Slack = "slack";

    /// <summary>Microsoft Teams (org file key <c>teams_id</c>).</summary>
    public const string Teams = "teams";

    /// <summary>Longest platform name accepted.</summary>
    public const int MaxNameLength = 32;

    /// <summary>How ids on <paramref name="platform"/> compare.</summary>
    public static StringComparer ComparerFor(string platform) =>
        string.Equals(platform, Teams, StringComparison.Ordinal) ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>True when <paramref name="name"/> is a well-formed platform name (lowercase letters, digits and '-', not starting with '-').</summary>
    public static bool IsValidName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || name[0] == '-')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// How a person is known outside the org file: at most one id per chat platform (platform name → id, see
/// <see cref="IdentityPlatforms"/>), plus an email. Immutable; equal when the same ids (by each platform's rule) and
/// email (without case) are set.
/// </summary>
public sealed class PersonIdentities : IEquatable<PersonIdentities>
{
    private readonly SortedDictionary<string, string> _ids;

    private PersonIdentities(SortedDictionary<string, string> ids, string? email)
    {
        _ids = ids;
        ByPlatform = new System.Collections.ObjectModel.ReadOnlyDictionary<string, string>(ids);
        Email = email;
    }

    /// <summary>No identities and no email.</summary>
    public static PersonIdentities None { get; } = new(new SortedDictionary<string, string>(StringComparer.Ordinal), null);

    /// <summary>The email, if any.</summary>
    public string? Email { get; }

    /// <summary>The platform ids, platform name → id, in platform name order (the email is not among them).</summary>
    public IReadOnlyDictionary<string, string> ByPlatform { get; }

    /// <summary>Builds a set from platform ids (blank ids are left out) and an email.</summary>
    /// <exception cref="ArgumentException">A platform name is not valid, or a platform is given twice.</exception>
    public static PersonIdentities Of(IEnumerable<KeyValuePair<string, string?>> platformIds, string? email = null)
    {
        ArgumentNullException.ThrowIfNull(platformIds);
        var ids = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (platform, id) in platformIds)
        {
            CheckPlatform(platform);
            if (string.IsNullOrWhiteSpace(id))
            {
                continue;
            }

            if (!ids.TryAdd(platform, id.Trim()))
            {
                throw new ArgumentException($"Platform '{platform}' is given twice.", nameof(platformIds));
            }
        }

        return new PersonIdentities(ids, string.IsNullOrWhiteSpace(email) ? null : email.Trim());
    }

    /// <summary>The id on <paramref name="platform"/>, or null.</summary>
    public string? IdOn(string platform) => _ids.GetValueOrDefault(platform);

    /// <summary>A copy with the id on <paramref name="platform"/> set (replaced when there was one).</summary>
    public PersonIdentities With(string platform, string id)
    {
        CheckPlatform(platform);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var ids = new SortedDictionary<string, string>(_ids, StringComparer.Ordinal) { [platform] = id.Trim() };
        return new PersonIdentities(ids, Email);
    }

    /// <summary>A copy with another email (null removes it).</summary>
    public PersonIdentities WithEmail(string? email) =>
        new(_ids, string.IsNullOrWhiteSpace(email) ? null : email.Trim());

    /// <summary>True when <paramref name="id"/> is this person's id on <paramref name="platform"/> (by the platform's rule).</summary>
    public bool Matches(string platform, string id) =>
        IdOn(platform) is { } own && IdentityPlatforms.ComparerFor(platform).Equals(own, id);

    /// <inheritdoc />
    public bool Equals(PersonIdentities? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (_ids.Count != other._ids.Count || !string.Equals(Email, other.Email, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var (platform, id) in _ids)
        {
            if (!other.Matches(platform, id))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as PersonIdentities);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (platform, id) in _ids)
        {
            hash.Add(platform, StringComparer.Ordinal);
            hash.Add(id, IdentityPlatforms.ComparerFor(platform));
        }

        hash.Add(Email, StringComparer.OrdinalIgnoreCase);
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Join(", ", _ids.Select(p => $"{p.Key}: {p.Value}").Append(Email is null ? null : $"email: {Email}").OfType<string>());

    private static void CheckPlatform(string platform)
    {
        if (!IdentityPlatforms.IsValidName(platform))
        {
            throw new ArgumentException($"'{platform}' is not a platform name (lowercase letters, digits and '-').", nameof(platform));
        }
    }
}

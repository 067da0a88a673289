using System.Diagnostics.CodeAnalysis;

namespace TriageBot.Engine.Ports;

/// <summary>
/// The key of a tenant, the one place tenant strings are built, parsed and compared: a scheme (the platform) and the
/// workspace or tenant id there — <c>slack:T0123ABC</c> (a Slack workspace, or <c>slack:E…</c> for an enterprise
/// install), <c>teams:&lt;Entra tenant id&gt;</c> — or <c>local</c> for the playground and the CLI. Other schemes
/// (<c>name</c> or <c>name:id</c>) are accepted so that new surfaces need no change here.
/// <para>
/// Every store keeps the tenant as <see cref="ToString"/>, so that string is the persisted format: parsing a stored key
/// and formatting it gives the same string back. The scheme is read without case and written in lower case; the id is
/// kept as written and compared exactly (ordinal), as the stores compare it.
/// </para>
/// </summary>
public readonly struct TenantKey : IEquatable<TenantKey>, IComparable<TenantKey>
{
    /// <summary>The scheme of Slack tenants.</summary>
    public const string SlackScheme = "slack";

    /// <summary>The scheme of Teams tenants.</summary>
    public const string TeamsScheme = "teams";

    /// <summary>The key of the playground and the CLI.</summary>
    public const string LocalValue = "local";

    /// <summary>The id used when a platform's payload does not say which workspace or tenant it comes from.</summary>
    public const string UnknownId = "unknown";

    /// <summary>Longest key accepted.</summary>
    public const int MaxLength = 200;

    private readonly string? _value;

    private TenantKey(string scheme, string? id)
    {
        Scheme = scheme;
        Id = id;
        _value = id is null ? scheme : scheme + ":" + id;
    }

    /// <summary>The playground's and the CLI's tenant, <c>local</c>.</summary>
    public static TenantKey Local { get; } = new(LocalValue, null);

    /// <summary>The scheme: <c>slack</c>, <c>teams</c>, <c>local</c> or another lower-case name.</summary>
    public string Scheme { get => field ?? LocalValue; }

    /// <summary>The workspace or tenant id after the scheme; null for keys without one (<c>local</c>).</summary>
    public string? Id { get; }

    /// <summary>The platform the key belongs to; null for a scheme TriageBot has no adapter for.</summary>
    public Platform? Platform => Scheme switch
    {
        SlackScheme => Ports.Platform.Slack,
        TeamsScheme => Ports.Platform.Teams,
        LocalValue => Ports.Platform.Local,
        _ => null,
    };

    /// <summary>The comparer of tenant keys kept as strings (ordinal, as the stores compare them).</summary>
    public static StringComparer StringComparer => System.StringComparer.Ordinal;

    /// <summary>The key of a Slack workspace (<c>T…</c>) or enterprise (<c>E…</c>); a missing id gives <c>slack:unknown</c>.</summary>
    public static TenantKey ForSlack(string? workspaceOrEnterpriseId) => ForPlatform(SlackScheme, workspaceOrEnterpriseId);

    /// <summary>The key of a Teams (Microsoft Entra) tenant; a missing id gives <c>teams:unknown</c>.</summary>
    public static TenantKey ForTeams(string? tenantId) => ForPlatform(TeamsScheme, tenantId);

    /// <summary>Reads a key such as <c>slack:T0123</c>, <c>teams:…</c> or <c>local</c>.</summary>
    /// <exception cref="FormatException">The text is not a tenant key; the message says what is wrong.</exception>
    public static TenantKey Parse(string text) =>
        TryParse(text, out var key, out var error) ? key : throw new FormatException(error);

    /// <summary>Reads a key; false when <paramref name="text"/> is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out TenantKey key) => TryParse(text, out key, out _);

    /// <summary>Reads a key; false with the reason when <paramref name="text"/> is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out TenantKey key, out string error)
    {
        key = default;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            error = "A tenant key is needed (slack:T…, teams:… or local).";
            return false;
        }

        if (trimmed.Length > MaxLength)
        {
            error = $"A tenant key is at most {MaxLength} characters.";
            return false;
        }

        var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        var scheme = (colon < 0 ? trimmed : trimmed[..colon]).ToLowerInvariant();
        if (!IsValidScheme(scheme))
        {
            error = $"'{trimmed}' is not a tenant key: it starts with a platform name such as slack, teams or local.";
            return false;
        }

        if (colon < 0)
        {
            key = scheme == LocalValue ? Local : new TenantKey(scheme, null);
            error = string.Empty;
            return true;
        }

        var id = trimmed[(colon + 1)..];
        if (id.Length == 0 || id.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            error = $"'{trimmed}' is not a tenant key: after '{scheme}:' comes the workspace or tenant id, without spaces.";
            return false;
        }

        key = new TenantKey(scheme, id);
        error = string.Empty;
        return true;
    }

    /// <summary>The key as stored: <c>scheme:id</c>, or the scheme alone.</summary>
    public override string ToString() => _value ?? LocalValue;

    /// <inheritdoc />
    public bool Equals(TenantKey other) => string.Equals(ToString(), other.ToString(), StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TenantKey other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.GetHashCode(ToString());

    /// <inheritdoc />
    public int CompareTo(TenantKey other) => string.CompareOrdinal(ToString(), other.ToString());

    /// <summary>Equality.</summary>
    public static bool operator ==(TenantKey left, TenantKey right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(TenantKey left, TenantKey right) => !left.Equals(right);

    /// <summary>Ordering (ordinal on the stored form).</summary>
    public static bool operator <(TenantKey left, TenantKey right) => left.CompareTo(right) < 0;

    /// <summary>Ordering (ordinal on the stored form).</summary>
    public static bool operator <=(TenantKey left, TenantKey right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering (ordinal on the stored form).</summary>
    public static bool operator >(TenantKey left, TenantKey right) => left.CompareTo(right) > 0;

    /// <summary>Ordering (ordinal on the stored form).</summary>
    public static bool operator >=(TenantKey left, TenantKey right) => left.CompareTo(right) >= 0;

    private static TenantKey ForPlatform(string scheme, string? id)
    {
        var trimmed = id?.Trim();
        return new TenantKey(scheme, string.IsNullOrEmpty(trimmed) ? UnknownId : trimmed);
    }

    private static bool IsValidScheme(string scheme)
    {
        if (scheme.Length is 0 or > 32 || !char.IsAsciiLetterLower(scheme[0]))
        {
            return false;
        }

        foreach (var c in scheme)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }

        return true;
    }
}

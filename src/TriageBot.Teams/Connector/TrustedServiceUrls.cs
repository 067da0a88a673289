using System.Collections.Concurrent;

namespace TriageBot.Teams.Connector;

/// <summary>
/// The serviceUrls the bot may send its token to: those that arrived in authenticated activities or in stored
/// conversation references (which were themselves saved from authenticated activities).
/// </summary>
public sealed class TrustedServiceUrls
{
    private readonly ConcurrentDictionary<string, byte> _urls = new(StringComparer.Ordinal);

    /// <summary>Normalises a serviceUrl: trailing slashes trimmed, scheme and host lowercased.</summary>
    public static string Normalize(string serviceUrl)
    {
        ArgumentNullException.ThrowIfNull(serviceUrl);
        var trimmed = serviceUrl.TrimEnd('/');
        return Uri.TryCreate(trimmed, UriKind.Absolute, out var uri)
            ? uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant() + uri.AbsolutePath.TrimEnd('/')
            : trimmed;
    }

    /// <summary>Trusts a serviceUrl.</summary>
    public void Add(string serviceUrl) => _urls.TryAdd(Normalize(serviceUrl), 0);

    /// <summary>True when the serviceUrl is trusted.</summary>
    public bool IsTrusted(string serviceUrl) => _urls.ContainsKey(Normalize(serviceUrl));
}

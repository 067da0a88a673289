namespace TriageBot.Teams.Connector;

/// <summary>
/// The serviceUrls the bot may send its token to: those that arrived in authenticated activities or in stored
/// conversation references (which were themselves saved from authenticated activities). Bounded: beyond
/// <see cref="Capacity"/> the least recently used URL is forgotten (real deployments see a handful; without an app id any
/// loopback caller can make up new ones, and every one used to be kept for the life of the process).
/// </summary>
public sealed class TrustedServiceUrls
{
    /// <summary>Default number of URLs remembered.</summary>
    public const int DefaultCapacity = 1000;

    private readonly Dictionary<string, LinkedListNode<string>> _urls = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _recency = new();
    private readonly Lock _gate = new();

    public TrustedServiceUrls()
        : this(DefaultCapacity)
    {
    }

    public TrustedServiceUrls(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>Most URLs remembered at once.</summary>
    public int Capacity { get; }

    /// <summary>URLs remembered now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _urls.Count;
            }
        }
    }

    /// <summary>Normalises a serviceUrl: trailing slashes trimmed, scheme and host lowercased.</summary>
    public static string Normalize(string serviceUrl)
    {
        ArgumentNullException.ThrowIfNull(serviceUrl);
        var trimmed = serviceUrl.TrimEnd('/');
        return Uri.TryCreate(trimmed, UriKind.Absolute, out var uri)
            ? uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant() + uri.AbsolutePath.TrimEnd('/')
            : trimmed;
    }

    /// <summary>Trusts a serviceUrl (and marks it recently used).</summary>
    public void Add(string serviceUrl)
    {
        var key = Normalize(serviceUrl);
        lock (_gate)
        {
            if (_urls.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                return;
            }

            _urls[key] = _recency.AddFirst(key);
            while (_urls.Count > Capacity)
            {
                var oldest = _recency.Last!;
                _recency.RemoveLast();
                _urls.Remove(oldest.Value);
            }
        }
    }

    /// <summary>True when the serviceUrl is trusted (and marks it recently used).</summary>
    public bool IsTrusted(string serviceUrl)
    {
        var key = Normalize(serviceUrl);
        lock (_gate)
        {
            if (!_urls.TryGetValue(key, out var node))
            {
                return false;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return true;
        }
    }
}

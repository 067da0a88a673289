namespace TriageBot.Engine.Analysis;

/// <summary>
/// A trie of stemmed word sequences. Built once; matching walks from a position in the token list and returns the
/// longest phrase found there, so the cost of a lookup depends on the phrase length, never on how many phrases exist.
/// </summary>
/// <typeparam name="T">What a phrase maps to.</typeparam>
internal sealed class PhraseTrie<T>
{
    private readonly Node _root = new();

    public int Count { get; private set; }

    public void Add(IReadOnlyList<string> stems, T value)
    {
        if (stems.Count == 0)
        {
            return;
        }

        var node = _root;
        foreach (var stem in stems)
        {
            node.Children ??= new Dictionary<string, Node>(StringComparer.Ordinal);
            if (!node.Children.TryGetValue(stem, out var next))
            {
                next = new Node();
                node.Children.Add(stem, next);
            }

            node = next;
        }

        node.Values ??= [];
        if (!node.Values.Contains(value))
        {
            node.Values.Add(value);
            Count++;
        }
    }

    /// <summary>The longest phrase starting at <paramref name="start"/>: its length in tokens (0 when none) and its values.</summary>
    public int LongestMatch(List<TextToken> tokens, int start, out List<T>? values)
    {
        values = null;
        var length = 0;
        var node = _root;
        for (var i = start; i < tokens.Count; i++)
        {
            if (node.Children is null || !node.Children.TryGetValue(tokens[i].Stem, out var next))
            {
                break;
            }

            node = next;
            if (node.Values is not null)
            {
                values = node.Values;
                length = i - start + 1;
            }
        }

        return length;
    }

    private sealed class Node
    {
        public Dictionary<string, Node>? Children;
        public List<T>? Values;
    }
}

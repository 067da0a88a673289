namespace TriageBot.Engine.Analysis;

/// <summary>
/// Reads a misspelt word as the org or vocabulary term it is one slip away from ("expermient" → "experiment",
/// "kuberntes" → "kubernetes"). Only words the index has never seen are corrected: every word of the org file, of the
/// built-in vocabulary (descriptions and examples included) and of the common English word list is known and left
/// alone, so ordinary English stays as written ("sprint" is not read as Spring). A correction must be unambiguous (one closest term), keep the first letter, and be one edit away (two for
/// words of ten letters or more); an edit is an insertion, a deletion, a substitution or two swapped neighbours.
/// Built once per org; thread-safe.
/// </summary>
internal sealed class SpellingIndex
{
    /// <summary>Shorter words are left alone: too many real words are one letter from a short term ("spare", "spark").</summary>
    internal const int MinLength = 6;

    /// <summary>From this length two edits are allowed.</summary>
    internal const int TwoEditsFrom = 10;

    /// <summary>Distinct unknown words looked up per request, so a huge paste costs a bounded amount.</summary>
    internal const int MaxLookups = 256;

    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly Dictionary<char, List<string>> _targetsByFirst = [];
    private readonly Dictionary<string, string> _surface = new(StringComparer.Ordinal);

    private readonly IReadOnlySet<string>? _shared;

    /// <param name="targets">Phrases whose words a misspelling may be read as (the org's terms, the linked vocabulary).</param>
    /// <param name="knownTexts">Texts whose words are real and never corrected (the org's texts).</param>
    /// <param name="sharedKnown">Stems known for every org (the vocabulary's words, common English), built once.</param>
    public SpellingIndex(IEnumerable<string> targets, IEnumerable<string> knownTexts, IReadOnlySet<string>? sharedKnown = null)
    {
        _shared = sharedKnown;
        _known.UnionWith(StemsOf(knownTexts));

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var phrase in targets)
        {
            foreach (var t in TextTokenizer.Tokenize(phrase))
            {
                _known.Add(t.Stem);
                if (t.Stem.Length >= MinLength - 1 && IsLetters(t.Stem) && seen.Add(t.Stem))
                {
                    var list = _targetsByFirst.TryGetValue(t.Stem[0], out var l) ? l : _targetsByFirst[t.Stem[0]] = [];
                    list.Add(t.Stem);
                    _surface[t.Stem] = phrase.Substring(t.Start, t.End - t.Start).ToLowerInvariant();
                }
            }
        }
    }

    /// <summary>Every stem of the texts.</summary>
    public static HashSet<string> StemsOf(IEnumerable<string> texts)
    {
        var stems = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            foreach (var t in TextTokenizer.Tokenize(text))
            {
                stems.Add(t.Stem);
            }
        }

        return stems;
    }

    private bool IsKnown(string stem) => _known.Contains(stem) || (_shared?.Contains(stem) ?? false);

    /// <summary>The word a target stem was written as in the org file or vocabulary (for evidence).</summary>
    public string SurfaceOf(string stem) => _surface.GetValueOrDefault(stem, stem);

    /// <summary>The term <paramref name="stem"/> is a misspelling of, or null when it is known, too short or ambiguous.</summary>
    public string? Correct(string stem)
    {
        if (stem.Length < MinLength || IsKnown(stem) || !IsLetters(stem) || !_targetsByFirst.TryGetValue(stem[0], out var targets))
        {
            return null;
        }

        var allowed = stem.Length >= TwoEditsFrom ? 2 : 1;
        string? best = null;
        var bestDistance = int.MaxValue;
        var tie = false;
        foreach (var target in targets)
        {
            if (Math.Abs(target.Length - stem.Length) > allowed)
            {
                continue;
            }

            var d = Distance(stem, target, allowed);
            if (d < bestDistance)
            {
                (best, bestDistance, tie) = (target, d, false);
            }
            else if (d == bestDistance && d <= allowed)
            {
                tie = true;
            }
        }

        return bestDistance <= allowed && !tie ? best : null;
    }

    /// <summary>
    /// The tokens with misspelt words replaced by the terms they were read as, and which positions were corrected
    /// (null when none was: the same list is returned).
    /// </summary>
    public List<TextToken> Correct(List<TextToken> tokens, out Dictionary<int, string>? readAs)
    {
        readAs = null;
        if (_targetsByFirst.Count == 0)
        {
            return tokens;
        }

        var lookups = new Dictionary<string, string?>(StringComparer.Ordinal);
        List<TextToken>? corrected = null;
        for (var i = 0; i < tokens.Count; i++)
        {
            var stem = tokens[i].Stem;
            if (stem.Length < MinLength || IsKnown(stem))
            {
                continue;
            }

            if (!lookups.TryGetValue(stem, out var term))
            {
                if (lookups.Count >= MaxLookups)
                {
                    continue;
                }

                term = Correct(stem);
                lookups[stem] = term;
            }

            if (term is null)
            {
                continue;
            }

            corrected ??= [.. tokens];
            corrected[i] = tokens[i] with { Stem = term };
            (readAs ??= [])[i] = term;
        }

        return corrected ?? tokens;
    }

    /// <summary>Optimal string alignment distance, stopping early once every path exceeds <paramref name="max"/>.</summary>
    internal static int Distance(string a, string b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max)
        {
            return max + 1;
        }

        var rows = new int[3][];
        for (var r = 0; r < 3; r++)
        {
            rows[r] = new int[b.Length + 1];
        }

        for (var j = 0; j <= b.Length; j++)
        {
            rows[0][j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            var (prev2, prev, cur) = (rows[(i + 1) % 3], rows[(i + 2) % 3], rows[i % 3]);
            cur[0] = i;
            var rowMin = cur[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var d = Math.Min(Math.Min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d = Math.Min(d, prev2[j - 2] + 1);
                }

                cur[j] = d;
                rowMin = Math.Min(rowMin, d);
            }

            if (rowMin > max)
            {
                return max + 1;
            }
        }

        return Math.Min(rows[a.Length % 3][b.Length], max + 1);
    }

    private static bool IsLetters(string s)
    {
        foreach (var c in s)
        {
            if (c is < 'a' or > 'z')
            {
                return false;
            }
        }

        return true;
    }
}

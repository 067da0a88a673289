using TriageBot.Engine.Org;

namespace TriageBot.Engine.Analysis;

/// <summary>
/// Understands a request's text against an org directory: the topics it is about (by topic names and keywords,
/// robust to case, punctuation, plurals, inflections, multi-word phrases, emoji and URLs), the kind of ask, its horizon
/// and whether the need recurs. The topic index (a phrase trie over stemmed words) is built once in the constructor,
/// so <see cref="Analyze"/> costs time proportional to the text, not to the number of topics. Thread-safe; never throws
/// on any input string.
/// </summary>
public sealed class RequestAnalyzer
{
    private static readonly IReadOnlyList<string> None = [];

    private readonly PhraseTrie<TopicTerm> _topicTrie = new();
    private readonly Topic[] _topics;

    /// <summary>Builds the topic index for <paramref name="org"/>.</summary>
    /// <param name="org">The org directory whose topics are matched.</param>
    public RequestAnalyzer(OrgDirectory org)
    {
        ArgumentNullException.ThrowIfNull(org);
        _topics = [.. org.Topics];

        // One term per (phrase, topic): a keyword repeating the topic's name keeps the stronger name weight.
        var terms = new Dictionary<(string Phrase, int Topic), (string[] Stems, TopicTerm Term)>();
        for (var i = 0; i < _topics.Length; i++)
        {
            var topic = _topics[i];
            AddTerm(terms, i, topic.Name, isName: true);
            AddTerm(terms, i, topic.Id.Replace('-', ' '), isName: true);
            foreach (var keyword in topic.Keywords)
            {
                AddTerm(terms, i, keyword, isName: false);
            }
        }

        foreach (var (stems, term) in terms.Values)
        {
            _topicTrie.Add(stems, term);
        }
    }

    /// <summary>Number of indexed (stemmed phrase, topic) pairs.</summary>
    internal int IndexedTerms => _topicTrie.Count;

    /// <summary>Analyses a request text. Never throws; empty or unreadable text gives no topics and unknown kind/horizon.</summary>
    /// <param name="text">The request text (any length, any characters).</param>
    public RequestAnalysis Analyze(string text)
    {
        var tokens = TextTokenizer.Tokenize(text);
        var topics = MatchTopics(text ?? string.Empty, tokens);
        var signals = MatchSignals(text ?? string.Empty, tokens);
        return BuildAnalysis(topics, signals);
    }

    private static void AddTerm(Dictionary<(string Phrase, int Topic), (string[] Stems, TopicTerm Term)> terms, int topicIndex, string? phrase, bool isName)
    {
        if (string.IsNullOrWhiteSpace(phrase))
        {
            return;
        }

        var stems = TextTokenizer.StemsOf(phrase);
        if (stems.Length == 0 || (stems.Length == 1 && StopWords.Contains(stems[0])))
        {
            // A one-word term that is a stop word or a single letter would match almost anything.
            return;
        }

        var key = (string.Join(' ', stems), topicIndex);
        if (!terms.TryGetValue(key, out var existing) || (isName && !existing.Term.IsName))
        {
            terms[key] = (stems, new TopicTerm(topicIndex, stems.Length, isName));
        }
    }

    private List<TopicMatch> MatchTopics(string text, List<TextToken> tokens)
    {
        // Few topics match one request, so a small list beats a dictionary here.
        var hits = new List<TopicHit>(4);
        var i = 0;
        while (i < tokens.Count)
        {
            var length = _topicTrie.LongestMatch(tokens, i, out var terms);
            if (length == 0 || terms is null)
            {
                i++;
                continue;
            }

            var evidence = TextTokenizer.Evidence(text, tokens[i], tokens[i + length - 1]);
            foreach (var term in terms)
            {
                var hit = hits.Find(h => h.TopicIndex == term.TopicIndex);
                if (hit is null)
                {
                    hit = new TopicHit(term.TopicIndex);
                    hits.Add(hit);
                }

                hit.Add(evidence, term);
            }

            i += length;
        }

        if (hits.Count == 0)
        {
            return [];
        }

        hits.Sort((a, b) =>
        {
            var byScore = b.Score.CompareTo(a.Score);
            if (byScore != 0)
            {
                return byScore;
            }

            var byCount = b.Matched.Count.CompareTo(a.Matched.Count);
            return byCount != 0 ? byCount : a.TopicIndex.CompareTo(b.TopicIndex);
        });

        var result = new List<TopicMatch>(hits.Count);
        foreach (var hit in hits)
        {
            result.Add(new TopicMatch(_topics[hit.TopicIndex].Id, Math.Round(hit.Score, 2), hit.Matched));
        }

        return result;
    }

    private static SignalTally MatchSignals(string text, List<TextToken> tokens)
    {
        var tally = new SignalTally();
        var trie = Signals.Trie;
        var i = 0;
        while (i < tokens.Count)
        {
            var length = trie.LongestMatch(tokens, i, out var signals);
            if (length == 0 || signals is null)
            {
                i++;
                continue;
            }

            var evidence = TextTokenizer.Evidence(text, tokens[i], tokens[i + length - 1]);
            foreach (var signal in signals)
            {
                tally.Add(signal, evidence);
            }

            i += length;
        }

        return tally;
    }

    private static RequestAnalysis BuildAnalysis(List<TopicMatch> topics, SignalTally s)
    {
        // Kind: the strongest signal wins; ties go to learn, then review, access, task (the reading most useful to the Lead).
        var reviewScore = s.Score(SignalKind.Review) + s.Score(SignalKind.Decide);
        var candidates = new (AskKind Kind, double Score, IReadOnlyList<string> Evidence)[]
        {
            (AskKind.Learn, s.Score(SignalKind.Learn), s.Evidence(SignalKind.Learn)),
            (AskKind.Review, reviewScore, s.Evidence(SignalKind.Review, SignalKind.Decide)),
            (AskKind.Access, s.Score(SignalKind.Access), s.Evidence(SignalKind.Access)),
            (AskKind.Task, s.Score(SignalKind.Task), s.Evidence(SignalKind.Task)),
        };

        var kind = AskKind.Unknown;
        var kindEvidence = None;
        var best = 0.0;
        foreach (var c in candidates)
        {
            if (c.Score > best)
            {
                best = c.Score;
                kind = c.Kind;
                kindEvidence = c.Evidence;
            }
        }

        var recurs = s.Score(SignalKind.Recurs) > 0;
        var longScore = s.Score(SignalKind.Long) + (recurs ? 2 : 0);
        var shortScore = s.Score(SignalKind.Short);
        Horizon horizon;
        IReadOnlyList<string> horizonEvidence;
        if (longScore > shortScore)
        {
            horizon = Horizon.Long;
            horizonEvidence = s.Evidence(SignalKind.Long, SignalKind.Recurs);
        }
        else if (shortScore > longScore)
        {
            horizon = Horizon.Short;
            horizonEvidence = s.Evidence(SignalKind.Short);
        }
        else
        {
            // Equal, non-zero scores are mixed signals: say so rather than guess.
            horizon = Horizon.Unknown;
            horizonEvidence = longScore > 0 ? s.Evidence(SignalKind.Long, SignalKind.Recurs, SignalKind.Short) : None;
        }

        return new RequestAnalysis(topics, kind, kindEvidence, recurs, horizon, horizonEvidence);
    }

    /// <summary>Words too common to identify a topic on their own.</summary>
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "by", "at", "is", "it", "be", "as", "do", "i", "we", "you",
        "my", "our", "me", "us", "this", "that", "can", "how", "what", "why", "help", "need", "please", "hi", "hey", "thank", "thanks",
    };

    private readonly record struct TopicTerm(int TopicIndex, int Words, bool IsName);

    private sealed class TopicHit(int topicIndex)
    {
        public int TopicIndex { get; } = topicIndex;

        public double Score { get; private set; }

        public List<string> Matched { get; } = new(2);

        private const int MaxEvidence = 8;

        public void Add(string evidence, TopicTerm term)
        {
            if (Matched.Contains(evidence))
            {
                // Repeating the same word adds a little, never as much as a new one.
                Score += 0.25;
                return;
            }

            if (Matched.Count < MaxEvidence)
            {
                Matched.Add(evidence);
            }

            // Multi-word phrases are more specific than single words; the topic's own name is a strong signal.
            Score += 1 + (0.75 * (term.Words - 1)) + (term.IsName ? 0.5 : 0);
        }
    }

    private sealed class SignalTally
    {
        private static readonly int KindCount = Enum.GetValues<SignalKind>().Length;

        private readonly double[] _scores = new double[KindCount];
        private readonly List<(SignalKind Kind, string Evidence)> _evidence = [];

        public void Add(Signal signal, string evidence)
        {
            _scores[(int)signal.Kind] += signal.Weight;

            // Evidence is for people to read: a handful is enough and keeps huge inputs cheap.
            if (_evidence.Count < 32 && !_evidence.Contains((signal.Kind, evidence)))
            {
                _evidence.Add((signal.Kind, evidence));
            }
        }

        public double Score(SignalKind kind) => _scores[(int)kind];

        public List<string> Evidence(params SignalKind[] kinds)
        {
            var list = new List<string>();
            foreach (var (kind, evidence) in _evidence)
            {
                if (Array.IndexOf(kinds, kind) >= 0 && !list.Contains(evidence))
                {
                    list.Add(evidence);
                }
            }

            return list;
        }
    }
}

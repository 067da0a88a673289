using TriageBot.Engine.Org;

namespace TriageBot.Engine.Analysis;

/// <summary>
/// Understands a request's text against an org directory: the topics it is about (by topic names and keywords,
/// robust to case, punctuation, plurals, inflections, multi-word phrases, emoji and URLs), the kind of ask, its horizon
/// and whether the need recurs. The topic index (a phrase trie over stemmed words) is built once in the constructor,
/// so <see cref="Analyze(string)"/> costs time proportional to the text, not to the number of topics. Thread-safe; never throws
/// on any input string.
/// </summary>
public sealed class RequestAnalyzer
{
    private static readonly IReadOnlyList<string> None = [];

    private readonly Understanding.TopicMatcher _matcher;
    private readonly Understanding.UnderstandingOptions _options;

    /// <summary>Builds the topic index for <paramref name="org"/> with the built-in vocabulary and no sentence model.</summary>
    /// <param name="org">The org directory whose topics are matched.</param>
    public RequestAnalyzer(OrgDirectory org)
        : this(org, null)
    {
    }

    /// <summary>Builds the topic index for <paramref name="org"/> with the given understanding layers.</summary>
    /// <param name="org">The org directory whose topics are matched.</param>
    /// <param name="setup">Vocabulary, sentence model and weights; the built-in vocabulary only when null.</param>
    public RequestAnalyzer(OrgDirectory org, Understanding.UnderstandingSetup? setup)
    {
        ArgumentNullException.ThrowIfNull(org);
        setup ??= Understanding.UnderstandingSetup.Lexical;
        _options = setup.Options;
        _matcher = new Understanding.TopicMatcher(org, setup.Vocabulary, setup.Embedder, setup.Options);
    }

    /// <summary>Number of indexed (stemmed phrase, topic) pairs from the org file.</summary>
    internal int IndexedTerms => _matcher.OrgTermCount;

    /// <summary>True when a sentence model compares requests with topics by meaning.</summary>
    public bool UsesEmbeddings => _matcher.HasEmbedder;

    /// <summary>The vocabulary families linked to a topic (explicitly in the org file or by its name and keywords).</summary>
    /// <param name="topicId">The topic id.</param>
    public IReadOnlyList<Understanding.VocabularyFamily> VocabularyOf(string topicId) => _matcher.FamiliesOf(topicId);

    /// <summary>Analyses a request text. Never throws; empty or unreadable text gives no topics and unknown kind/horizon.</summary>
    /// <param name="text">The request text (any length, any characters).</param>
    public RequestAnalysis Analyze(string text) => Analyze(text, null);

    /// <summary>Analyses a request text with what the Leads of its tenant taught. Never throws for any input string.</summary>
    /// <param name="text">The request text (any length, any characters).</param>
    /// <param name="learned">The tenant's learned examples, or null.</param>
    /// <param name="ct">Cancellation (the sentence model may take a few milliseconds).</param>
    public RequestAnalysis Analyze(string text, Understanding.LearnedSet? learned, CancellationToken ct = default)
    {
        text ??= string.Empty;
        var tokens = TextTokenizer.Tokenize(text);
        var reading = _matcher.Read(text, tokens, learned, ct);
        var signals = MatchSignals(text, tokens);
        var analysis = BuildAnalysis(reading, signals);
        return analysis.Topics.Count > 0 ? analysis : analysis with { ClarifyReason = WhyNoTopic(text, tokens, analysis) };
    }

    /// <summary>
    /// Combines a validated LLM reading with the analysis: the model's main topic becomes the main topic (with its quotes
    /// as evidence) unless the Leads' own examples point elsewhere with more confidence; its kind and horizon fill in
    /// what the words left unknown. Returns the analysis unchanged when the reading says nothing usable.
    /// </summary>
    /// <param name="analysis">The lexical and embedding reading.</param>
    /// <param name="reading">The validated LLM reading.</param>
    /// <param name="topicName">The display name of a topic id.</param>
    public static RequestAnalysis WithLlmReading(RequestAnalysis analysis, Understanding.LlmReading? reading, Func<string, string> topicName)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(topicName);
        if (reading is null)
        {
            return analysis;
        }

        var result = analysis;
        if (reading.TopicId is { } topicId)
        {
            var top = analysis.TopTopic;
            var learnedDisagrees = top is not null && top.TopicId != topicId && top.Confidence >= 0.9
                && top.Evidence.Any(e => e.Source == Understanding.EvidenceSource.Learned);
            if (!learnedDisagrees)
            {
                var existing = analysis.Topics.Concat(analysis.Guesses).FirstOrDefault(t => t.TopicId == topicId);
                var quotes = reading.Quotes.Count > 0 ? string.Join("\", \"", reading.Quotes.Take(3)) : topicName(topicId);
                var evidence = new Understanding.TopicEvidence(Understanding.EvidenceSource.Llm, quotes, $"the language model read it as {topicName(topicId)}");
                var main = existing is null
                    ? new TopicMatch(topicId, 0, []) { Confidence = 0.9, Evidence = [evidence] }
                    : existing with { Confidence = Math.Max(existing.Confidence, 0.9), Evidence = [evidence, .. existing.Evidence] };
                result = result with
                {
                    Topics = [main, .. analysis.Topics.Where(t => t.TopicId != topicId)],
                    Guesses = [],
                };
            }
        }

        if (result.Kind == AskKind.Unknown && reading.Kind is { } kind and not AskKind.Unknown)
        {
            result = result with { Kind = kind, KindEvidence = ["the language model's reading"] };
        }

        if (result.Horizon == Horizon.Unknown && reading.Horizon is { } horizon and not Horizon.Unknown)
        {
            result = result with { Horizon = horizon, HorizonEvidence = ["the language model's reading"] };
        }

        return result;
    }

    /// <summary>The vector stored with a learned example (null without a sentence model).</summary>
    /// <param name="text">The request text.</param>
    public float[]? EmbedForExample(string text) => _matcher.EmbedForExample(text ?? string.Empty);

    /// <summary>The sentence model's id, or null without one.</summary>
    public string? EmbedderModel => _matcher.Embedder?.ModelId;

    private (List<TopicMatch> Topics, List<TopicMatch> Guesses) SelectTopics(Understanding.TopicReading reading)
    {
        var topics = new List<TopicMatch>();
        var guesses = new List<TopicMatch>();
        var candidates = reading.Candidates;
        if (candidates.Count == 0)
        {
            return (topics, guesses);
        }

        if (candidates[0].Confidence < _options.ClarifyBelow)
        {
            foreach (var c in candidates.Take(2))
            {
                guesses.Add(ToMatch(c));
            }

            return (topics, guesses);
        }

        // The main topic first; then the topics mentioned along the way: confident ones, or ones the org file's own words
        // name (a dashboard mentioned inside a causal question), at most three.
        topics.Add(ToMatch(candidates[0]));
        foreach (var c in candidates.Skip(1))
        {
            if (topics.Count > 3)
            {
                break;
            }

            if (c.Confidence >= _options.MentionAtLeast || c.Matched.Count > 0)
            {
                topics.Add(ToMatch(c));
            }
        }

        return (topics, guesses);
    }

    private static ClarifyReason WhyNoTopic(string text, List<TextToken> tokens, RequestAnalysis analysis)
    {
        if (tokens.Count == 0)
        {
            // Letters that are not words (a bare link, a hash) are not "only emoji".
            foreach (var c in text.AsSpan(0, Math.Min(text.Length, 4_000)))
            {
                if (char.IsLetterOrDigit(c))
                {
                    return ClarifyReason.NoSentence;
                }
            }

            return ClarifyReason.NoWords;
        }

        if (analysis.Guesses.Count > 0)
        {
            return ClarifyReason.Unsure;
        }

        // A paste: long, or dense with symbols (code, logs, JSON), in a sample of the text so huge inputs stay cheap.
        var sample = text.AsSpan(0, Math.Min(text.Length, 4_000));
        var symbols = 0;
        foreach (var c in sample)
        {
            if (!char.IsLetter(c) && !char.IsWhiteSpace(c))
            {
                symbols++;
            }
        }

        return text.Length > 4_000 || (sample.Length >= 200 && symbols > sample.Length / 4) || analysis.LooksLikeError
            ? ClarifyReason.Paste
            : ClarifyReason.Unknown;
    }

    /// <summary>How evidence read by meaning starts: the words are a built-in example's, not the requester's.</summary>
    internal const string MeaningCue = "close in meaning to the example ";

    // "close in meaning to the example 'can you restart the nightly job'": clipped at a word, never mid-word.
    private static string MeaningEvidence(string example)
    {
        const int Max = 48;
        var shown = example.Trim();
        if (shown.Length > Max)
        {
            var cut = shown.LastIndexOf(' ', Max);
            shown = shown[..(cut > 20 ? cut : Max)].TrimEnd(',', '.', ';', ':') + "…";
        }

        return MeaningCue + "'" + shown + "'";
    }

    private const double AskFloor = 0.30;
    private const double AskMargin = 0.03;

    private static (string Key, string Example)? Closest(Dictionary<string, (double Score, string Example)> asks, string[] keys)
    {
        (string Key, double Score, string Example)? best = null;
        var second = double.NegativeInfinity;
        foreach (var key in keys)
        {
            if (!asks.TryGetValue(key, out var a))
            {
                continue;
            }

            if (best is null || a.Score > best.Value.Score)
            {
                second = best?.Score ?? double.NegativeInfinity;
                best = (key, a.Score, a.Example);
            }
            else if (a.Score > second)
            {
                second = a.Score;
            }
        }

        return best is { } b && b.Score >= AskFloor && b.Score - second >= AskMargin ? (b.Key, b.Example) : null;
    }

    private static TopicMatch ToMatch(Understanding.TopicCandidate c) =>
        new(c.TopicId, c.LexicalScore, c.Matched) { Confidence = Math.Round(c.Confidence, 3), Evidence = c.Evidence };

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

    private RequestAnalysis BuildAnalysis(Understanding.TopicReading reading, SignalTally s)
    {
        var (topics, guesses) = SelectTopics(reading);
        // Kind: the strongest signal wins; ties go to learn, then review, access, task (the reading most useful to the Lead).
        var reviewScore = s.Score(SignalKind.Review) + s.Score(SignalKind.Decide);
        var candidates = new (AskKind Kind, double Score, IReadOnlyList<string> Evidence)[]
        {
            (AskKind.Learn, s.Score(SignalKind.Learn) - s.Score(SignalKind.NoLearn), s.Evidence(SignalKind.Learn)),
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

        // By meaning, when the words gave no cue: the closest prototype request, if it stands out.
        if (reading.Asks is { } asks)
        {
            if (kind == AskKind.Unknown && Closest(asks, ["learn", "review", "task", "access"]) is { } k)
            {
                kind = k.Key switch { "learn" => AskKind.Learn, "review" => AskKind.Review, "access" => AskKind.Access, _ => AskKind.Task };
                kindEvidence = [MeaningEvidence(k.Example)];
            }

            if (horizon == Horizon.Unknown && longScore == 0 && shortScore == 0 && Closest(asks, ["long", "short"]) is { } h)
            {
                horizon = h.Key == "long" ? Horizon.Long : Horizon.Short;
                horizonEvidence = [MeaningEvidence(h.Example)];
            }
        }

        // The understanding, not only cue words: a pasted error or alert asks for something to be fixed now.
        if (reading.ErrorShapes)
        {
            if (kind == AskKind.Unknown)
            {
                kind = AskKind.Task;
                kindEvidence = ["an error or alert pasted in the request"];
            }

            if (horizon == Horizon.Unknown)
            {
                horizon = Horizon.Short;
                horizonEvidence = ["an error or alert pasted in the request"];
            }
        }

        return new RequestAnalysis(topics, kind, kindEvidence, recurs, horizon, horizonEvidence)
        {
            Guesses = guesses,
            LooksLikeError = reading.ErrorShapes,
        };
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

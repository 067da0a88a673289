using TriageBot.Engine.Analysis;
using TriageBot.Engine.Org;

namespace TriageBot.Engine.Understanding;

/// <summary>
/// Finds the topics of a request from four layers of evidence and combines them into one confidence per topic:
/// the org file's names, aliases and keywords; the built-in vocabulary linked to each topic; closeness in meaning to
/// the topic's description and examples (when a sentence model is wired); and the examples the Leads taught.
/// Scores are combined as a softmax over topics plus a "none of them" score, so a weak reading becomes clarify.
/// Built once per org; thread-safe.
/// </summary>
internal sealed partial class TopicMatcher
{
    private readonly Topic[] _topics;
    private readonly Dictionary<string, int> _topicIndex;
    private readonly PhraseTrie<OrgTerm> _orgTrie = new();
    private readonly PhraseTrie<VocabTerm> _vocabTrie = new();
    private readonly List<Prototype> _prototypes = [];
    private readonly List<(string Key, string Text, float[] Vector)> _askPrototypes = [];
    private readonly List<(string Text, float[]? Vector)> _noTopic = [];
    private readonly ITextEmbedder? _embedder;
    private readonly UnderstandingOptions _options;
    private readonly HashSet<string> _peopleWords = new(StringComparer.Ordinal);
    private readonly SpellingIndex? _spelling;
    private readonly LearnedClassifier? _baseClassifier;

    public TopicMatcher(OrgDirectory org, BuiltInVocabulary? vocabulary, ITextEmbedder? embedder, UnderstandingOptions options)
    {
        _topics = [.. org.Topics];
        foreach (var person in org.People)
        {
            // "hi omar, any update?": a person's id or name says who is asked, not what it is about.
            foreach (var t in TextTokenizer.Tokenize($"{person.Id} {person.Name}"))
            {
                _peopleWords.Add(t.Stem);
            }
        }

        _topicIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _topics.Length; i++)
        {
            _topicIndex[_topics[i].Id] = i;
        }

        _options = options;
        _embedder = options.Embeddings ? embedder : null;
        LinkedFamilies = new VocabularyFamily[_topics.Length][];
        BuildOrgIndex();
        BuildVocabularyIndex(options.Vocabulary ? vocabulary : null);
        _spelling = options.SpellingWeight > 0 ? BuildSpelling(org, options.Vocabulary ? vocabulary : null, vocabulary ?? BuiltInVocabulary.Instance) : null;
        BuildPrototypes();
        BuildAskPrototypes(vocabulary ?? BuiltInVocabulary.Instance);
        BuildNoTopic(vocabulary ?? BuiltInVocabulary.Instance);
        // Trained here, with the topic vectors, so that every request of an untaught tenant is read alike. Only with the
        // sentence model: on words alone it knows no more than the org file's words, which the lexical layer reads.
        _baseClassifier = _embedder is not null && options.ClassifierWeight > 0 && options.ClassifierBaseWeight > 0 ? TrainClassifier(LearnedSet.Empty) : null;
    }

    /// <summary>The vocabulary families linked to each topic (explicitly or by name), by topic index.</summary>
    public VocabularyFamily[][] LinkedFamilies { get; }

    public bool HasEmbedder => _embedder is not null;

    public int OrgTermCount => _orgTrie.Count;

    public ITextEmbedder? Embedder => _embedder;

    public IReadOnlyList<Topic> Topics => _topics;

    /// <summary>The families linked to a topic id (empty for an unknown id).</summary>
    public IReadOnlyList<VocabularyFamily> FamiliesOf(string topicId) =>
        _topicIndex.TryGetValue(topicId, out var i) ? LinkedFamilies[i] : [];

    /// <summary>Reads a request: every topic with evidence, best first, with its confidence.</summary>
    public TopicReading Read(string text, List<TextToken> tokens, LearnedSet? learned, CancellationToken ct = default)
    {
        var n = _topics.Length;
        var org = new double[n];
        var vocab = new double[n];
        var evidence = new List<TopicEvidence>?[n];
        var matched = new List<string>?[n];
        var errorShapes = false;

        // Misspelt terms are read as the term ("expermient" → "experiment") for the word layers, at a discount.
        Dictionary<int, string>? readAs = null;
        var scan = _spelling is null ? tokens : _spelling.Correct(tokens, out readAs);
        ScanOrg(text, scan, readAs, org, evidence, matched);
        errorShapes = ScanVocabulary(text, scan, readAs, vocab, evidence);

        float[]? vector = null;
        if (_embedder is not null && tokens.Count > 0)
        {
            var modelText = ModelText.Prepare(text, _options.ModelInputChars);
            if (modelText.Length > 0)
            {
                vector = _embedder.Embed([modelText], ct)[0];
            }
        }

        var (meaning, meaningWhy) = Meaning(vector);

        var (learnedScore, learnedCount) = ScoreLearned(learned, text, vector);
        var (classified, classifiedNone, classifiedWeight, taughtCount) = Classify(learned, text, vector);
        var taught = taughtCount > 0;
        // The more the tenant has taught, the more its own classifier is trusted over the generic layers: the org file's
        // and the vocabulary's words weigh less and "none of the topics" more (UnderstandingOptions.ForTaught).
        var settings = _options.ForTaught(taughtCount);
        // The classifier votes for "none of the topics" when it finds that likelier than any topic (a follow-up or a
        // greeting after teaching): what it learned about a topic does not leak onto a message that names none.
        var noneScore = settings.NoneScore
            + (classifiedWeight * Math.Max(0, classifiedNone - (classified.Length == 0 ? 0 : classified.Max())))
            + VagueBonus(scan, org, vocab);

        var logits = new double[n];
        var any = new bool[n];
        for (var t = 0; t < n; t++)
        {
            var m = Math.Max(0, meaning[t] - _options.MeaningFloor);
            logits[t] = BaseLogit(settings, org[t], vocab[t], meaning[t])
                + (_options.LearnedWeight * learnedScore[t])
                + (classifiedWeight * classified[t]);
            // Only what the Leads taught makes a topic a candidate on the classifier's word alone (and is shown as
            // evidence); with nothing taught, the classifier of the topics' own texts only re-weighs the candidates.
            any[t] = org[t] > 0 || vocab[t] > 0 || m > 0 || learnedScore[t] > 0 || (taught && classifiedWeight * classified[t] >= ClassifierEvidenceAt);
        }

        // Softmax over the topics with evidence plus "none of them".
        var max = noneScore;
        for (var t = 0; t < n; t++)
        {
            if (any[t])
            {
                max = Math.Max(max, logits[t]);
            }
        }

        var sum = Math.Exp(noneScore - max);
        for (var t = 0; t < n; t++)
        {
            if (any[t])
            {
                sum += Math.Exp(logits[t] - max);
            }
        }

        var candidates = new List<TopicCandidate>();
        for (var t = 0; t < n; t++)
        {
            if (!any[t])
            {
                continue;
            }

            var confidence = Math.Exp(logits[t] - max) / sum;
            var ev = evidence[t] ?? [];
            if (meaningWhy[t] is { } proto && meaning[t] > _options.MeaningFloor)
            {
                ev.Add(new TopicEvidence(EvidenceSource.Meaning, proto.Text, proto.Describe(_topics[t])));
            }

            if (learnedCount[t] > 0)
            {
                var count = learnedCount[t];
                ev.Add(new TopicEvidence(EvidenceSource.Learned, "", count == 1 ? "a request triaged before" : $"{count} requests triaged before"));
            }
            else if (taught && classifiedWeight * classified[t] >= ClassifierEvidenceAt && learned is not null)
            {
                // The classifier generalises from every example of the topic; the card names how many and the closest.
                var (count, nearest) = NearestLearned(learned, _topics[t].Id, text, vector);
                if (count > 0)
                {
                    ev.Add(new TopicEvidence(EvidenceSource.Learned, nearest, count == 1 ? "a request triaged before" : $"{count} requests triaged before"));
                }
            }

            candidates.Add(new TopicCandidate(_topics[t].Id, confidence, Math.Round(org[t] + vocab[t], 2), matched[t] ?? [], ev, learnedCount[t]));
        }

        candidates.Sort((a, b) =>
        {
            var c = b.Confidence.CompareTo(a.Confidence);
            return c != 0 ? c : string.CompareOrdinal(a.TopicId, b.TopicId);
        });

        Dictionary<string, (double Score, string Example)>? asks = null;
        if (vector is not null && _askPrototypes.Count > 0)
        {
            asks = new Dictionary<string, (double, string)>(StringComparer.Ordinal);
            foreach (var (key, example, v) in _askPrototypes)
            {
                var sim = Dot(vector, v);
                if (!asks.TryGetValue(key, out var best) || sim > best.Score)
                {
                    asks[key] = (sim, example);
                }
            }
        }

        return new TopicReading(candidates, errorShapes, vector) { Asks = asks };
    }

    private static readonly HashSet<string> Greetings = new(["hi", "hey", "hello", "thank", "thanks", "thx", "morning", "sorry"], StringComparer.Ordinal);

    // A short request that names nothing the org file or the vocabulary knows ("it's broken again", "any update on my
    // earlier msg?") is most likely a follow-up to something said elsewhere: "none of the topics" gains per content
    // word under four (names and greetings aside), so closeness in meaning alone does not pin it on a topic.
    private double VagueBonus(List<TextToken> tokens, double[] org, double[] vocab)
    {
        const int Enough = 4;
        if (_options.VagueNone <= 0 || org.Any(v => v > 0) || vocab.Any(v => v > 0))
        {
            return 0;
        }

        // The tokens Read already has; counting stops at four distinct content words, so a long text costs no more.
        var content = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tokens)
        {
            if (ContentStems.IsContent(t.Stem) && !_peopleWords.Contains(t.Stem) && !Greetings.Contains(t.Stem) && content.Add(t.Stem)
                && content.Count >= Enough)
            {
                return 0;
            }
        }

        return _options.VagueNone * (Enough - content.Count);
    }

    private (double[] Meaning, Prototype?[] Why) Meaning(float[]? vector)
    {
        var meaning = new double[_topics.Length];
        var why = new Prototype?[_topics.Length];
        if (vector is not null)
        {
            foreach (var p in _prototypes)
            {
                var sim = Dot(vector, p.Vector!);
                if (sim > meaning[p.Topic])
                {
                    meaning[p.Topic] = sim;
                    why[p.Topic] = p;
                }
            }
        }

        return (meaning, why);
    }

    /// <summary>A topic's logit from the org file, the vocabulary and closeness in meaning (what the Leads taught aside).</summary>
    private double BaseLogit(TaughtSettings settings, double org, double vocab, double meaning) =>
        (settings.OrgWeight * Math.Log(1 + org))
        + (settings.VocabularyWeight * Math.Log(1 + vocab))
        + (_options.MeaningWeight * Math.Max(0, meaning - _options.MeaningFloor));

    /// <summary>Embeds a text for storing with a learned example (null without an embedder).</summary>
    public float[]? EmbedForExample(string text) =>
        _embedder is null ? null : _embedder.Embed([ModelText.Prepare(text, _options.ModelInputChars)])[0];

    private void ScanOrg(string text, List<TextToken> tokens, Dictionary<int, string>? readAs, double[] score, List<TopicEvidence>?[] evidence, List<string>?[] matched)
    {
        var i = 0;
        while (i < tokens.Count)
        {
            var length = _orgTrie.LongestMatch(tokens, i, out var terms);
            if (length == 0 || terms is null)
            {
                i++;
                continue;
            }

            var words = TextTokenizer.Evidence(text, tokens[i], tokens[i + length - 1]);
            var (factor, readNote) = Spelled(readAs, i, length);
            foreach (var term in terms)
            {
                var list = matched[term.Topic] ??= new List<string>(2);
                if (list.Contains(words))
                {
                    // Repeating the same word adds a little, never as much as a new one.
                    score[term.Topic] += 0.25;
                    continue;
                }

                if (list.Count < 8)
                {
                    list.Add(words);
                    (evidence[term.Topic] ??= []).Add(new TopicEvidence(
                        term.IsName ? EvidenceSource.OrgName : EvidenceSource.OrgKeyword,
                        words,
                        (term.IsName ? "the topic's name in the org file" : "a keyword in the org file") + readNote));
                }

                // Multi-word phrases are more specific than single words; the topic's own name is a strong signal.
                score[term.Topic] += factor * (1 + (0.75 * (term.Words - 1)) + (term.IsName ? 0.5 : 0));
            }

            i += length;
        }
    }

    private bool ScanVocabulary(string text, List<TextToken> tokens, Dictionary<int, string>? readAs, double[] score, List<TopicEvidence>?[] evidence)
    {
        var errorShapes = false;
        var i = 0;
        var seen = new HashSet<(int, string)>();
        while (i < tokens.Count)
        {
            var length = _vocabTrie.LongestMatch(tokens, i, out var terms);
            if (length == 0 || terms is null)
            {
                i++;
                continue;
            }

            var words = TextTokenizer.Evidence(text, tokens[i], tokens[i + length - 1]);
            var (factor, readNote) = Spelled(readAs, i, length);
            foreach (var term in terms)
            {
                errorShapes |= term.IsError;
                if (!seen.Add((term.Topic, words)))
                {
                    score[term.Topic] += 0.1;
                    continue;
                }

                score[term.Topic] += factor * term.Weight;
                var list = evidence[term.Topic] ??= [];
                if (list.Count < 12)
                {
                    list.Add(new TopicEvidence(EvidenceSource.Vocabulary, words, $"built-in {term.Family} vocabulary{readNote}"));
                }
            }

            i += length;
        }

        return errorShapes;
    }

    /// <summary>The weight of a match over tokens [start, start + length), and the note its evidence carries when a word was misspelt.</summary>
    private (double Factor, string Note) Spelled(Dictionary<int, string>? readAs, int start, int length)
    {
        if (readAs is null || _spelling is null)
        {
            return (1, "");
        }

        List<string>? read = null;
        for (var k = start; k < start + length; k++)
        {
            if (readAs.TryGetValue(k, out var stem))
            {
                (read ??= []).Add(_spelling.SurfaceOf(stem));
            }
        }

        return read is null ? (1, "") : (_options.SpellingWeight, $" (read as {string.Join(", ", read.Select(r => $"'{r}'"))})");
    }

    internal static double Dot(float[] a, float[] b)
    {
        var length = Math.Min(a.Length, b.Length);
        var sum = 0.0;
        var i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated && length >= System.Numerics.Vector<float>.Count)
        {
            var acc = System.Numerics.Vector<float>.Zero;
            var width = System.Numerics.Vector<float>.Count;
            for (; i <= length - width; i += width)
            {
                acc += new System.Numerics.Vector<float>(a, i) * new System.Numerics.Vector<float>(b, i);
            }

            sum = System.Numerics.Vector.Sum(acc);
        }

        for (; i < length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>Words too common to identify a topic on their own.</summary>
    internal static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "by", "at", "is", "it", "be", "as", "do", "i", "we", "you",
        "my", "our", "me", "us", "this", "that", "can", "how", "what", "why", "help", "need", "please", "hi", "hey", "thank", "thanks",
    };

    private readonly record struct OrgTerm(int Topic, int Words, bool IsName);

    private readonly record struct VocabTerm(int Topic, double Weight, string Family, bool IsError);

    private enum PrototypeKind
    {
        Description,
        OrgExample,
        FamilyDescription,
        FamilyExample,
    }

    private sealed class Prototype(int topic, string text, PrototypeKind kind)
    {
        public int Topic { get; } = topic;

        public string Text { get; } = text;

        public PrototypeKind Kind { get; } = kind;

        public float[]? Vector { get; set; }

        public string Describe(Topic topic) => Kind switch
        {
            PrototypeKind.Description => $"the description of {topic.Name}",
            PrototypeKind.OrgExample => $"the org example \"{Shorten(Text)}\"",
            PrototypeKind.FamilyDescription => $"the built-in description of {topic.Name}",
            _ => $"the built-in example \"{Shorten(Text)}\"",
        };

        private static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "…";
    }
}

/// <summary>One topic's reading: its confidence and the evidence behind it.</summary>
internal sealed record TopicCandidate(string TopicId, double Confidence, double LexicalScore, List<string> Matched, List<TopicEvidence> Evidence, int LearnedNeighbours);

/// <summary>All topics with evidence, best first.</summary>
internal sealed record TopicReading(List<TopicCandidate> Candidates, bool ErrorShapes, float[]? Vector)
{
    /// <summary>Closeness in meaning to each kind of ask and horizon (learn, review, task, access, long, short), when a model is wired.</summary>
    public Dictionary<string, (double Score, string Example)>? Asks { get; init; }
}

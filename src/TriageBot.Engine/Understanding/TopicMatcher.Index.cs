using TriageBot.Engine.Analysis;
using TriageBot.Engine.Org;

namespace TriageBot.Engine.Understanding;

// Building the indexes once per org: the org file's terms, the linked vocabulary, the texts compared by meaning.
internal sealed partial class TopicMatcher
{
    private void BuildOrgIndex()
    {
        var terms = new Dictionary<(string Phrase, int Topic), (string[] Stems, OrgTerm Term)>();
        for (var i = 0; i < _topics.Length; i++)
        {
            var topic = _topics[i];
            AddOrgTerm(terms, i, topic.Name, isName: true);
            AddOrgTerm(terms, i, topic.Id.Replace('-', ' '), isName: true);
            foreach (var alias in topic.Aliases)
            {
                // Another name, but often a broader word ("reporting", "platform"): weighed like a keyword.
                AddOrgTerm(terms, i, alias, isName: false);
            }

            foreach (var keyword in topic.Keywords)
            {
                AddOrgTerm(terms, i, keyword, isName: false);
            }
        }

        foreach (var (stems, term) in terms.Values)
        {
            _orgTrie.Add(stems, term);
        }
    }

    private static void AddOrgTerm(Dictionary<(string Phrase, int Topic), (string[] Stems, OrgTerm Term)> terms, int topic, string? phrase, bool isName)
    {
        if (string.IsNullOrWhiteSpace(phrase))
        {
            return;
        }

        var stems = TextTokenizer.StemsOf(phrase);
        if (stems.Length == 0 || (stems.Length == 1 && (StopWords.Contains(stems[0]) || stems[0].Length < 2)))
        {
            // A one-word term that is a stop word or a single letter would match almost anything.
            return;
        }

        var key = (string.Join(' ', stems), topic);
        if (!terms.TryGetValue(key, out var existing) || (isName && !existing.Term.IsName))
        {
            terms[key] = (stems, new OrgTerm(topic, stems.Length, isName));
        }
    }

    private void BuildVocabularyIndex(BuiltInVocabulary? vocabulary)
    {
        for (var i = 0; i < _topics.Length; i++)
        {
            LinkedFamilies[i] = vocabulary is null ? [] : Link(_topics[i], vocabulary);
        }

        if (vocabulary is null)
        {
            return;
        }

        // Phrases the org file already gives a topic are not counted twice for it.
        var orgPhrases = new HashSet<(string, int)>();
        for (var i = 0; i < _topics.Length; i++)
        {
            foreach (var k in _topics[i].Keywords.Concat(_topics[i].Aliases).Append(_topics[i].Name))
            {
                orgPhrases.Add((string.Join(' ', TextTokenizer.StemsOf(k)), i));
            }
        }

        // A phrase linked to several topics is weaker evidence for each.
        var entries = new Dictionary<string, List<(int Topic, double Weight, string Family, bool IsError, string[] Stems)>>(StringComparer.Ordinal);
        for (var i = 0; i < _topics.Length; i++)
        {
            foreach (var family in LinkedFamilies[i])
            {
                Add(family.Names, 1.5, false);
                Add(family.Terms, 1.0, false);
                Add(family.Tools, 1.6, false);
                Add(family.Errors, 1.0, true);

                void Add(IReadOnlyList<string> phrases, double weight, bool isError)
                {
                    foreach (var phrase in phrases)
                    {
                        var stems = TextTokenizer.StemsOf(phrase);
                        if (stems.Length == 0 || (stems.Length == 1 && (StopWords.Contains(stems[0]) || stems[0].Length < 2)))
                        {
                            continue;
                        }

                        var key = string.Join(' ', stems);
                        if (orgPhrases.Contains((key, i)) || (stems.Length == 1 && GenericWords.Contains(stems[0])))
                        {
                            continue;
                        }

                        var list = entries.TryGetValue(key, out var l) ? l : entries[key] = [];
                        if (!list.Exists(e => e.Topic == i))
                        {
                            list.Add((i, weight * (1 + (0.5 * (stems.Length - 1))), family.Name, isError, stems));
                        }
                    }
                }
            }
        }

        foreach (var list in entries.Values)
        {
            foreach (var e in list)
            {
                _vocabTrie.Add(e.Stems, new VocabTerm(e.Topic, e.Weight / list.Count, e.Family, e.IsError));
            }
        }
    }

    /// <summary>
    /// The families of a topic: those named in its <c>vocabulary</c> list, else those whose names match the topic's
    /// name, id or aliases, or that share at least two of its keywords.
    /// </summary>
    internal static VocabularyFamily[] Link(Topic topic, BuiltInVocabulary vocabulary)
    {
        if (topic.Vocabulary.Count > 0)
        {
            return [.. topic.Vocabulary.Select(vocabulary.Find).OfType<VocabularyFamily>()];
        }

        var topicNames = new List<HashSet<string>> { NameStems(topic.Name), NameStems(topic.Id.Replace('-', ' ')) };
        topicNames.AddRange(topic.Aliases.Select(NameStems));
        var keywordPhrases = topic.Keywords.Select(k => string.Join(' ', TextTokenizer.StemsOf(k))).ToHashSet(StringComparer.Ordinal);

        // By name: a family name equal to the topic's name (or an alias), or contained in it and covering more than half
        // of it ("Data quality checks" ⊇ "data quality"). Never the other way round: "Testing" is not "split testing".
        var byName = new List<VocabularyFamily>();
        var byKeywords = new List<(VocabularyFamily Family, int Shared)>();
        foreach (var family in vocabulary.Families)
        {
            var familyNames = family.Names.Append(family.Name).Append(family.Id.Replace('-', ' ')).Select(NameStems).ToList();
            if (topicNames.Exists(t => t.Count > 0 && familyNames.Exists(f => f.Count > 0 && (f.SetEquals(t) || (f.IsSubsetOf(t) && f.Count * 2 > t.Count)))))
            {
                byName.Add(family);
                continue;
            }

            var shared = 0;
            foreach (var phrase in family.Names.Concat(family.Terms).Concat(family.Tools))
            {
                if (keywordPhrases.Contains(string.Join(' ', TextTokenizer.StemsOf(phrase))))
                {
                    shared++;
                }
            }

            if (shared > 0)
            {
                byKeywords.Add((family, shared));
            }
        }

        // By keywords: the family sharing the most of the topic's keywords, when that is a real share of them; a topic
        // already linked by name takes another family only when most of its keywords belong to it.
        var linked = new List<VocabularyFamily>(byName);
        var needed = byName.Count == 0 ? Math.Max(2, (int)Math.Ceiling(keywordPhrases.Count * 0.25)) : Math.Max(3, (int)Math.Ceiling(keywordPhrases.Count * 0.5));
        if (byKeywords.Count > 0)
        {
            var best = byKeywords.Max(k => k.Shared);
            if (best >= needed)
            {
                linked.AddRange(byKeywords.Where(k => k.Shared == best).Select(k => k.Family));
            }
        }

        return [.. linked];
    }

    /// <summary>
    /// What misspelt words may be read as: the org's terms and the linked vocabulary's. Every word the org file and the
    /// whole vocabulary use, and every common English word, is known and never corrected.
    /// </summary>
    private SpellingIndex BuildSpelling(OrgDirectory org, BuiltInVocabulary? linked, BuiltInVocabulary all)
    {
        var targets = new List<string>();
        var known = new List<string>();
        for (var i = 0; i < _topics.Length; i++)
        {
            var t = _topics[i];
            targets.Add(t.Name);
            targets.AddRange(t.Aliases);
            targets.AddRange(t.Keywords);
            known.AddRange(t.Examples);
            if (t.Description is { } d)
            {
                known.Add(d);
            }

            if (linked is not null)
            {
                foreach (var family in LinkedFamilies[i])
                {
                    targets.AddRange(family.Phrases);
                }
            }
        }

        known.AddRange(org.People.Select(p => $"{p.Id} {p.Name}"));
        return new SpellingIndex(targets, known, all.KnownStems);
    }

    private void BuildPrototypes()
    {
        for (var i = 0; i < _topics.Length; i++)
        {
            var t = _topics[i];
            _prototypes.Add(new Prototype(i, $"{t.Name}: {string.Join(", ", t.Keywords.Take(12))}", PrototypeKind.Description));
            if (t.Description is { Length: > 0 } d)
            {
                _prototypes.Add(new Prototype(i, $"{t.Name}: {d}", PrototypeKind.Description));
            }
            foreach (var example in t.Examples)
            {
                _prototypes.Add(new Prototype(i, example, PrototypeKind.OrgExample));
            }

            foreach (var family in LinkedFamilies[i])
            {
                if (family.Description is { Length: > 0 } fd)
                {
                    _prototypes.Add(new Prototype(i, $"{family.Name}: {fd}", PrototypeKind.FamilyDescription));
                }

                foreach (var example in family.Examples)
                {
                    _prototypes.Add(new Prototype(i, example, PrototypeKind.FamilyExample));
                }
            }
        }

        // Without a model the texts still teach the learned classifier its words.
        if (_embedder is null)
        {
            return;
        }

        const int Batch = 32;
        for (var start = 0; start < _prototypes.Count; start += Batch)
        {
            var slice = _prototypes.Skip(start).Take(Batch).ToList();
            var vectors = _embedder.Embed([.. slice.Select(p => ModelText.Prepare(p.Text, _options.ModelInputChars))]);
            for (var j = 0; j < slice.Count; j++)
            {
                slice[j].Vector = vectors[j];
            }
        }

    }

    /// <summary>
    /// Words that appear in requests about almost anything: as a single-word vocabulary term they are noise (an org
    /// file may still list them as keywords on purpose). Stemmed as the tokenizer stems them.
    /// </summary>
    private static readonly HashSet<string> GenericWords = new(
        new[]
        {
            "model", "models", "data", "test", "tests", "build", "release", "pipeline", "table", "tables", "query", "service", "services",
            "api", "app", "user", "users", "error", "errors", "job", "jobs", "run", "report", "metric", "metrics", "code", "bug", "fix",
            "issue", "change", "deploy", "deployment", "feature", "features", "prod", "production", "team", "number", "file", "value",
            "check", "system", "time", "week", "result", "results", "account", "project", "request", "access", "update", "version",
            "server", "client", "database", "db", "page", "link", "script", "tool", "platform", "cloud", "cost", "design", "process",
            "alert", "log", "logs", "dashboard", "chart", "sql", "python", "notebook", "analysis", "experiment", "customer", "event", "events",
        }.Select(w => TextTokenizer.StemsOf(w) is [var stem] ? stem : w),
        StringComparer.Ordinal);

    private static readonly HashSet<string> NameStopWords = new(StringComparer.Ordinal) { "and", "or", "the", "of", "a", "an", "for", "in", "on", "to", "with" };

    /// <summary>The words of a name that identify it (every stem but a few joining words; "a/b testing" keeps "b").</summary>
    private static HashSet<string> NameStems(string name) =>
        TextTokenizer.StemsOf(name).Where(s => !NameStopWords.Contains(s)).ToHashSet(StringComparer.Ordinal);

    private void BuildAskPrototypes(BuiltInVocabulary vocabulary)
    {
        if (_embedder is null)
        {
            return;
        }

        var all = vocabulary.AskPrototypes.SelectMany(kv => kv.Value.Select(text => (kv.Key, text))).ToList();
        if (all.Count == 0)
        {
            return;
        }

        var vectors = _embedder.Embed([.. all.Select(a => a.text)]);
        for (var i = 0; i < all.Count; i++)
        {
            _askPrototypes.Add((all[i].Key, all[i].text, vectors[i]));
        }
    }

    private void BuildNoTopic(BuiltInVocabulary vocabulary)
    {
        var texts = vocabulary.NoTopicExamples;
        if (texts.Count == 0)
        {
            return;
        }

        var vectors = _embedder?.Embed([.. texts]);
        for (var i = 0; i < texts.Count; i++)
        {
            _noTopic.Add((texts[i], vectors?[i]));
        }
    }
}

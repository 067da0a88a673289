using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace TriageBot.Engine.Understanding;

/// <summary>
/// A family of related topics in the built-in vocabulary (for example "experimentation"): the names an organisation
/// may give such a topic, and the jargon, tool names and error shapes a request about it tends to contain.
/// </summary>
/// <param name="Id">Stable id, referenced from the org file (<c>vocabulary: [experimentation]</c>).</param>
/// <param name="Name">Display name, used in evidence ("built-in Experimentation vocabulary").</param>
/// <param name="Description">One sentence describing the family.</param>
/// <param name="Names">Names an org topic of this family may have; an org topic whose name matches one is linked.</param>
/// <param name="Terms">Synonyms, jargon and abbreviations.</param>
/// <param name="Tools">Product, library and service names.</param>
/// <param name="Errors">Fragments of typical error messages and alerts.</param>
/// <param name="Examples">Short realistic requests, compared with a request by meaning.</param>
public sealed record VocabularyFamily(
    string Id,
    string Name,
    string? Description,
    IReadOnlyList<string> Names,
    IReadOnlyList<string> Terms,
    IReadOnlyList<string> Tools,
    IReadOnlyList<string> Errors,
    IReadOnlyList<string> Examples)
{
    /// <summary>Every phrase a request may contain: names, terms, tools and error shapes.</summary>
    internal IEnumerable<string> Phrases => Names.Concat(Terms).Concat(Tools).Concat(Errors);
}

/// <summary>
/// The vocabulary shipped inside the engine assembly (YAML files under <c>Understanding/Vocabulary</c>, embedded
/// resources), versioned so a decision can say which vocabulary it used. Loaded once; immutable.
/// </summary>
public sealed class BuiltInVocabulary
{
    private static readonly Lazy<BuiltInVocabulary> Lazy = new(Load);
    private readonly Dictionary<string, VocabularyFamily> _byId;
    private readonly Lazy<HashSet<string>> _knownStems;

    private BuiltInVocabulary(string version, IReadOnlyList<VocabularyFamily> families, IReadOnlyDictionary<string, IReadOnlyList<string>> asks,
        IReadOnlyList<string> noTopic, IReadOnlyList<string> commonWords)
    {
        CommonWords = commonWords;
        _knownStems = new(() => Analysis.SpellingIndex.StemsOf(AllTexts().Concat(CommonWords)));
        NoTopicExamples = noTopic;
        Version = version;
        Families = families;
        AskPrototypes = asks;
        _byId = families.ToDictionary(f => f.Id, StringComparer.Ordinal);
    }

    /// <summary>The vocabulary shipped with this build.</summary>
    public static BuiltInVocabulary Instance => Lazy.Value;

    /// <summary>Version of the vocabulary data (changes whenever the files change).</summary>
    public string Version { get; }

    /// <summary>All families, in file order.</summary>
    public IReadOnlyList<VocabularyFamily> Families { get; }

    /// <summary>
    /// Prototype requests per kind of ask (<c>learn</c>, <c>review</c>, <c>task</c>, <c>access</c>) and horizon
    /// (<c>long</c>, <c>short</c>), compared by meaning when the request's own words give no cue.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> AskPrototypes { get; }

    /// <summary>Requests that name no topic (follow-ups, greetings): the learned classifier's "none of the topics" class.</summary>
    public IReadOnlyList<string> NoTopicExamples { get; }

    /// <summary>
    /// Common English words of six letters or more, never read as a misspelt topic term ("sprint" is not "spring").
    /// </summary>
    public IReadOnlyList<string> CommonWords { get; }

    /// <summary>Every word of the vocabulary and the common English words, by stem: never read as a misspelling (built once).</summary>
    internal IReadOnlySet<string> KnownStems => _knownStems.Value;

    private IEnumerable<string> AllTexts() =>
        Families.SelectMany(f => f.Phrases.Concat(f.Examples).Append(f.Name).Append(f.Description ?? ""))
            .Concat(AskPrototypes.Values.SelectMany(v => v))
            .Concat(NoTopicExamples);

    /// <summary>True when a family with this id exists.</summary>
    public bool Contains(string id) => _byId.ContainsKey(id);

    /// <summary>The family with this id, or null.</summary>
    public VocabularyFamily? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Builds a vocabulary from YAML documents (used for the embedded files and by tests).</summary>
    /// <param name="version">Version label.</param>
    /// <param name="yamlDocuments">Documents with a top-level <c>families</c> list.</param>
    /// <param name="commonWords">English words never read as a misspelling (one per line; '#' starts a comment line).</param>
    /// <exception cref="InvalidDataException">A document is malformed or two families share an id.</exception>
    public static BuiltInVocabulary Parse(string version, IEnumerable<string> yamlDocuments, string? commonWords = null)
    {
        ArgumentNullException.ThrowIfNull(yamlDocuments);
        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        var families = new List<VocabularyFamily>();
        var asks = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var noTopic = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var yaml in yamlDocuments)
        {
            VocabularyFile? file;
            try
            {
                file = deserializer.Deserialize<VocabularyFile>(yaml);
            }
            catch (YamlDotNet.Core.YamlException e)
            {
                throw new InvalidDataException($"Vocabulary file is not valid: {e.Message}", e);
            }

            noTopic.AddRange(Clean(file?.NoTopic));
            foreach (var (key, list) in (file?.Asks ?? []).Concat(file?.Horizons ?? []))
            {
                asks[key.Trim().ToLowerInvariant()] = Clean(list);
            }

            foreach (var f in file?.Families ?? [])
            {
                if (string.IsNullOrWhiteSpace(f.Id) || string.IsNullOrWhiteSpace(f.Name))
                {
                    throw new InvalidDataException("Every vocabulary family needs an id and a name.");
                }

                if (!ids.Add(f.Id))
                {
                    throw new InvalidDataException($"Vocabulary family '{f.Id}' is defined twice.");
                }

                families.Add(new VocabularyFamily(
                    f.Id.Trim(),
                    f.Name.Trim(),
                    f.Description?.Trim(),
                    Clean(f.Names),
                    Clean(f.Terms),
                    Clean(f.Tools),
                    Clean(f.Errors),
                    Clean(f.Examples)));
            }
        }

        var words = (commonWords ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(w => !w.StartsWith('#')).Select(w => w.ToLowerInvariant()).ToArray();
        return new BuiltInVocabulary(version, families, asks, noTopic, words);
    }

    private static string[] Clean(List<string>? list) =>
        list is null ? [] : [.. list.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)];

    private static BuiltInVocabulary Load()
    {
        var assembly = typeof(BuiltInVocabulary).Assembly;
        var docs = new List<string>();
        var all = new System.Text.StringBuilder();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".yaml", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd();
            all.Append(text);
            docs.Add(text);
        }

        string words;
        using (var stream = assembly.GetManifestResourceStream("TriageBot.Vocabulary.english-words.txt")!)
        using (var reader = new StreamReader(stream))
        {
            words = reader.ReadToEnd();
        }

        all.Append(words);
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(all.ToString()));
        return Parse($"{VocabularyMajor}.{Convert.ToHexStringLower(digest)[..8]}", docs, words);
    }

    /// <summary>The vocabulary format's major version.</summary>
    private const int VocabularyMajor = 1;

    private sealed class VocabularyFile
    {
        public List<FamilyDto>? Families { get; set; }

        public Dictionary<string, List<string>>? Asks { get; set; }

        public Dictionary<string, List<string>>? Horizons { get; set; }

        public List<string>? NoTopic { get; set; }
    }

    private sealed class FamilyDto
    {
        public string Id { get; set; } = "";
        public string Name { get; set; } = "";
        public string? Description { get; set; }
        public List<string>? Names { get; set; }
        public List<string>? Terms { get; set; }
        public List<string>? Tools { get; set; }
        public List<string>? Errors { get; set; }
        public List<string>? Examples { get; set; }
    }
}

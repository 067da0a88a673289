using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Understanding;
using TriageBot.Engine.UseCases;
using TriageBot.Storage;

namespace TriageBot.Cli.Eval;

/// <summary>One labelled message of an evaluation set (JSON Lines).</summary>
internal sealed record EvalItem(
    string Id,
    string Lead,
    string From,
    string Text,
    string? Topic,
    string Decision,
    IReadOnlyList<string> Owners,
    double HoursSpent)
{
    /// <summary>The writer's answers to the four questions (skill, reuse, team, horizon), for diagnosing misses.</summary>
    public IReadOnlyDictionary<string, string> Answers { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// A suite: an org and its train/test files (paths relative to the manifest). <c>train</c> and <c>test</c> are a file
/// or a list of files, so a batch written later joins a split without rewriting the earlier files.
/// </summary>
internal sealed record EvalSuite(
    string Name,
    string Org,
    [property: JsonConverter(typeof(FileListConverter))] IReadOnlyList<string> Train,
    [property: JsonConverter(typeof(FileListConverter))] IReadOnlyList<string> Test);

/// <summary>Reads <c>"a.jsonl"</c> or <c>["a.jsonl", "b.jsonl"]</c>.</summary>
internal sealed class FileListConverter : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return [reader.GetString()!];
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("train and test are a file name or a list of file names");
        }

        var files = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            files.Add(reader.TokenType == JsonTokenType.String
                ? reader.GetString()!
                : throw new JsonException("train and test lists hold file names"));
        }

        return files;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, options);
}

/// <summary>How the understanding is configured for one evaluation run.</summary>
/// <param name="Name">Label printed in the table.</param>
/// <param name="OrgAsAdminsWriteToday">Strip descriptions, aliases, examples and vocabulary links from the org (names and keywords only).</param>
/// <param name="Vocabulary">Use the built-in vocabulary.</param>
/// <param name="Embeddings">Use the sentence model.</param>
/// <param name="Corrections">How many training messages are fed as Lead corrections first (-1: all).</param>
internal sealed record EvalConfig(string Name, bool OrgAsAdminsWriteToday, bool Vocabulary, bool Embeddings, int Corrections);

/// <summary>The figures of one run over one split.</summary>
internal sealed record EvalScore(
    string Config,
    int Messages,
    int TopicCorrect,
    int DecisionCorrect,
    int RedirectsExpected,
    int OwnerCorrect,
    int ClarifyPredicted,
    int ClarifyCorrectlyPredicted,
    int ClarifyExpected,
    IReadOnlyList<string> Misses)
{
    public double TopicAccuracy => Ratio(TopicCorrect, Messages);

    public double DecisionAccuracy => Ratio(DecisionCorrect, Messages);

    public double OwnerAccuracy => Ratio(OwnerCorrect, RedirectsExpected);

    public double ClarifyPrecision => Ratio(ClarifyCorrectlyPredicted, ClarifyPredicted);

    public double ClarifyRecall => Ratio(ClarifyCorrectlyPredicted, ClarifyExpected);

    private static double Ratio(int a, int b) => b == 0 ? double.NaN : (double)a / b;
}

/// <summary>
/// Measures understanding on labelled, blind-written messages: topic, decision and owner accuracy and clarify
/// precision/recall, for several configurations and a learning curve where training messages are fed as the Lead's
/// topic corrections through the use cases (a real SQLite store in a temporary folder), exactly as in production.
/// </summary>
internal sealed class EvalRunner(ITextEmbedder? embedder, UnderstandingOptions baseOptions)
{
    // Every message is scored with the classifier of all that was taught before it: trained inline, never stale.
    private UnderstandingOptions Options()
    {
        var options = baseOptions.Clone();
        options.BackgroundTraining = false;
        return options;
    }

    /// <summary>Folds of the training split's cross-validation.</summary>
    public const int HoldoutFolds = 5;

    /// <summary>The instant every message is evaluated at (the writers labelled availability for it).</summary>
    public static readonly DateTimeOffset At = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    public static IReadOnlyList<EvalSuite> LoadManifest(string path, out string baseDirectory)
    {
        baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        using var stream = File.OpenRead(path);
        Manifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(stream, Json);
        }
        catch (JsonException e)
        {
            throw new CliUsageException($"{path}: {e.Message}");
        }

        return (manifest ?? throw new CliUsageException($"{path}: empty manifest")).Suites ?? [];
    }

    /// <summary>The items of several files, in order (a split made of batches).</summary>
    public static List<EvalItem> LoadItems(string baseDirectory, IEnumerable<string> files) =>
        [.. files.SelectMany(f => LoadItems(Path.Combine(baseDirectory, f)))];

    public static List<EvalItem> LoadItems(string path)
    {
        var items = new List<EvalItem>();
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            Dto? dto;
            try
            {
                dto = JsonSerializer.Deserialize<Dto>(text, Json);
            }
            catch (JsonException e)
            {
                throw new CliUsageException($"{path}:{line}: {e.Message}");
            }

            if (dto?.Id is null || dto.Lead is null || dto.From is null || dto.Text is null || dto.Decision is null)
            {
                throw new CliUsageException($"{path}:{line}: id, lead, from, text and decision are required");
            }

            items.Add(new EvalItem(dto.Id, dto.Lead, dto.From, dto.Text, dto.Topic, dto.Decision.ToLowerInvariant(), dto.Owners ?? [], dto.HoursSpent ?? 0)
            {
                Answers = dto.Answers ?? [],
            });
        }

        return items;
    }

    /// <summary>Runs one configuration on one suite and scores <paramref name="evaluated"/>.</summary>
    public async Task<EvalScore> RunAsync(EvalConfig config, OrgDirectory fullOrg, IReadOnlyList<EvalItem> training, IReadOnlyList<EvalItem> evaluated, CancellationToken ct = default)
    {
        var org = config.OrgAsAdminsWriteToday ? AsAdminsWriteToday(fullOrg) : fullOrg;
        var options = Options();
        options.Vocabulary = config.Vocabulary;
        options.Embeddings = config.Embeddings && embedder is not null;
        var setup = new UnderstandingSetup(BuiltInVocabulary.Instance, options.Embeddings ? embedder : null, options);
        var time = new FixedTime(At);

        var folder = Directory.CreateTempSubdirectory("triagebot-eval-");
        try
        {
            await using var storage = await StorageFactory.OpenAsync(
                new StorageOptions { Provider = "sqlite", ConnectionString = $"Data Source={Path.Combine(folder.FullName, "eval.db")};Pooling=False" }, time, ct);
            var learned = new LearnedExamples(storage.LearnedExamples, time, options);

            // While feeding, each triage would retrain the classifier on every example taught so far (quadratic in the
            // split's size) only to be thrown away: what a correction stores (text, label, vector) does not depend on it.
            // The scoring engine below trains it once, on everything taught.
            var feedOptions = options.Clone();
            feedOptions.ClassifierWeight = 0;
            var feedSetup = new UnderstandingSetup(BuiltInVocabulary.Instance, options.Embeddings ? embedder : null, feedOptions);
            var useCases = new TriageUseCases(new StaticOrgProvider(org), DecisionPolicy.Default, storage.Requests, storage.Ledger, storage.LeadSettings, time, null, feedSetup, learned);
            const string Tenant = "eval";

            // The Lead's corrections, through the same use cases as Slack and Teams: triage, then pick the right topic.
            var fed = 0;
            var limit = config.Corrections < 0 ? int.MaxValue : config.Corrections;
            foreach (var item in training)
            {
                if (fed >= limit)
                {
                    break;
                }

                if (!Teachable(org, item) || org.FindPerson(item.Lead) is not { IsLead: true })
                {
                    continue;
                }

                var result = await useCases.TriageAsync(
                    new IncomingRequest(Tenant, Platform.Local, "eval", null, null, item.From, item.From, item.Lead, item.Text), ct);
                if (item.Topic is null && result.Decision.Decision.Analysis.TopTopic is null)
                {
                    // A message that names no topic, read as such: the Lead asks the requester what it is about.
                    await useCases.ClarifyAsync(Tenant, result.Request.Id, item.Lead, null, ct);
                }
                else
                {
                    await useCases.CorrectTopicAsync(Tenant, result.Request.Id, item.Lead, item.Topic ?? LearnedExample.NoTopic, ct);
                }

                fed++;
            }

            var engine = new TriageEngine(org, DecisionPolicy.Default, setup);
            var set = await learned.GetAsync(Tenant, setup.Embedder, ct);
            return Score(config.Name, engine, set, evaluated, ct);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                folder.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A temporary folder left behind is harmless.
            }
        }
    }

    /// <summary>
    /// Tuning aid (training split only): scores every combination of the given weights — without learned examples on the
    /// org as admins write it today, or with <paramref name="holdout"/> by cross-validation with the org's examples —
    /// and returns them best first by topic + decision accuracy.
    /// </summary>
    public IReadOnlyList<(string Settings, double Topic, double Decision)> Sweep(
        IReadOnlyList<(OrgDirectory Org, IReadOnlyList<EvalItem> Items)> suites, IReadOnlyDictionary<string, double[]> grid, bool holdout = false, CancellationToken ct = default)
    {
        var keys = grid.Keys.ToList();
        var results = new List<(string, double, double)>();
        var index = new int[keys.Count];
        while (true)
        {
            var options = Options();
            options.Embeddings = embedder is not null;
            var parts = new List<string>();
            for (var k = 0; k < keys.Count; k++)
            {
                var value = grid[keys[k]][index[k]];
                var property = typeof(UnderstandingOptions).GetProperty(keys[k])!;
                property.SetValue(options, property.PropertyType == typeof(int) ? (int)value : property.PropertyType == typeof(bool) ? value != 0 : (object)value);
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{keys[k]}={value}"));
            }

            int n = 0, topic = 0, decision = 0;
            if (holdout)
            {
                // Cross-validation with the org as written with its examples: the configuration the target is about.
                var score = CrossValidate(suites, orgAsAdminsWriteToday: false, HoldoutFolds, [-1], options, ct)[0];
                n += score.Messages;
                topic += score.TopicCorrect;
                decision += score.DecisionCorrect;
            }
            else
            {
                foreach (var (org, all) in suites)
                {
                    var engine = new TriageEngine(AsAdminsWriteToday(org), DecisionPolicy.Default, new UnderstandingSetup(BuiltInVocabulary.Instance, options.Embeddings ? embedder : null, options));
                    var score = Score("sweep", engine, LearnedSet.Empty, all, ct);
                    n += score.Messages;
                    topic += score.TopicCorrect;
                    decision += score.DecisionCorrect;
                }
            }

            results.Add((string.Join(' ', parts), (double)topic / n, (double)decision / n));

            var d = 0;
            while (d < keys.Count && ++index[d] == grid[keys[d]].Length)
            {
                index[d] = 0;
                d++;
            }

            if (d == keys.Count)
            {
                break;
            }
        }

        return [.. results.OrderByDescending(r => r.Item2 + r.Item3)];
    }

    /// <summary>
    /// Tuning aid (training split only): k-fold cross-validation. The training messages are cut into
    /// <paramref name="folds"/> folds by position; each fold is scored with the other folds' messages taught as Lead
    /// corrections (at most each of <paramref name="teach"/>, -1 for all of them), so every training message is scored
    /// once by an engine that never saw it. Returns one score per taught count, summed over folds and suites.
    /// </summary>
    public IReadOnlyList<EvalScore> CrossValidate(
        IReadOnlyList<(OrgDirectory Org, IReadOnlyList<EvalItem> Items)> suites, bool orgAsAdminsWriteToday, int folds, IReadOnlyList<int> teach, CancellationToken ct = default)
    {
        var options = Options();
        options.Embeddings = embedder is not null;
        return CrossValidate(suites, orgAsAdminsWriteToday, folds, teach, options, ct);
    }

    private List<EvalScore> CrossValidate(
        IReadOnlyList<(OrgDirectory Org, IReadOnlyList<EvalItem> Items)> suites, bool orgAsAdminsWriteToday, int folds, IReadOnlyList<int> teach, UnderstandingOptions options, CancellationToken ct)
    {
        var setup = new UnderstandingSetup(BuiltInVocabulary.Instance, options.Embeddings ? embedder : null, options);
        var results = new List<EvalScore>();
        foreach (var count in teach)
        {
            var parts = new List<EvalScore>();
            foreach (var (fullOrg, all) in suites)
            {
                var org = orgAsAdminsWriteToday ? AsAdminsWriteToday(fullOrg) : fullOrg;
                var engine = new TriageEngine(org, DecisionPolicy.Default, setup);
                for (var f = 0; f < folds; f++)
                {
                    var taught = all.Where((item, i) => i % folds != f && Teachable(org, item))
                        .Take(count < 0 ? int.MaxValue : count)
                        // Embedded as the use cases embed a correction (the engine's reading of the text, spelling included).
                        .Select(item => new LearnedExample("eval", Guid.NewGuid(), item.Lead, item.Topic ?? LearnedExample.NoTopic, item.Text, ExampleSource.Correction, At,
                            engine.Analyzer.EmbedForExample(item.Text), engine.Analyzer.EmbedderModel))
                        .ToList();
                    var learned = LearnedSet.Prepare(taught, options.Embeddings ? embedder : null, options.ModelInputChars);
                    parts.Add(Score("cv", engine, learned, [.. all.Where((_, i) => i % folds == f)], ct));
                }
            }

            var name = (orgAsAdminsWriteToday ? "admin-today" : "org examples") + (count < 0 ? " + all other folds" : $" + {count} taught");
            results.Add(new EvalScore(name, parts.Sum(s => s.Messages), parts.Sum(s => s.TopicCorrect), parts.Sum(s => s.DecisionCorrect),
                parts.Sum(s => s.RedirectsExpected), parts.Sum(s => s.OwnerCorrect), parts.Sum(s => s.ClarifyPredicted),
                parts.Sum(s => s.ClarifyCorrectlyPredicted), parts.Sum(s => s.ClarifyExpected), [.. parts.SelectMany(s => s.Misses)]));
        }

        return results;
    }

    private static EvalScore Score(string name, TriageEngine engine, LearnedSet learned, IReadOnlyList<EvalItem> items, CancellationToken ct)
    {
        int topic = 0, decision = 0, redirects = 0, owner = 0, clarifyPredicted = 0, clarifyRight = 0, clarifyExpected = 0;
        var misses = new List<string>();
        foreach (var item in items)
        {
            var analysis = engine.Analyze(item.Text, learned, ct);
            var d = engine.Decide(new TriageInput(item.Text, item.Lead, item.From, At)
            {
                Analysis = analysis,
                LeadHoursSpentThisWeek = item.HoursSpent,
            });
            var gotTopic = analysis.TopTopic?.TopicId;
            var gotDecision = d.Outcome.ToString().ToLowerInvariant();
            var topicOk = string.Equals(gotTopic, item.Topic, StringComparison.Ordinal);
            var decisionOk = gotDecision == item.Decision;
            topic += topicOk ? 1 : 0;
            decision += decisionOk ? 1 : 0;
            if (item.Decision == "redirect")
            {
                redirects++;
                if (gotDecision == "redirect" && d.Owners.Count > 0 && item.Owners.Contains(d.Owners[0].Id))
                {
                    owner++;
                }
            }

            if (item.Decision == "clarify")
            {
                clarifyExpected++;
            }

            if (gotDecision == "clarify")
            {
                clarifyPredicted++;
                clarifyRight += item.Decision == "clarify" ? 1 : 0;
            }

            if (!topicOk || !decisionOk)
            {
                var conf = analysis.TopTopic?.Confidence ?? (analysis.Guesses.Count > 0 ? analysis.Guesses[0].Confidence : 0);
                var guess = analysis.TopTopic is null && analysis.Guesses.Count > 0 ? $" (guess {analysis.Guesses[0].TopicId})" : "";
                var answers = string.Join(' ', d.Answers.Select(a =>
                {
                    var key = a.Question.ToString().ToLowerInvariant();
                    var got = a.Value.ToString().ToLowerInvariant();
                    return item.Answers.TryGetValue(key, out var want) && want != got ? $"{key} {want}→{got}" : null;
                }).OfType<string>());
                misses.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{item.Id}: topic {item.Topic ?? "none"} → {gotTopic ?? "none"}{guess} ({conf:0.00}); decision {item.Decision} → {gotDecision} [{d.Rule}] {answers}"));
            }
        }

        return new EvalScore(name, items.Count, topic, decision, redirects, owner, clarifyPredicted, clarifyRight, clarifyExpected, misses);
    }

    // What a Lead can teach: a topic of the org, or "no topic" (a follow-up or a hello, which the Lead marks as such or
    // answers by asking what it is about).
    private static bool Teachable(OrgDirectory org, EvalItem item) => item.Topic is null || org.FindTopic(item.Topic) is not null;

    /// <summary>The org as admins write it today: names and keywords only.</summary>
    public static OrgDirectory AsAdminsWriteToday(OrgDirectory org) =>
        new(org.Topics.Select(t => new Topic(t.Id, t.Name, t.Keywords)).ToList(), org.People, org.Teams);


    private sealed class FixedTime(DateTimeOffset at) : TimeProvider
    {
        private long _ticks;

        // Each read moves on by a microsecond, so stored rows keep their order.
        public override DateTimeOffset GetUtcNow() => at.AddTicks(Interlocked.Add(ref _ticks, 10));
    }

    private sealed class Manifest
    {
        public List<EvalSuite>? Suites { get; set; }
    }

    private sealed class Dto
    {
        public string? Id { get; set; }

        public string? Lead { get; set; }

        public string? From { get; set; }

        public string? Text { get; set; }

        public string? Topic { get; set; }

        public string? Decision { get; set; }

        public List<string>? Owners { get; set; }

        public double? HoursSpent { get; set; }

        public Dictionary<string, string>? Answers { get; set; }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TriageBot.Embeddings;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Org;
using TriageBot.Engine.Understanding;

namespace TriageBot.Benchmarks;

/// <summary>
/// Measures what a Lead waits for: the model's start-up cost and memory, then analysis + decision per request with
/// the sentence model (its cache off, so every request pays for the model), over the 220 evaluation messages.
/// Not a BenchmarkDotNet benchmark: percentiles of single requests are the figure that matters here.
/// </summary>
internal static class UnderstandingLatency
{
    /// <param name="passes">Passes over the messages.</param>
    /// <param name="threads">The model's threads per call (`Understanding:ModelThreads`).</param>
    public static int Run(int passes, int threads = 1)
    {
        var root = FindRepoRoot();
        var rssBefore = Process.GetCurrentProcess().WorkingSet64;
        var sw = Stopwatch.StartNew();
        using var model = new MiniLmTextEmbedder(cacheCapacity: 0, threads: threads);
        var loadMs = sw.Elapsed.TotalMilliseconds;

        var suites = new[] { ("org.yaml", "data-science"), ("org-engineering.yaml", "engineering") }
            .Select(s =>
            {
                var org = OrgParser.LoadFile(Path.Combine(root, "deploy", "sample", s.Item1)).Directory!;
                sw.Restart();
                var engine = new TriageEngine(org, null, new UnderstandingSetup(BuiltInVocabulary.Instance, model, UnderstandingOptions.Default));
                var buildMs = sw.Elapsed.TotalMilliseconds;
                var messages = Directory.GetFiles(Path.Combine(root, "tests", "eval"), s.Item2 + ".*.jsonl")
                    .SelectMany(File.ReadLines)
                    .Where(l => l.Length > 0)
                    .Select(l => JsonDocument.Parse(l).RootElement)
                    .Select(e => (Text: e.GetProperty("text").GetString()!, Lead: e.GetProperty("lead").GetString()!, From: e.GetProperty("from").GetString()!,
                        Topic: e.GetProperty("topic").ValueKind == JsonValueKind.String ? e.GetProperty("topic").GetString() : null))
                    .ToList();
                return (engine, buildMs, messages, org);
            })
            .ToList();
        var rssAfter = Process.GetCurrentProcess().WorkingSet64;

        // Warm-up (JIT, ONNX Runtime's first runs), then measured passes.
        foreach (var (engine, _, messages, _) in suites)
        {
            foreach (var m in messages.Take(20))
            {
                Decide(engine, m.Text, m.Lead, m.From);
            }
        }

        var times = new List<double>();
        for (var pass = 0; pass < passes; pass++)
        {
            foreach (var (engine, _, messages, _) in suites)
            {
                foreach (var m in messages)
                {
                    sw.Restart();
                    Decide(engine, m.Text, m.Lead, m.From);
                    times.Add(sw.Elapsed.TotalMilliseconds);
                }
            }
        }

        // The ceiling: the sentence model alone on the same requests (what it reads of them), in the same run. No
        // engine change can bring analysis + decision under this; only reading less of each request can.
        var modelTimes = new List<double>();
        foreach (var (_, _, messages, _) in suites)
        {
            foreach (var m in messages)
            {
                var read = ModelText.Prepare(m.Text, UnderstandingOptions.Default.ModelInputChars);
                if (read.Length == 0)
                {
                    continue;
                }

                sw.Restart();
                model.Embed([read]);
                modelTimes.Add(sw.Elapsed.TotalMilliseconds);
            }
        }

        // The other side: the engine alone, with the model's answers for these requests already in its cache (a
        // second model instance, warmed on exactly the text the engine gives it), so what is left is the engine's work.
        var engineTimes = new List<double>();
        using (var cached = new MiniLmTextEmbedder(cacheCapacity: 100_000, threads: threads))
        {
            foreach (var (_, _, messages, org) in suites)
            {
                var engine = new TriageEngine(org, null, new UnderstandingSetup(BuiltInVocabulary.Instance, cached, UnderstandingOptions.Default));
                foreach (var m in messages)
                {
                    var read = ModelText.Prepare(m.Text, UnderstandingOptions.Default.ModelInputChars);
                    if (read.Length > 0)
                    {
                        cached.Embed([read]);
                    }
                }

                foreach (var m in messages.Take(20))
                {
                    Decide(engine, m.Text, m.Lead, m.From);
                }

                foreach (var m in messages)
                {
                    sw.Restart();
                    Decide(engine, m.Text, m.Lead, m.From);
                    engineTimes.Add(sw.Elapsed.TotalMilliseconds);
                }
            }
        }

        // With what the Leads taught: every training message as a learned example (the classifier and the nearest
        // neighbours run on every request), and the classifier's training time when the example set changes.
        // The engines above train in the background (the default), so their first request never waits for training;
        // training is timed on an engine of the same org that trains on the request path.
        var learnedTimes = new List<double>();
        var trainMs = new List<string>();
        var firstMs = new List<string>();
        var foreground = UnderstandingOptions.Default;
        foreground.BackgroundTraining = false;
        foreach (var (background, _, messages, org) in suites)
        {
            var engine = new TriageEngine(org, null, new UnderstandingSetup(BuiltInVocabulary.Instance, model, foreground));
            var taught = messages.Where(m => m.Topic is not null).Take(messages.Count * 7 / 10).ToList();
            foreach (var size in new[] { taught.Count, 500 })
            {
                var examples = Enumerable.Range(0, size)
                    .Select(i => taught[i % taught.Count])
                    .Select((m, i) => new LearnedExample("bench", Guid.NewGuid(), m.Lead, m.Topic!, i < taught.Count ? m.Text : $"{m.Text} ({i})", ExampleSource.Correction, DateTimeOffset.UnixEpoch))
                    .ToList();
                var set = LearnedSet.Prepare(examples, model);
                sw.Restart();
                background.Analyze(messages[0].Text, set);
                firstMs.Add(string.Create(CultureInfo.InvariantCulture, $"{size} examples {sw.Elapsed.TotalMilliseconds:0} ms"));
                sw.Restart();
                engine.Analyze(messages[0].Text, set);
                trainMs.Add(string.Create(CultureInfo.InvariantCulture, $"{size} examples {sw.Elapsed.TotalMilliseconds:0} ms"));
                if (size != taught.Count)
                {
                    continue;
                }

                for (var pass = 0; pass < passes; pass++)
                {
                    foreach (var m in messages)
                    {
                        sw.Restart();
                        var analysis = engine.Analyze(m.Text, set);
                        engine.Decide(new TriageInput(m.Text, m.Lead, m.From, new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero)) { Analysis = analysis });
                        learnedTimes.Add(sw.Elapsed.TotalMilliseconds);
                    }
                }
            }
        }

        times.Sort();
        learnedTimes.Sort();
        modelTimes.Sort();
        engineTimes.Sort();
        double E(double q) => engineTimes[Math.Min(engineTimes.Count - 1, (int)Math.Ceiling(q * engineTimes.Count) - 1)];
        double M(double q) => modelTimes[Math.Min(modelTimes.Count - 1, (int)Math.Ceiling(q * modelTimes.Count) - 1)];
        double P(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
        double L(double q) => learnedTimes[Math.Min(learnedTimes.Count - 1, (int)Math.Ceiling(q * learnedTimes.Count) - 1)];
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"model threads per call: {threads}"));
        Console.WriteLine(string.Create(inv, $"model load: {loadMs:0} ms; engine build (topic vectors): {string.Join(", ", suites.Select(s => $"{s.buildMs:0} ms"))}"));
        Console.WriteLine(string.Create(inv, $"RSS: {rssBefore / 1048576.0:0} MB before, {rssAfter / 1048576.0:0} MB with the model and both engines"));
        Console.WriteLine(string.Create(inv, $"analysis + decision with the model, {times.Count} requests: p50 {P(0.50):0.0} ms, p95 {P(0.95):0.0} ms, p99 {P(0.99):0.0} ms, max {times[^1]:0.0} ms"));
        Console.WriteLine(string.Create(inv, $"the sentence model alone on the same requests (the ceiling), {modelTimes.Count} requests: p50 {M(0.50):0.0} ms, p95 {M(0.95):0.0} ms, p99 {M(0.99):0.0} ms, max {modelTimes[^1]:0.0} ms"));
        Console.WriteLine(string.Create(inv, $"the engine alone (the model's answers cached), {engineTimes.Count} requests: p50 {E(0.50):0.00} ms, p95 {E(0.95):0.00} ms, p99 {E(0.99):0.00} ms, max {engineTimes[^1]:0.0} ms"));
        Console.WriteLine(string.Create(inv, $"the same with learned examples, {learnedTimes.Count} requests: p50 {L(0.50):0.0} ms, p95 {L(0.95):0.0} ms, p99 {L(0.99):0.0} ms, max {learnedTimes[^1]:0.0} ms"));
        Console.WriteLine($"learned classifier training on the request path (BackgroundTraining=false: training + one request): {string.Join("; ", trainMs)}");
        Console.WriteLine($"the first request after the examples change with background training (the default): {string.Join("; ", firstMs)}");
        return 0;
    }

    private static void Decide(TriageEngine engine, string text, string lead, string from)
    {
        var analysis = engine.Analyze(text, null);
        engine.Decide(new TriageInput(text, lead, from, new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero)) { Analysis = analysis });
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TriageBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("TriageBot.sln not found above the benchmark's folder.");
    }
}

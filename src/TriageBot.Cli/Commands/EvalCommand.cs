using System.CommandLine;
using System.Globalization;
using TriageBot.Cli.Eval;
using TriageBot.Engine.Org;
using TriageBot.Engine.Understanding;

namespace TriageBot.Cli.Commands;

/// <summary>
/// <c>triagebot eval MANIFEST</c>: measures understanding on a labelled evaluation set (see tests/eval/README.md) and
/// prints topic, decision and owner accuracy, clarify precision/recall and the learning curve.
/// </summary>
internal static class EvalCommand
{
    public static Command Create(CliContext context, TextWriter output)
    {
        var manifest = new Argument<string>("MANIFEST") { Description = "The evaluation manifest (tests/eval/suites.json)." };
        var split = new Option<string>("--split") { Description = "Which split to score: test (default) or train.", DefaultValueFactory = _ => "test" };
        var misses = new Option<bool>("--misses") { Description = "List every message whose topic or decision was missed." };
        var noEmbeddings = new Option<bool>("--no-embeddings") { Description = "Do not load the sentence model (lexical layers only)." };
        var only = new Option<string?>("--config") { Description = "Run one configuration only (by name)." };
        var sweep = new Option<string?>("--sweep")
        {
            Description = "Tuning aid on the TRAINING split only: a grid such as 'NoneScore=0,1;MeaningWeight=8,12' (UnderstandingOptions names).",
        };
        var holdout = new Option<bool>("--holdout") { Description = "Training split only: cross-validation (each fold scored with the other folds taught as corrections); with --sweep, every setting is scored that way with the org's examples." };
        var command = new Command("eval", "Measure understanding on a labelled evaluation set.") { manifest, split, misses, noEmbeddings, only, sweep, holdout };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetRequiredValue(manifest);
            if (!File.Exists(path))
            {
                throw new CliUsageException($"evaluation manifest not found: {path}");
            }

            var which = parse.GetValue(split)?.Trim().ToLowerInvariant() ?? "test";
            if (which is not ("test" or "train"))
            {
                throw new CliUsageException("--split must be 'test' or 'train'");
            }

            var options = CliConfiguration.Understanding(context);
            ITextEmbedder? embedder = null;
            if (!parse.GetValue(noEmbeddings) && options.Embeddings)
            {
                var loaded = new TriageBot.Embeddings.MiniLmTextEmbedder();
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"sentence model {loaded.ModelId} loaded in {loaded.LoadTime.TotalSeconds:0.0} s"));
                embedder = loaded;
            }

            var runner = new EvalRunner(embedder, options);
            var suites = EvalRunner.LoadManifest(path, out var baseDir);
            if (parse.GetValue(sweep) is { Length: > 0 } gridText)
            {
                if (which != "train")
                {
                    throw new CliUsageException("--sweep tunes weights, so it runs on the training split only (add --split train); the test split is for reporting.");
                }

                var grid = ParseGrid(gridText);
                var loaded = suites.Select(s => (OrgParser.LoadFile(Path.Combine(baseDir, s.Org)).Directory!, (IReadOnlyList<EvalItem>)EvalRunner.LoadItems(baseDir, s.Train))).ToList();
                foreach (var (settings, topic, decision) in runner.Sweep(loaded, grid, parse.GetValue(holdout), ct).Take(15))
                {
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  topic {topic * 100:0.0}%  decision {decision * 100:0.0}%  {settings}"));
                }

                return CliApp.Ok;
            }

            if (parse.GetValue(holdout))
            {
                if (which != "train")
                {
                    throw new CliUsageException("--holdout scores the training split against itself (add --split train); the test split is for reporting.");
                }

                var loaded = suites.Select(s => (OrgParser.LoadFile(Path.Combine(baseDir, s.Org)).Directory!, (IReadOnlyList<EvalItem>)EvalRunner.LoadItems(baseDir, s.Train))).ToList();
                await output.WriteLineAsync($"\ntraining split, {EvalRunner.HoldoutFolds}-fold cross-validation (each fold scored with the other folds taught as corrections)");
                await output.WriteLineAsync(Header);
                foreach (var admin in (bool[])[true, false])
                {
                    foreach (var score in runner.CrossValidate(loaded, admin, EvalRunner.HoldoutFolds, admin ? [0, 10, 25, 50, -1] : [0, -1], ct))
                    {
                        await output.WriteLineAsync(Row(score));
                        if (parse.GetValue(misses) && score.Config.EndsWith("other folds", StringComparison.Ordinal))
                        {
                            foreach (var miss in score.Misses)
                            {
                                await output.WriteLineAsync("    " + miss);
                            }
                        }
                    }
                }

                return CliApp.Ok;
            }

            var configs = Configs(embedder is not null).Where(c => parse.GetValue(only) is not { } o || c.Name == o).ToList();
            var totals = new Dictionary<string, List<EvalScore>>();
            foreach (var suite in suites)
            {
                var orgResult = OrgParser.LoadFile(Path.Combine(baseDir, suite.Org));
                if (orgResult.Directory is not { } org)
                {
                    throw new CliUsageException($"{suite.Org}: {(orgResult.Problems.Count > 0 ? orgResult.Problems[0].Message : "invalid")}");
                }

                var train = EvalRunner.LoadItems(baseDir, suite.Train);
                var scored = which == "test" ? EvalRunner.LoadItems(baseDir, suite.Test) : train;
                await output.WriteLineAsync($"\n{suite.Name}: {scored.Count} {which} messages, {train.Count} training messages");
                await output.WriteLineAsync(Header);
                foreach (var config in configs)
                {
                    var score = await runner.RunAsync(config, org, train, scored, ct);
                    await output.WriteLineAsync(Row(score));
                    (totals.TryGetValue(config.Name, out var l) ? l : totals[config.Name] = []).Add(score);
                    if (parse.GetValue(misses))
                    {
                        foreach (var miss in score.Misses)
                        {
                            await output.WriteLineAsync("    " + miss);
                        }
                    }
                }
            }

            await output.WriteLineAsync($"\nall suites ({which} split)");
            await output.WriteLineAsync(Header);
            foreach (var (name, scores) in totals)
            {
                await output.WriteLineAsync(Row(new EvalScore(name, scores.Sum(s => s.Messages), scores.Sum(s => s.TopicCorrect), scores.Sum(s => s.DecisionCorrect),
                    scores.Sum(s => s.RedirectsExpected), scores.Sum(s => s.OwnerCorrect), scores.Sum(s => s.ClarifyPredicted),
                    scores.Sum(s => s.ClarifyCorrectlyPredicted), scores.Sum(s => s.ClarifyExpected), [])));
            }

            return CliApp.Ok;
        });
        return command;
    }

    private static Dictionary<string, double[]> ParseGrid(string text)
    {
        var grid = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? part[..eq].Trim() : part;
            if (eq <= 0 || typeof(UnderstandingOptions).GetProperty(name) is not { PropertyType: var type } || (type != typeof(double) && type != typeof(int) && type != typeof(bool)))
            {
                throw new CliUsageException($"--sweep: '{part}' is not NAME=v1,v2 with NAME a numeric UnderstandingOptions setting (a switch takes 0 or 1)");
            }

            grid[name] = [.. part[(eq + 1)..].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
        }

        return grid;
    }

    internal static IEnumerable<EvalConfig> Configs(bool embeddings)
    {
        yield return new EvalConfig("keywords-only (before)", OrgAsAdminsWriteToday: true, Vocabulary: false, Embeddings: false, Corrections: 0);
        yield return new EvalConfig("admin-today lexical", OrgAsAdminsWriteToday: true, Vocabulary: true, Embeddings: false, Corrections: 0);
        if (embeddings)
        {
            yield return new EvalConfig("admin-today", OrgAsAdminsWriteToday: true, Vocabulary: true, Embeddings: true, Corrections: 0);
            yield return new EvalConfig("admin-today +10 corrections", true, true, true, 10);
            yield return new EvalConfig("admin-today +25 corrections", true, true, true, 25);
            yield return new EvalConfig("admin-today +50 corrections", true, true, true, 50);
            yield return new EvalConfig("org examples", false, true, true, 0);
            yield return new EvalConfig("org examples + training", false, true, true, -1);
        }
        else
        {
            yield return new EvalConfig("admin-today lexical +50 corrections", true, true, false, 50);
            yield return new EvalConfig("org examples lexical + training", false, true, false, -1);
        }
    }

    private const string Header = "  configuration                      n   topic  decision  owner  clarify P/R";

    private static string Row(EvalScore s) => string.Create(CultureInfo.InvariantCulture,
        $"  {s.Config,-32} {s.Messages,4}  {Pct(s.TopicAccuracy),5}  {Pct(s.DecisionAccuracy),8}  {Pct(s.OwnerAccuracy),5}  {Pct(s.ClarifyPrecision)}/{Pct(s.ClarifyRecall)}");

    private static string Pct(double v) => double.IsNaN(v) ? "  n/a" : string.Create(CultureInfo.InvariantCulture, $"{v * 100:0}%");
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace TriageBot.Cli.Tests;

/// <summary>
/// The evaluation set (tests/eval) written blind by a helper who saw only topic names and people. These tests guard
/// against regressions with floors well under the figures reported in the README; they are not the targets.
/// </summary>
public sealed partial class EvalCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private static string Manifest => Path.Combine(CliHarness.RepoRoot, "tests", "eval", "suites.json");

    [Fact]
    public async Task Eval_BlindTestSplitWithTheModel_EveryLayerHelpsAndLearningHelpsMore()
    {
        _cli.Environment["TriageBot__Understanding__Embeddings"] = "true";

        var run = await _cli.RunAsync("eval", Manifest);

        Assert.Equal(0, run.Code);
        var all = run.Out[run.Out.IndexOf("all suites (test split)", StringComparison.Ordinal)..];
        var before = Topic(all, "keywords-only (before)");
        var lexical = Topic(all, "admin-today lexical");
        var model = Topic(all, "admin-today");
        var learned = Topic(all, "admin-today +50 corrections");
        Assert.True(lexical > before, all);
        Assert.True(model > lexical, all);
        Assert.True(model >= 75, all);
        Assert.True(learned >= model, all);

        // With the org's examples and the whole training split taught (measured 86% topic when the learned classifier
        // came in; the target of 92% is not met — see the README).
        Assert.True(Topic(all, "org examples + training") >= 84, all);
        Assert.Matches(@"data-science: 264 test messages", run.Out);
        Assert.Matches(@"engineering: 272 test messages", run.Out);
    }

    [Fact]
    public async Task Eval_SweepOnTheTestSplit_RefusedExit2()
    {
        var run = await _cli.RunAsync("eval", Manifest, "--sweep", "NoneScore=1,2");

        Assert.Equal(2, run.Code);
        Assert.Contains("training split only", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_SplitsListingSeveralFiles_ScoresEveryBatch()
    {
        var eval = Path.Combine(CliHarness.RepoRoot, "tests", "eval");
        var lines = File.ReadAllLines(Path.Combine(eval, "data-science.train.jsonl"));
        await File.WriteAllLinesAsync(_cli.PathOf("a.jsonl"), lines[..4]);
        await File.WriteAllLinesAsync(_cli.PathOf("b.jsonl"), lines[4..7]);
        await File.WriteAllLinesAsync(_cli.PathOf("c.jsonl"), lines[7..9]);
        await File.WriteAllTextAsync(_cli.PathOf("suites.json"), $$"""
            { "suites": [ { "name": "ds", "org": "{{CliHarness.SampleOrg.Replace("\\", "/", StringComparison.Ordinal)}}",
                            "train": ["a.jsonl", "b.jsonl"], "test": ["c.jsonl", "a.jsonl"] } ] }
            """);

        var run = await _cli.RunAsync("eval", _cli.PathOf("suites.json"), "--no-embeddings", "--config", "keywords-only (before)");

        Assert.Equal(0, run.Code);
        Assert.Contains("ds: 6 test messages, 7 training messages", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_SplitThatIsNotAFileList_OneLineErrorExit2()
    {
        await File.WriteAllTextAsync(_cli.PathOf("suites.json"), """
            { "suites": [ { "name": "ds", "org": "org.yaml", "train": 3, "test": "c.jsonl" } ] }
            """);

        var run = await _cli.RunAsync("eval", _cli.PathOf("suites.json"), "--no-embeddings");

        Assert.Equal(2, run.Code);
        Assert.Contains("file name", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_MissingManifest_OneLineErrorExit2()
    {
        var run = await _cli.RunAsync("eval", _cli.PathOf("nope.json"));

        Assert.Equal(2, run.Code);
        Assert.Contains("not found", run.Err, StringComparison.Ordinal);
    }

    private static int Topic(string table, string config)
    {
        var match = Regex.Match(table, "^  " + Regex.Escape(config) + @"\s+(\d+)\s+(\d+)%", RegexOptions.Multiline);
        Assert.True(match.Success, $"no row '{config}' in:\n{table}");
        return int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
    }
}

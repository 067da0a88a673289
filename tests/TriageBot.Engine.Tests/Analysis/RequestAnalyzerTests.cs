using TriageBot.Engine.Analysis;
using TriageBot.Engine.Org;
using TriageBot.Engine.Tests.Org;

namespace TriageBot.Engine.Tests.Analysis;

public class RequestAnalyzerTests
{
    private static readonly RequestAnalyzer Analyzer = new(SampleOrg.Directory);

    private static RequestAnalysis Analyze(string text) => Analyzer.Analyze(text);

    private static string? Top(string text) => Analyze(text).TopTopic?.TopicId;

    [Theory]
    [InlineData("Can you explain difference in differences?", "causal-inference", "difference in differences")]
    [InlineData("Is DIFFERENCE-IN-DIFFERENCES ok here?", "causal-inference", "difference-in-differences")]
    [InlineData("how do I size an A/B test", "experimentation", "a/b test")]
    [InlineData("we ran two A/B tests last week", "experimentation", "a/b tests")]
    [InlineData("feature store freshness is off", "feature-store", "feature store")]
    [InlineData("Our Airflow DAGs keep failing", "data-pipelines", "airflow dags")]
    public void Analyze_MultiWordPhrasesAndCase_MatchTheirTopic(string text, string topic, string matched)
    {
        var analysis = Analyze(text);

        Assert.Equal(topic, analysis.TopTopic?.TopicId);
        Assert.Contains(matched, analysis.TopTopic!.Matched);
        Assert.True(analysis.TopTopic.Score > 0);
    }

    [Theory]
    [InlineData("help with forecasts", "forecasting")]
    [InlineData("we are forecasting demand", "forecasting")]
    [InlineData("my queries are slow", "sql")]
    [InlineData("the dashboards look wrong", "dashboards")]
    [InlineData("recommendations for the homepage", "recsys")]
    [InlineData("our experiments disagree", "experimentation")]
    [InlineData("is the model overfitting?", "ml-fundamentals")]
    [InlineData("propensity scores look odd", "causal-inference")]
    public void Analyze_PluralsAndInflections_MatchTheStem(string text, string topic) => Assert.Equal(topic, Top(text));

    [Theory]
    [InlineData("SQL!!!", "sql")]
    [InlineData("(sql)", "sql")]
    [InlineData("sql,sql;sql.", "sql")]
    [InlineData("«causal»", "causal-inference")]
    [InlineData("uplift…", "causal-inference")]
    public void Analyze_Punctuation_IsIgnored(string text, string topic) => Assert.Equal(topic, Top(text));

    [Fact]
    public void Analyze_Emoji_AreHarmless()
    {
        var analysis = Analyze("🙏 quick 🚀 a/b 🧪 test? 🔥🔥 \uD83D");

        Assert.Equal("experimentation", analysis.TopTopic?.TopicId);
    }

    [Fact]
    public void Analyze_Urls_AreIgnored()
    {
        var analysis = Analyze("see https://wiki.example.com/sql/airflow/dashboard?x=causal and www.tableau.example.com/forecast <https://looker.example.com|link>");

        Assert.Empty(analysis.Topics);
    }

    [Fact]
    public void Analyze_UrlNextToText_KeepsTheText()
    {
        var analysis = Analyze("Our airflow job (https://airflow.example.com/dags/x) is broken");

        Assert.Equal("data-pipelines", analysis.TopTopic?.TopicId);
        Assert.Equal(["airflow"], analysis.TopTopic!.Matched);
    }

    [Fact]
    public void Analyze_SeveralTopics_BestFirstWithEvidence()
    {
        var analysis = Analyze("For the uplift model we use propensity score matching and a SQL query");

        Assert.Equal("causal-inference", analysis.Topics[0].TopicId);
        Assert.Equal(["uplift", "propensity score"], analysis.Topics[0].Matched);
        Assert.Contains(analysis.Topics, t => t.TopicId == "sql");
        Assert.True(analysis.Topics[0].Score > analysis.Topics.Single(t => t.TopicId == "sql").Score);
    }

    [Fact]
    public void Analyze_PhraseIsStrongerThanASingleWord()
    {
        var analysis = Analyze("power analysis for a sql table");
        Assert.Equal("experimentation", analysis.TopTopic?.TopicId);
    }

    [Fact]
    public void Analyze_NoTopicWords_GivesNoTopics()
    {
        var analysis = Analyze("hey, can we chat later about the offsite?");
        Assert.Empty(analysis.Topics);
        Assert.Null(analysis.TopTopic);
    }

    [Fact]
    public void Analyze_StopWordKeyword_DoesNotMatchEverything()
    {
        var org = new OrgDirectory([new Topic("t", "T", ["a", "the", "x y"])], [], []);
        var analysis = new RequestAnalyzer(org).Analyze("a the x y");

        var match = Assert.Single(analysis.Topics);
        Assert.Equal(["x y"], match.Matched);
    }

    [Theory]
    [InlineData("Can you explain how uplift modelling works?", AskKind.Learn)]
    [InlineData("I want to understand propensity scores", AskKind.Learn)]
    [InlineData("Could you review my experiment design doc?", AskKind.Review)]
    [InlineData("Help us decide which method to use for the launch analysis", AskKind.Review)]
    [InlineData("please grant me read access to the events table", AskKind.Access)]
    [InlineData("can you restart the model endpoint", AskKind.Access)]
    [InlineData("can you run the query and pull the numbers for me", AskKind.Task)]
    [InlineData("fix the dashboard for me", AskKind.Task)]
    [InlineData("how do other teams version their training data?", AskKind.Learn)]
    [InlineData("we don't need to learn it, we just want the uplift numbers", AskKind.Task)]
    [InlineData("sql", AskKind.Unknown)]
    public void Analyze_Kind_WithEvidence(string text, AskKind kind)
    {
        var analysis = Analyze(text);

        Assert.Equal(kind, analysis.Kind);
        Assert.Equal(kind == AskKind.Unknown, analysis.KindEvidence.Count == 0);
    }

    [Theory]
    [InlineData("We need a template for every launch", Horizon.Long)]
    [InlineData("What approach should the project take next quarter?", Horizon.Long)]
    [InlineData("This is for our roadmap next year", Horizon.Long)]
    [InlineData("going forward we will run this analysis", Horizon.Long)]
    [InlineData("quick one: restart the endpoint today", Horizon.Short)]
    [InlineData("need access asap", Horizon.Short)]
    [InlineData("can you do this once tomorrow", Horizon.Short)]
    [InlineData("the churn numbers are needed for the board pack by Thursday", Horizon.Short)]
    [InlineData("legal wants the retention figures by Nov 20", Horizon.Short)]
    [InlineData("we want to standardise how metrics are named from Q3", Horizon.Long)]
    [InlineData("sql join", Horizon.Unknown)]
    public void Analyze_Horizon_WithEvidence(string text, Horizon horizon)
    {
        var analysis = Analyze(text);

        Assert.Equal(horizon, analysis.Horizon);
        Assert.Equal(horizon == Horizon.Unknown, analysis.HorizonEvidence.Count == 0);
    }

    [Theory]
    [InlineData("we do this every launch", true)]
    [InlineData("each quarter we redo the forecast", true)]
    [InlineData("it comes up again and again", true)]
    [InlineData("this is a recurring analysis", true)]
    [InlineData("going forward please own it", true)]
    [InlineData("analysts keep asking me for the same export", true)]
    [InlineData("I have rebuilt that table three times this month", true)]
    [InlineData("just this once", false)]
    [InlineData("explain uplift", false)]
    public void Analyze_Recurs(string text, bool recurs) => Assert.Equal(recurs, Analyze(text).Recurs);

    [Fact]
    public void Analyze_EvidenceKeepsTheOriginalWords()
    {
        var analysis = Analyze("Going Forward, can you EXPLAIN Diff-in-Diff?");

        Assert.Contains("going forward", analysis.HorizonEvidence);
        Assert.Contains("explain", analysis.KindEvidence);
        Assert.Contains("diff-in-diff", analysis.TopTopic!.Matched);
    }

    [Fact]
    public void Analyze_IndexIsBuiltOnceForAllTopicTerms()
    {
        var terms = SampleOrg.Directory.Topics.Sum(t => t.Keywords.Count);
        Assert.True(Analyzer.IndexedTerms >= terms - 5, $"{Analyzer.IndexedTerms} indexed for {terms} keywords");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\0\u0001\u0002")]
    [InlineData("\uD800\uDC00\uDFFF\uD800")]
    [InlineData("https://")]
    [InlineData("'''''")]
    public void Analyze_OddInput_DoesNotThrow(string text)
    {
        var analysis = Analyze(text);
        Assert.NotNull(analysis);
        Assert.Empty(analysis.Topics);
    }

    [Fact]
    public void Analyze_NullText_IsTreatedAsEmpty()
    {
        var analysis = Analyzer.Analyze(null!);
        Assert.Empty(analysis.Topics);
        Assert.Equal(AskKind.Unknown, analysis.Kind);
    }

    [Fact]
    public void Analyze_VeryLongText_StillFindsTopics()
    {
        var text = string.Concat(Enumerable.Repeat("lorem ipsum dolor ", 600)) + " sql";
        var analysis = Analyze("airflow " + text);

        Assert.Equal(["sql", "data-pipelines"], analysis.Topics.Select(t => t.TopicId));
    }
}

using TriageBot.Engine.Analysis;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Org;
using TriageBot.Engine.Understanding;

namespace TriageBot.Embeddings.Tests;

[Collection(ModelCollection.Name)]
public sealed class MiniLmTextEmbedderTests(ModelFixture fixture)
{
    private readonly MiniLmTextEmbedder _model = fixture.Model;

    private static double Cosine(float[] a, float[] b)
    {
        var dot = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
        }

        return dot;
    }

    [Fact]
    public void Embed_Sentences_NormalisedVectorsOfTheDeclaredLength()
    {
        var vectors = _model.Embed(["how long should the checkout test run?", "", "🔥🔥"]);

        Assert.Equal(3, vectors.Count);
        Assert.All(vectors, v =>
        {
            Assert.Equal(_model.Dimensions, v.Length);
            Assert.InRange(Math.Sqrt(Cosine(v, v)), 0.99, 1.01);
        });
    }

    [Fact]
    public void Embed_Paraphrase_CloserThanAnUnrelatedRequest()
    {
        var v = _model.Embed([
            "the nightly airflow job failed and the orders table is missing yesterday's rows",
            "our ETL pipeline broke overnight so the warehouse has no data for yesterday",
            "can you help me pick a colour palette for the marketing slides?",
        ]);

        Assert.True(Cosine(v[0], v[1]) > Cosine(v[0], v[2]) + 0.2, $"{Cosine(v[0], v[1]):0.00} vs {Cosine(v[0], v[2]):0.00}");
    }

    [Fact]
    public void Embed_SameTextTwice_ServedFromTheCache()
    {
        var first = _model.Embed(["cache me: how do I size a holdout?"])[0];
        var second = _model.Embed(["cache me: how do I size a holdout?"])[0];

        Assert.Same(first, second);
    }

    [Fact]
    public void BoundedCache_TenThousandDistinctKeys_StaysWithinItsCapacity()
    {
        var cache = new BoundedCache<string, int>(100);
        for (var i = 0; i < 10_000; i++)
        {
            cache.Set($"key-{i}", i);
        }

        Assert.Equal(100, cache.Count);
        Assert.True(cache.TryGet("key-9999", out var newest));
        Assert.Equal(9999, newest);
        Assert.False(cache.TryGet("key-0", out _));
    }

    [Fact]
    public void Analyze_RequestWithoutAnyKeyword_FoundByMeaningWithEvidence()
    {
        var withModel = SampleEngineWithModel();
        const string Text = "how many orders should the warehouse expect each week next quarter, with the holiday peak coming?";

        var analysis = withModel.Analyze(Text, null);

        Assert.Equal("forecasting", analysis.TopTopic?.TopicId);
        Assert.Empty(analysis.TopTopic!.Matched);
        Assert.Contains(analysis.TopTopic.Evidence, e => e.Source == EvidenceSource.Meaning);
    }

    [Fact]
    public void Analyze_VagueRequestWithoutAnyKeyword_ForecastingIsTheBestCandidate()
    {
        // Since the sample org has ten examples per topic this one is close to a SQL example too ("zero signups"), so
        // its confidence may fall under the clarify threshold; the best candidate (topic or first guess) stays Forecasting.
        var withModel = SampleEngineWithModel();
        const string Text = "our weekly sign-up numbers for the next three months: what should we expect, given the holiday season?";

        var analysis = withModel.Analyze(Text, null);

        var best = analysis.TopTopic ?? analysis.Guesses[0];
        Assert.Equal("forecasting", best.TopicId);
        Assert.Contains(best.Evidence, e => e.Source == EvidenceSource.Meaning);
    }

    [Fact]
    public void Analyze_HugePaste_ModelReadsATruncatedTextAndStillAnswers()
    {
        var withModel = SampleEngineWithModel();
        var paste = string.Concat(Enumerable.Repeat("at com.example.Job.run(Job.java:42) NullPointerException ", 800));

        var analysis = withModel.Analyze(paste, null);

        Assert.NotNull(analysis);
        Assert.True(analysis.Topics.Count > 0 || analysis.ClarifyReason != ClarifyReason.None);
    }

    [Fact]
    public void Decide_HorizonReadByMeaning_EvidenceSaysItIsABuiltInExampleNotTheRequestersWords()
    {
        var engine = SampleEngineWithModel();
        const string Text = "can you review my PR? https://github.com/acme/ds/pull/123";

        var decision = engine.Decide(new TriageInput(Text, "ana", "bea", new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero)));

        var byMeaning = decision.Answers.Where(a => a.Evidence.Any(e => e.StartsWith("close in meaning", StringComparison.Ordinal))).ToList();
        Assert.NotEmpty(byMeaning);
        foreach (var answer in byMeaning)
        {
            Assert.Matches("close in meaning to the example '[^'\"]+'", answer.Why);
            Assert.DoesNotContain("\"close in meaning", answer.Why, StringComparison.Ordinal);
        }
    }

    private TriageEngine SampleEngineWithModel()
    {
        var org = OrgParser.LoadFile(Path.Combine(AppContext.BaseDirectory, "deploy", "sample", "org.yaml")).Directory!;
        return new TriageEngine(org, null, new UnderstandingSetup(BuiltInVocabulary.Instance, _model, UnderstandingOptions.Default));
    }
}

using TriageBot.Engine.Decisions;
using TriageBot.Engine.Tests.Fakes;
using TriageBot.Engine.Understanding;

namespace TriageBot.Engine.Tests.Understanding;

/// <summary>
/// The learned classifier carries what the Leads taught over to new requests that are not near-duplicates. All data
/// here is synthetic: made-up jargon words no org file, vocabulary or sentence model knows.
/// </summary>
public sealed class LearnedClassifierTests
{
    private static readonly LearnedClassifier.ClassifierOptions WordsOnly = new(0, 1, 0.5, 0.01);

    private static readonly string[] Fillers =
    [
        "since monday", "for the quarterly review", "before friday", "for my manager", "in the shared folder", "on the team board",
        "after the offsite", "for the planning doc", "from last sprint", "in staging", "for the board deck", "this afternoon",
        "for the new hires", "from the vendor", "for the audit",
    ];

    // Jargon the examples use; a new request shares one word of it and nothing else with any example.
    private static IEnumerable<string> Taught(string a, string b) =>
        Fillers.Select((f, i) => i % 2 == 0 ? $"the {a} {b} got weird {f}" : $"who owns the {b} {a} {f}?");

    [Fact]
    public void Predict_NewSentenceSharingOneTaughtWord_GoesToThatWordsLabel()
    {
        var samples = Taught("flimbo", "trazzle").Select(t => new LearnedClassifier.Sample(0, t, null))
            .Concat(Taught("qorvex", "blentish").Select(t => new LearnedClassifier.Sample(1, t, null)))
            .ToList();

        var model = LearnedClassifier.Train(samples, 2, 0, WordsOnly)!;
        var p = model.Predict("can someone explain how qorvex works at all", null);

        Assert.True(p[1] > 0.7, $"p = {p[0]:0.00} / {p[1]:0.00}");
    }

    [Fact]
    public void Predict_TypoOfATaughtWord_StillGoesToItsLabel()
    {
        var samples = Taught("flimbo", "trazzle").Select(t => new LearnedClassifier.Sample(0, t, null))
            .Concat(Taught("qorvex", "blentish").Select(t => new LearnedClassifier.Sample(1, t, null)))
            .ToList();

        var model = LearnedClassifier.Train(samples, 2, 0, WordsOnly)!;
        var p = model.Predict("the trazle is weird", null);

        Assert.True(p[0] > p[1], $"p = {p[0]:0.00} / {p[1]:0.00}");
    }

    [Fact]
    public void Predict_VectorWhoseNearestExampleHasTheOtherLabel_FollowsTheDirectionThatTellsLabelsApart()
    {
        // The label is the sign of the first coordinate; the nine others are noise, larger than it. The query copies the
        // noise of one label-1 example but sits on the label-0 side: nearest neighbour says 1, the classifier 0.
        var rng = new Random(7);
        var samples = new List<LearnedClassifier.Sample>();
        for (var i = 0; i < 60; i++)
        {
            samples.Add(new(i % 2, "", Vector(i % 2 == 0 ? 0.5 : -0.5, Noise(rng))));
        }

        var copied = samples[1];
        var scale = Norm(copied.Vector!);
        var query = Vector(0.5, [.. copied.Vector!.Skip(1).Select(v => v * scale)]);
        var nearest = samples.MaxBy(s => Dot(s.Vector!, query));

        var model = LearnedClassifier.Train(samples, 2, 10, new(1, 0, 0, 0.01))!;
        var p = model.Predict("", query);

        Assert.Equal(1, nearest.Label);
        Assert.True(p[0] > 0.5, $"p = {p[0]:0.00} / {p[1]:0.00}");
    }

    [Fact]
    public void Train_OneLabelOnly_NothingToTellApartNull()
    {
        var samples = Taught("flimbo", "trazzle").Select(t => new LearnedClassifier.Sample(0, t, null)).ToList();

        Assert.Null(LearnedClassifier.Train(samples, 3, 0, WordsOnly));
    }

    [Fact]
    public void Analyze_JargonTheLeadsTaught_NewRequestGetsTheTopicAndSaysWhy()
    {
        var engine = new TriageEngine(TestOrg.Build(), DecisionPolicy.Default, Inline);
        const string Request = "can someone explain how qorvex works at all";
        var learned = LearnedSet.Prepare(
        [
            .. Taught("flimbo", "trazzle").Select(t => Example("experimentation", t)),
            .. Taught("qorvex", "blentish").Select(t => Example("sql", t)),
            .. Taught("zandor", "pellicky").Select(t => Example("model-deployment", t)),
        ], null);

        var before = engine.Analyze(Request, LearnedSet.Empty);
        var after = engine.Analyze(Request, learned);

        Assert.Null(before.TopTopic);
        Assert.Equal("sql", after.TopTopic?.TopicId);
        var why = Assert.Single(after.TopTopic!.Evidence, e => e.Source == EvidenceSource.Learned);
        Assert.Equal("15 requests triaged before", why.Detail);
        Assert.Contains("qorvex", why.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_FollowUpNamingNoTopicAfterTeaching_StaysClarify()
    {
        // One topic was taught in the words people use to ask for a look; a follow-up that names nothing must not borrow it.
        var engine = new TriageEngine(TestOrg.Build(), DecisionPolicy.Default, Inline);
        var learned = LearnedSet.Prepare(
        [
            .. Fillers.Select(f => Example("sql", $"can you have a look at the qorvex blentish {f}")),
            .. Taught("flimbo", "trazzle").Select(t => Example("experimentation", t)),
            .. Taught("zandor", "pellicky").Select(t => Example("model-deployment", t)),
        ], null);

        var taught = engine.Analyze("could you have a look at my qorvex", learned);
        var followUp = engine.Analyze("did you get a chance to look at what I sent you?", learned);

        Assert.Equal("sql", taught.TopTopic?.TopicId);
        Assert.Null(followUp.TopTopic);
    }

    [Theory]
    [InlineData(false, "sql")]
    [InlineData(true, null)]
    public void Analyze_GreetingOfTheNameTaughtRequestsGreet_ClarifiesOnceTheLeadsTaughtNoTopic(bool noTopicTaught, string? expected)
    {
        // Every sql example greets "morrow" (the Lead people ask about sql); a follow-up greeting morrow borrows the topic
        // unless the Leads also taught follow-ups as naming no topic.
        var options = new UnderstandingOptions { BackgroundTraining = false, VagueNone = 0 };
        var engine = new TriageEngine(TestOrg.Build(), DecisionPolicy.Default, new UnderstandingSetup(BuiltInVocabulary.Instance, null, options));
        string[] followUps =
        [
            "following up on my message from yesterday, any news?", "hey morrow, thanks for yesterday! can we sync later?",
            "any update on what I sent earlier?", "hi morrow, do you have a minute today? nothing urgent",
            "did you get a chance to look at my earlier message?", "morrow, quick ping about the thing from standup",
            "hey, hope you're well! do you have a sec?", "hi morrow, same as last week, can you look when you're free?",
        ];
        var learned = LearnedSet.Prepare(
        [
            .. Fillers.Select(f => Example("sql", $"hey morrow, the qorvex blentish {f}")),
            .. Taught("flimbo", "trazzle").Select(t => Example("experimentation", t)),
            .. Taught("zandor", "pellicky").Select(t => Example("model-deployment", t)),
            .. noTopicTaught ? followUps.Select(t => Example(LearnedExample.NoTopic, t)) : [],
        ], null);

        var analysis = engine.Analyze("hey morrow, any news on my message from monday?", learned);

        Assert.Equal(expected, analysis.TopTopic?.TopicId);
    }

    [Theory]
    [InlineData(3, null)]
    [InlineData(0, "sql")]
    public void Analyze_ShortRequestNamingNothingKnown_ClarifiesDespiteTaughtWords(double vagueNone, string? expected)
    {
        // "broken again" was only ever taught about one topic; two words that name nothing the org or vocabulary knows
        // are still a follow-up to something said elsewhere, not a request about it.
        var options = new UnderstandingOptions { BackgroundTraining = false, VagueNone = vagueNone };
        var engine = new TriageEngine(TestOrg.Build(), DecisionPolicy.Default, new UnderstandingSetup(BuiltInVocabulary.Instance, null, options));
        var learned = LearnedSet.Prepare(
        [
            .. Fillers.Select(f => Example("sql", $"the qorvex blentish is broken again {f}")),
            .. Taught("flimbo", "trazzle").Select(t => Example("experimentation", t)),
            .. Taught("zandor", "pellicky").Select(t => Example("model-deployment", t)),
        ], null);

        var analysis = engine.Analyze("hi ana, it's broken again", learned);

        Assert.Equal(expected, analysis.TopTopic?.TopicId);
    }

    [Theory]
    [InlineData(3.0, 45, "experimentation")]
    [InlineData(0.5, 45, "sql")]
    [InlineData(0.5, 100_000, "experimentation")]
    public void Analyze_TenantTaughtEnough_OrgWordsWeighTheirTaughtWeight(double taughtOrgWeight, double fullAt, string expected)
    {
        // A request in the jargon the Leads taught for one topic that also uses another topic's org keyword: once the
        // tenant has taught TaughtWeightsFullAt examples, the org file's words weigh TaughtOrgWeight instead of OrgWeight;
        // with far fewer taught than that, they keep nearly all of OrgWeight.
        var options = new UnderstandingOptions
        {
            BackgroundTraining = false,
            TaughtWeightsFullAt = fullAt,
            TaughtOrgWeight = taughtOrgWeight,
            TaughtVocabularyWeight = 3.2,
            TaughtNoneScore = 2.4,
            TaughtClassifierL2 = 0.01,
        };
        var engine = new TriageEngine(TestOrg.Build(), DecisionPolicy.Default, new UnderstandingSetup(BuiltInVocabulary.Instance, null, options));

        var analysis = engine.Analyze("my a/b test experiment on the qorvex got weird", LearnedSet.Prepare(Jargon(), null));

        Assert.Equal(expected, analysis.TopTopic?.TopicId);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(15, false)]
    public void Analyze_NothingTaughtWithAModel_TopicsOwnClassifierVotesForNoneOfThem(double baseWeight, bool pinnedOnATopic)
    {
        // A follow-up that happens to use one org keyword: with nothing taught, the classifier of the topics' own texts
        // (and the built-in requests that name no topic) finds it likelier to be about none of them, and says clarify.
        var options = new UnderstandingOptions { BackgroundTraining = false, ClassifierBaseWeight = baseWeight };
        var engine = new TriageEngine(TestOrg.Build(), DecisionPolicy.Default, new UnderstandingSetup(BuiltInVocabulary.Instance, new WordsEmbedder(), options));

        var analysis = engine.Analyze(FollowUp, LearnedSet.Empty);

        Assert.Equal(pinnedOnATopic, analysis.TopTopic is not null);
    }

    [Fact]
    public void Analyze_NothingTaughtWithoutAModel_TopicsOwnClassifierNotUsed()
    {
        // On words alone the topics' own classifier knows nothing the lexical layer does not: it is not trained.
        var off = new TriageEngine(TestOrg.Build(), DecisionPolicy.Default, new UnderstandingSetup(BuiltInVocabulary.Instance, null, new UnderstandingOptions { ClassifierBaseWeight = 0 }));
        var on = new TriageEngine(TestOrg.Build(), DecisionPolicy.Default, new UnderstandingSetup(BuiltInVocabulary.Instance, null, new UnderstandingOptions { ClassifierBaseWeight = 15 }));

        var a = off.Analyze(FollowUp, LearnedSet.Empty);
        var b = on.Analyze(FollowUp, LearnedSet.Empty);

        Assert.Equal(a.Topics.Select(t => (t.TopicId, t.Confidence)), b.Topics.Select(t => (t.TopicId, t.Confidence)));
    }

    private const string FollowUp = "sorry to bother you again, did you get a chance to look at the query I sent you?";

    [Fact]
    public void Analyze_AFewExamplesTaught_ClassifierBarelyCounts()
    {
        var engine = new TriageEngine(TestOrg.Build(), DecisionPolicy.Default, UnderstandingSetup.Lexical);
        var learned = LearnedSet.Prepare(
        [
            Example("experimentation", "the flimbo trazzle got weird since monday"),
            Example("sql", "who owns the blentish qorvex before friday?"),
        ], null);

        var analysis = engine.Analyze("can someone explain how qorvex works at all", learned);

        Assert.Null(analysis.TopTopic);
    }

    [Fact]
    public async Task Analyze_BackgroundTraining_ClassifierServesOnceTrained()
    {
        var engine = new TriageEngine(TestOrg.Build(), DecisionPolicy.Default, UnderstandingSetup.Lexical);
        var learned = LearnedSet.Prepare(Jargon(), null);

        // The first request starts the training and does not wait for it; a later one uses the trained classifier.
        engine.Analyze(JargonRequest, learned);
        var topic = await EventuallyAsync(() => engine.Analyze(JargonRequest, learned).TopTopic?.TopicId, "sql");

        Assert.Equal("sql", topic);
    }

    [Fact]
    public void Derived_NewSetStillTraining_PreviousSetsModelServes()
    {
        var owner = new object();
        var older = LearnedSet.Prepare(Jargon(), null);
        Assert.Equal("old", older.Derived(owner, () => "old", background: false));
        using var release = new ManualResetEventSlim();
        var newer = LearnedSet.Prepare([.. Jargon(), Example("sql", "one more qorvex question")], null);
        newer.Replaces(older);

        var whileTraining = newer.Derived(owner, () => { release.Wait(TimeSpan.FromSeconds(30)); return "new"; }, background: true);
        release.Set();

        Assert.Equal("old", whileTraining);
    }

    [Fact]
    public void Derived_NoPreviousSetAndStillTraining_NoModel()
    {
        using var release = new ManualResetEventSlim();
        var set = LearnedSet.Prepare(Jargon(), null);

        var whileTraining = set.Derived(new object(), () => { release.Wait(TimeSpan.FromSeconds(30)); return "new"; }, background: true);
        release.Set();

        Assert.Null(whileTraining);
    }

    [Fact]
    public void Derived_Inline_BuildsOnceAndWaits()
    {
        var owner = new object();
        var builds = 0;
        var set = LearnedSet.Prepare(Jargon(), null);

        var results = Enumerable.Range(0, 8).AsParallel().Select(_ => set.Derived(owner, () => { Interlocked.Increment(ref builds); Thread.Sleep(20); return "model"; })).ToList();

        Assert.All(results, r => Assert.Equal("model", r));
        Assert.Equal(1, builds);
    }

    private const string JargonRequest = "can someone explain how qorvex works at all";

    private static UnderstandingSetup Inline => new(BuiltInVocabulary.Instance, null, new UnderstandingOptions { BackgroundTraining = false });

    private static List<LearnedExample> Jargon() =>
    [
        .. Taught("flimbo", "trazzle").Select(t => Example("experimentation", t)),
        .. Taught("qorvex", "blentish").Select(t => Example("sql", t)),
        .. Taught("zandor", "pellicky").Select(t => Example("model-deployment", t)),
    ];

    // Bounded polling (no timing assertion): the background training finishes when the machine gets to it.
    private static async Task<string?> EventuallyAsync(Func<string?> probe, string expected)
    {
        string? last = null;
        for (var i = 0; i < 600 && last != expected; i++)
        {
            last = probe();
            if (last != expected)
            {
                await Task.Delay(50);
            }
        }

        return last;
    }

    private static LearnedExample Example(string topic, string text) =>
        new(TestOrg.Tenant, Guid.NewGuid(), "ana", topic, text, ExampleSource.Correction, DateTimeOffset.UnixEpoch);

    private static double[] Noise(Random rng) => [.. Enumerable.Range(0, 9).Select(_ => (2 * rng.NextDouble()) - 1)];

    private static float[] Vector(double first, double[] rest)
    {
        double[] all = [first, .. rest];
        var n = Math.Sqrt(all.Sum(v => v * v));
        return [.. all.Select(v => (float)(v / n))];
    }

    private static double Norm(float[] v) => 1 / Math.Abs(v[0] / 0.5);

    private static double Dot(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();

    /// <summary>A deterministic stand-in for the sentence model: each word hashed into one of 64 dimensions, normalised.</summary>
    private sealed class WordsEmbedder : ITextEmbedder
    {
        public string ModelId => "words-fake";

        public int Dimensions => 64;

        public IReadOnlyList<float[]> Embed(IReadOnlyList<string> texts, CancellationToken ct = default) => [.. texts.Select(Vector)];

        private static float[] Vector(string text)
        {
            var v = new float[64];
            foreach (var word in text.ToLowerInvariant().Split([' ', ',', '.', '?', '!'], StringSplitOptions.RemoveEmptyEntries))
            {
                v[(int)(Fnv(word) % 64)] += 1;
            }

            var norm = MathF.Sqrt(v.Sum(x => x * x));
            return norm == 0 ? v : [.. v.Select(x => x / norm)];
        }

        private static uint Fnv(string word)
        {
            var hash = 2166136261u;
            foreach (var c in word)
            {
                hash = (hash ^ c) * 16777619u;
            }

            return hash;
        }
    }
}

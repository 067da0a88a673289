using CsCheck;
using TriageBot.Engine.Analysis;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Tests.Org;
using TriageBot.Engine.Understanding;

namespace TriageBot.Engine.Tests.Analysis;

public class SpellingIndexTests
{
    private static readonly SpellingIndex Index = new(
        ["experiment", "kubernetes", "dashboard", "spring", "quality", "tableau", "snowflake", "airflow", "airbyte"],
        ["we need a sprint plan", "qualify the leads", "the report"]);

    private static string Stem(string word) => TextTokenizer.Stem(word);

    [Theory]
    [InlineData("expermient", "experiment")] // two letters swapped
    [InlineData("kuberntes", "kubernetes")] // one letter missing
    [InlineData("dashbord", "dashboard")]
    [InlineData("tablaeu", "tableau")]
    [InlineData("snowflakke", "snowflake")] // one letter added
    public void Correct_OneSlipFromATerm_ReadsAsTheTerm(string typo, string term)
    {
        Assert.Equal(Stem(term), Index.Correct(Stem(typo)));
    }

    [Theory]
    [InlineData("sprint")] // a known word one letter from "spring"
    [InlineData("qualify")] // known from the texts, one letter from "quality"
    [InlineData("experiment")] // already a term
    [InlineData("dashbo")] // three edits from "dashboard"
    [InlineData("xubernetes")] // a different first letter
    [InlineData("airfl")] // too short to trust
    [InlineData("k8s1234567")] // not letters
    public void Correct_KnownShortDistantOrForeign_LeavesItAlone(string word)
    {
        Assert.Null(Index.Correct(Stem(word)));
    }

    [Fact]
    public void Correct_EquallyCloseToTwoTerms_LeavesItAlone()
    {
        var index = new SpellingIndex(["torrent", "torment"], []);

        Assert.Null(index.Correct("torxent"));
    }

    [Fact]
    public void Correct_Tokens_ReplacesOnlyTheMisspeltOnesAndSaysWhich()
    {
        var tokens = TextTokenizer.Tokenize("our expermient on the dashbord");

        var corrected = Index.Correct(tokens, out var readAs);

        Assert.Equal([Stem("our"), Stem("experiment"), Stem("on"), Stem("the"), Stem("dashboard")], corrected.Select(t => t.Stem));
        Assert.Equal([1, 4], readAs!.Keys.Order());
        Assert.Equal(tokens.Select(t => (t.Start, t.End)), corrected.Select(t => (t.Start, t.End)));
    }

    [Fact]
    public void Correct_NothingMisspelt_ReturnsTheSameList()
    {
        var tokens = TextTokenizer.Tokenize("the sprint report");

        Assert.Same(tokens, Index.Correct(tokens, out var readAs));
        Assert.Null(readAs);
    }

    [Fact]
    public void Correct_HugePasteOfMisspellings_LooksUpABoundedNumber()
    {
        // Hundreds of distinct words, each one letter from "snowflake": only the first MaxLookups distinct ones are tried.
        const string Term = "snowflake";
        var words = new List<string>();
        for (var i = 1; i < Term.Length - 1; i++)
        {
            for (var c = 'a'; c <= 'z'; c++)
            {
                words.Add(Term[..i] + c + Term[i..]); // one letter added
                if (c != Term[i])
                {
                    words.Add(Term[..i] + c + Term[(i + 1)..]); // one letter replaced
                }
            }
        }

        var tokens = TextTokenizer.Tokenize(string.Join(' ', words.Distinct()));
        var distinct = tokens.Select(t => t.Stem).Distinct().Count();

        Index.Correct(tokens, out var readAs);

        Assert.True(distinct > SpellingIndex.MaxLookups + 50, $"{distinct} distinct words");
        Assert.InRange(readAs!.Count, SpellingIndex.MaxLookups - 30, SpellingIndex.MaxLookups);
    }

    [Fact]
    public void Distance_Property_SymmetricZeroOnlyForEqualAndBounded()
    {
        var word = Gen.String[Gen.Char['a', 'e'], 0, 9];
        Gen.Select(word, word).Sample((a, b) =>
        {
            var d = SpellingIndex.Distance(a, b, 3);
            return d == SpellingIndex.Distance(b, a, 3) && (d == 0) == (a == b) && d <= 4 && d >= Math.Min(4, Math.Abs(a.Length - b.Length));
        });
    }

    [Theory]
    [InlineData("abcdef", "abdcef", 2, 1)] // two neighbours swapped: one edit
    [InlineData("abcdef", "abcdef", 2, 0)]
    [InlineData("abcdef", "abcxyf", 2, 2)]
    [InlineData("abcdef", "", 1, 2)] // capped at max + 1
    [InlineData("", "abacb", 2, 3)]
    public void Distance_Examples_CountsSwapsAsOneEditCappedAboveMax(string a, string b, int max, int expected)
    {
        Assert.Equal(expected, SpellingIndex.Distance(a, b, max));
    }

    [Fact]
    public void Analyze_MisspeltVocabularyWord_FindsTheTopicAndSaysHowItWasRead()
    {
        var engine = new TriageEngine(SampleOrg.Directory, DecisionPolicy.Default, UnderstandingSetup.Lexical);

        var analysis = engine.Analyze("our expermient on checkout: how long before we reach signficance?");

        Assert.Equal("experimentation", analysis.TopTopic?.TopicId);
        Assert.Contains(analysis.TopTopic!.Evidence, e => e.Text == "expermient" && e.Describe().Contains("(read as 'experiment", StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_SpellingOff_MisspeltWordsCountForNothing()
    {
        var options = UnderstandingOptions.Default;
        options.SpellingWeight = 0;
        var engine = new TriageEngine(SampleOrg.Directory, DecisionPolicy.Default, new UnderstandingSetup(BuiltInVocabulary.Instance, null, options));

        var analysis = engine.Analyze("our expermient on checkout: how long before we reach signficance?");

        Assert.DoesNotContain(analysis.Topics.SelectMany(t => t.Evidence), e => e.Describe().Contains("read as", StringComparison.Ordinal));
    }

    [Fact]
    public void CommonWords_EmbeddedList_KeepsEverydayWordsFromBeingCorrected()
    {
        var words = BuiltInVocabulary.Instance.CommonWords;

        Assert.True(words.Count > 10_000, $"{words.Count} words");
        Assert.Contains("sprint", words);
        Assert.Contains("contractor", words);
        Assert.DoesNotContain(words, w => w.StartsWith('#'));
    }
}

using TriageBot.Engine.Analysis;

namespace TriageBot.Engine.Tests.Analysis;

public class TextTokenizerTests
{
    [Theory]
    [InlineData("queries", "query")]
    [InlineData("query", "query")]
    [InlineData("differences", "differenc")]
    [InlineData("difference", "differenc")]
    [InlineData("forecasting", "forecast")]
    [InlineData("forecasts", "forecast")]
    [InlineData("deployed", "deploy")]
    [InlineData("running", "run")]
    [InlineData("matches", "match")]
    [InlineData("class", "class")]
    [InlineData("analysis", "analysis")]
    [InlineData("sql", "sql")]
    [InlineData("été", "été")]
    public void Stem_LightSuffixes(string word, string stem) => Assert.Equal(stem, TextTokenizer.Stem(word));

    [Fact]
    public void Tokenize_SplitsOnPunctuationAndSkipsUrls()
    {
        var tokens = TextTokenizer.Tokenize("A/B-test, see http://x.io/a_b (don't) 🚀ok");

        Assert.Equal(["a", "b", "test", "see", "dont", "ok"], tokens.Select(t => t.Stem));
    }

    [Fact]
    public void Tokenize_KeepsPositions()
    {
        const string text = "  Hello, World";
        var tokens = TextTokenizer.Tokenize(text);

        Assert.Equal("Hello", text[tokens[0].Start..tokens[0].End]);
        Assert.Equal("World", text[tokens[1].Start..tokens[1].End]);
    }

    [Fact]
    public void Tokenize_DropsOverlongWordsAndCapsTokenCount()
    {
        var tokens = TextTokenizer.Tokenize(new string('x', 500) + " ok " + string.Concat(Enumerable.Repeat("w ", 10_000)));

        Assert.Equal("ok", tokens[0].Stem);
        Assert.Equal(TextTokenizer.MaxTokens, tokens.Count);
    }

    [Fact]
    public void Tokenize_LatinTermInsideChineseText_IsAWordOfItsOwn()
    {
        var tokens = TextTokenizer.Tokenize("我的SQL查询很慢");

        Assert.Equal(["我", "的", "sql", "查", "询", "很", "慢"], tokens.Select(t => t.Stem));
        Assert.Equal("SQL", "我的SQL查询很慢"[tokens[2].Start..tokens[2].End]);
    }

    [Fact]
    public void Tokenize_LongRunOfJapaneseOrChinese_NotDroppedAsOneOverlongWord()
    {
        var tokens = TextTokenizer.Tokenize(string.Concat(Enumerable.Repeat("数据查询很慢", 10)) + "ダッシュボード");

        Assert.Equal(67, tokens.Count);
    }

    [Theory]
    [InlineData("कृपया मदद करें", new[] { "कृपया", "मदद", "करें" })]
    [InlineData("café résumé", new[] { "café", "résumé" })]
    [InlineData("məlumat Hawaiʻi 10μs версия2", new[] { "məlumat", "hawaiʻi", "10μs", "версия2" })]
    public void Tokenize_CombiningMarksAndLettersOfOtherAlphabets_StayInTheirWord(string text, string[] stems) =>
        Assert.Equal(stems, TextTokenizer.Tokenize(text).Select(t => t.Stem));

    [Fact]
    public void Tokenize_Thai_EachLetterKeepsItsVowelAndToneMarks()
    {
        var tokens = TextTokenizer.Tokenize("ที่ดิน ข้อมูล");

        Assert.Equal(["ที่", "ดิ", "น", "ข้", "อ", "มู", "ล"], tokens.Select(t => t.Stem));
    }
}

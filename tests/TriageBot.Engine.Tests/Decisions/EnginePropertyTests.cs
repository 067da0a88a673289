using System.Text.Json;
using System.Text.Json.Serialization;
using CsCheck;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Tests.Org;

namespace TriageBot.Engine.Tests.Decisions;

public class EnginePropertyTests
{
    private static readonly TriageEngine Engine = new(SampleOrg.Directory);
    private static readonly DateTimeOffset At = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    private static readonly string[] Words =
    [
        "a/b", "test", "difference", "in", "differences", "sql", "🚀", "https://x.io/sql", "explain", "every", "launch", "grant",
        "access", "restart", "quick", "today", "quarter", "forecast", "model", "deploy", "dashboards", "?", "!!!", "\uD800", "\0",
        "going", "forward", "review", "for", "me", "pipeline", "ana", "raj", "'", "-", "feature", "store", "ÉTÉ", "日本語",
    ];

    /// <summary>Any UTF-16 string: control characters, lone surrogates, private use.</summary>
    private static readonly Gen<string> AnyText = Gen.Char[char.MinValue, char.MaxValue].Array[0, 300].Select(chars => new string(chars));

    /// <summary>Long and binary-looking strings up to 10,000 characters.</summary>
    private static readonly Gen<string> LongText = Gen.OneOf(
        Gen.Char[char.MinValue, char.MaxValue].Array[9_000, 10_000].Select(chars => new string(chars)),
        Gen.Byte.Array[5_000, 10_000].Select(bytes => new string(bytes.Select(b => (char)b).ToArray())),
        Gen.OneOfConst(Words).Array[1_000, 2_000].Select(ws => string.Join(' ', ws)));

    /// <summary>Text made of words the analyzer knows, mixed with noise.</summary>
    private static readonly Gen<string> WordText = Gen.OneOfConst(Words).Array[0, 40].Select(ws => string.Join(' ', ws));

    private static readonly Gen<string> Requester = Gen.OneOfConst("caio", "bea", "dani", "raj", "ana", "U0OUTSIDER", "", "someone@example.org");

    private static string Serialize(Decision d) => JsonSerializer.Serialize(d, Json);

    private static void DecideTwiceSame(string text, string requester)
    {
        var input = new TriageInput(text, "ana", requester, At);
        var first = Engine.Decide(input);
        var second = Engine.Decide(input);

        Assert.Equal(Serialize(first), Serialize(second));
        Assert.False(string.IsNullOrEmpty(first.Rule));
        Assert.Equal(4, first.Answers.Count);
        Assert.True(first.Owners.Count <= DecisionPolicy.Default.MaxOwners);
        Assert.DoesNotContain(first.Owners, o => o.Id == "ana" || o.Id == requester);
        Assert.Equal(first.Analysis.Topics.Count == 0, first.Outcome == DecisionOutcome.Clarify);
    }

    [Fact]
    public void Decide_ArbitraryText_NeverThrowsAndIsDeterministic() =>
        Gen.Select(AnyText, Requester).Sample((text, requester) => DecideTwiceSame(text, requester), iter: 500);

    [Fact]
    public void Decide_KnownWordsInAnyOrder_NeverThrowsAndIsDeterministic() =>
        Gen.Select(WordText, Requester).Sample((text, requester) => DecideTwiceSame(text, requester), iter: 1000);

    [Fact]
    public void Decide_LongAndBinaryLookingText_NeverThrowsAndIsDeterministic() =>
        Gen.Select(LongText, Requester).Sample((text, requester) => DecideTwiceSame(text, requester), iter: 40);

    [Fact]
    public void Analyze_ArbitraryText_NeverThrowsAndIsDeterministic() =>
        Gen.OneOf(AnyText, WordText, LongText).Sample(text =>
        {
            var a = Engine.Analyze(text);
            var b = Engine.Analyze(text);
            Assert.Equal(JsonSerializer.Serialize(a, Json), JsonSerializer.Serialize(b, Json));
            // Every topic found says why, from whichever layer found it, with a confidence in [0, 1].
            Assert.All(a.Topics, t => Assert.True(t.Evidence.Count > 0 && t.Confidence >= 0 && t.Confidence <= 1));
        }, iter: 300);

    [Fact]
    public void Who_ArbitraryText_NeverThrows() =>
        Gen.Select(Gen.OneOf(AnyText, WordText), Requester).Sample((text, requester) =>
        {
            var who = Engine.Who(new WhoInput(text, requester, At));
            Assert.False(string.IsNullOrWhiteSpace(who.Advice));
            Assert.DoesNotContain(who.Owners, o => o.Id == requester);
        }, iter: 300);

    [Fact]
    public void Decide_SameInputOnSeparateEngines_GivesTheSameDecision()
    {
        var other = new TriageEngine(SampleOrg.Directory);
        var input = new TriageInput("Could you explain difference in differences for every launch?", "ana", "caio", At);
        Assert.Equal(Serialize(Engine.Decide(input)), Serialize(other.Decide(input)));
    }
}

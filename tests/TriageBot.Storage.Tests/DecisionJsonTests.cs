using System.Text.Json;
using CsCheck;
using TriageBot.Engine.Analysis;
using TriageBot.Engine.Decisions;
using TriageBot.Storage.Internal;

namespace TriageBot.Storage.Tests;

/// <summary>The stored JSON of the decision graph round-trips any value exactly (the DB round trip is in the contract suite).</summary>
public sealed class DecisionJsonTests
{
    private static readonly JsonSerializerOptions Canonical = new();

    private static readonly Gen<string> Text = Gen.String[0, 40];
    private static readonly Gen<IReadOnlyList<string>> Words = Text.List[0, 4].Select(l => (IReadOnlyList<string>)l);

    private static readonly Gen<RequestAnalysis> Analysis =
        Gen.Select(
            Gen.Select(Text, Gen.Double[-1e6, 1e6], Words, (id, score, matched) => new TopicMatch(id, score, matched)).List[0, 4],
            Gen.Enum<AskKind>(), Words, Gen.Bool, Gen.Enum<Horizon>(), Words,
            (topics, kind, kindEvidence, recurs, horizon, horizonEvidence) =>
                new RequestAnalysis(topics, kind, kindEvidence, recurs, horizon, horizonEvidence));

    private static readonly Gen<Decision> Decisions =
        Gen.Select(
            Gen.Select(Gen.Enum<DecisionOutcome>(), Gen.Enum<HelpMode>().Nullable(), Text, Text, (o, m, r, t) => (o, m, r, t)),
            Analysis,
            Gen.Select(Gen.Enum<Question>(), Gen.Enum<AnswerValue>(), Text, Words, Gen.Bool, (q, v, why, ev, ov) => new QuestionAnswer(q, v, why, ev, ov)).List[0, 4],
            Gen.Select(Gen.Enum<OwnerType>(), Text, Text, Text.Null(), Text, (ty, id, name, intake, why) => new Owner(ty, id, name, intake, why)).List[0, 3],
            Gen.Select(Text, Gen.Int[0, 600], Gen.Bool, (s, e, tb) => new HowToHelp(s, e, tb)).Null(),
            Gen.Bool,
            (head, analysis, answers, owners, how, timeboxed) =>
                new Decision(head.o, head.m, head.r, head.t, analysis, answers, owners, how, timeboxed, "2026.1"));

    [Fact]
    public void Serialize_AnyDecision_RoundTripsExactly()
    {
        Decisions.Sample(decision =>
        {
            var back = DecisionJson.Deserialize(DecisionJson.Serialize(decision));
            Assert.Equal(JsonSerializer.Serialize(decision, Canonical), JsonSerializer.Serialize(back, Canonical));
        }, iter: 300);
    }

    [Fact]
    public void SerializeOverrides_AnyMap_RoundTripsExactly()
    {
        Gen.Dictionary(Gen.Enum<Question>(), Gen.Enum<AnswerValue>())[0, 4].Sample(map =>
        {
            var back = DecisionJson.DeserializeOverrides(DecisionJson.SerializeOverrides(map));
            Assert.Equal(map.OrderBy(kv => kv.Key), back.OrderBy(kv => kv.Key));
        }, iter: 100);
    }
}

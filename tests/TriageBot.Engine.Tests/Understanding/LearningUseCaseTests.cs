using TriageBot.Engine.Analysis;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Tests.Fakes;
using TriageBot.Engine.Understanding;
using TriageBot.Engine.UseCases;

namespace TriageBot.Engine.Tests.Understanding;

public sealed class LearningUseCaseTests
{
    // No org keyword, no vocabulary word: the words alone cannot tell.
    private const string Loyalty = "did the loyalty emails actually make people reorder, or would they have come back anyway?";
    private const string LoyaltyAgain = "would people have come back anyway without the loyalty emails, or did the emails make them reorder?";
    private const string T = TestOrg.Tenant;
    private const string SqlToday = "Quick one: can you fix this sql query join for me today?";

    [Fact]
    public async Task CorrectTopicAsync_ClarifiedRequest_RecomputesOnTheChosenTopicAsANewVersion()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(Loyalty);
        Assert.Equal(DecisionOutcome.Clarify, first.Decision.Decision.Outcome);

        var corrected = await h.UseCases.CorrectTopicAsync(T, first.Request.Id, "ana", "causal-inference");

        Assert.Equal(2, corrected.Decision.Version);
        Assert.NotEqual(DecisionOutcome.Clarify, corrected.Decision.Decision.Outcome);
        Assert.Equal("causal-inference", corrected.Decision.Decision.Analysis.TopTopic?.TopicId);
        Assert.Equal(["Causal inference"], corrected.Card.Topics.Take(1));
        Assert.Contains(corrected.Card.TopicEvidence, e => e.Contains("Ana Lima chose Causal inference", StringComparison.Ordinal));
        var example = Assert.Single(h.LearnedStore.All);
        Assert.Equal(ExampleSource.ClarifyPick, example.Source);
        Assert.Equal("causal-inference", example.TopicId);
        Assert.Equal(first.Request.Id, example.RequestId);
        Assert.Equal(2, (await h.Requests.GetDecisionsAsync(T, first.Request.Id)).Count);
    }

    [Fact]
    public async Task CorrectTopicAsync_SameCorrectionAgain_NoNewVersionAndReportedUnchanged()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(Loyalty);
        var corrected = await h.UseCases.CorrectTopicAsync(T, first.Request.Id, "ana", "causal-inference");

        var again = await h.UseCases.CorrectTopicAsync(T, first.Request.Id, "ana", "causal-inference");
        var other = await h.UseCases.CorrectTopicAsync(T, first.Request.Id, "ana", "experimentation");

        Assert.True(corrected.Changed);
        Assert.False(again.Changed);
        Assert.Equal(2, again.Decision.Version);
        Assert.Equal(corrected.Card.Topics, again.Card.Topics);
        Assert.True(other.Changed);
        Assert.Equal(3, other.Decision.Version);
        Assert.Equal(3, (await h.Requests.GetDecisionsAsync(T, first.Request.Id)).Count);
    }

    [Fact]
    public async Task BuildDigestAsync_ClarifiedThenCorrected_CountedInTheDigestAndItsText()
    {
        var h = new UseCaseHarness();
        var vague = await h.TriageAsync(Loyalty);
        await h.TriageAsync("Quick one: can you fix this sql query join for me today?");
        await h.UseCases.CorrectTopicAsync(T, vague.Request.Id, "ana", "causal-inference");

        var digest = await h.UseCases.BuildDigestAsync(T, "ana");

        Assert.Equal(2, digest.Received);
        Assert.Equal(1, digest.NoTopicAtTriage);
        Assert.Equal(1, digest.TopicCorrections);
        Assert.Contains(digest.Highlights, l => l.StartsWith("You corrected the topic of 1 request;", StringComparison.Ordinal));
        Assert.Contains("Understanding: 1 of 2 had no clear topic on arrival, 1 topic corrected by you", TriageBot.Engine.Digest.DigestTextRenderer.Render(digest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorrectTopicAsync_ThenASimilarRequest_IsDecidedByTheExampleAtOnce()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(Loyalty);
        await h.UseCases.CorrectTopicAsync(T, first.Request.Id, "ana", "causal-inference");

        var second = await h.TriageAsync(LoyaltyAgain);

        Assert.Equal("causal-inference", second.Decision.Decision.Analysis.TopTopic?.TopicId);
        Assert.Contains(second.Decision.Decision.Analysis.TopTopic!.Evidence, e => e.Source == EvidenceSource.Learned);
        Assert.Equal("Decided like a request you triaged before.", second.Card.LearnedNote);
    }

    [Fact]
    public async Task CorrectTopicAsync_WrongTopic_ReplacesItAndTheExampleSaysCorrection()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync("Quick one: can you fix this sql query join for me today?");
        Assert.Equal("sql", first.Decision.Decision.Analysis.TopTopic?.TopicId);

        var corrected = await h.UseCases.CorrectTopicAsync(T, first.Request.Id, "ana", "model-deployment");

        Assert.Equal("model-deployment", corrected.Card.TopicId);
        Assert.Contains(corrected.Card.Topics, t => t == "SQL");
        Assert.Equal(ExampleSource.Correction, Assert.Single(h.LearnedStore.All).Source);
    }

    [Fact]
    public async Task CorrectTopicAsync_UnknownTopic_UserErrorAndNothingLearned()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(Loyalty);

        var e = await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.CorrectTopicAsync(T, first.Request.Id, "ana", "astrology"));

        Assert.Contains("\"astrology\"", e.Message, StringComparison.Ordinal);
        Assert.Empty(h.LearnedStore.All);
        Assert.Single(await h.Requests.GetDecisionsAsync(T, first.Request.Id));
    }

    [Fact]
    public async Task Present_CardWithATopic_OffersNoTopicFirst()
    {
        var h = new UseCaseHarness();

        var r = await h.TriageAsync(SqlToday);

        Assert.Equal("sql", r.Decision.Decision.Analysis.TopTopic?.TopicId);
        Assert.Equal(new TopicChoice(LearnedExample.NoTopic, DecisionCardPresenter.NoTopicChoice), r.Card.TopicChoices[0]);
        Assert.Equal(h.Org.Topics.Count, r.Card.TopicChoices.Count);
        Assert.DoesNotContain(r.Card.TopicChoices, c => c.Id == "sql");
    }

    [Fact]
    public async Task CorrectTopicAsync_NoTopic_ClarifiesAndLearnsThatTheRequestNamesNone()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(SqlToday);

        var corrected = await h.UseCases.CorrectTopicAsync(T, first.Request.Id, "ana", LearnedExample.NoTopic);
        var again = await h.UseCases.CorrectTopicAsync(T, first.Request.Id, "ana", $" {LearnedExample.NoTopic} ");

        Assert.Equal(DecisionOutcome.Clarify, corrected.Decision.Decision.Outcome);
        Assert.Equal(ClarifyReason.NoTopicByLead, corrected.Decision.Decision.Analysis.ClarifyReason);
        Assert.Empty(corrected.Card.Guesses);
        Assert.Contains("You said this names no topic", corrected.Card.Summary, StringComparison.Ordinal);
        Assert.Contains(CardAction.CorrectTopic, corrected.Card.Actions);
        Assert.DoesNotContain(corrected.Card.TopicChoices, c => c.Id == LearnedExample.NoTopic);
        Assert.False(again.Changed);
        Assert.Equal(2, (await h.Requests.GetDecisionsAsync(T, first.Request.Id)).Count);
        var example = Assert.Single(h.LearnedStore.All);
        Assert.Equal((LearnedExample.NoTopic, ExampleSource.Correction), (example.TopicId, example.Source));

        // The Lead changes their mind: the topic wins and replaces the example.
        var topic = await h.UseCases.CorrectTopicAsync(T, first.Request.Id, "ana", "sql");
        Assert.Equal("sql", topic.Decision.Decision.Analysis.TopTopic?.TopicId);
        Assert.Equal(ClarifyReason.None, topic.Decision.Decision.Analysis.ClarifyReason);
        Assert.Equal("sql", Assert.Single(h.LearnedStore.All).TopicId);
    }

    [Fact]
    public async Task BuildDigestAsync_TopicCorrectedToNoTopic_CountedAsACorrection()
    {
        var h = new UseCaseHarness();
        var r = await h.TriageAsync(SqlToday);
        await h.UseCases.CorrectTopicAsync(T, r.Request.Id, "ana", LearnedExample.NoTopic);

        var digest = await h.UseCases.BuildDigestAsync(T, "ana");

        Assert.Equal(1, digest.TopicCorrections);
    }

    [Fact]
    public async Task ClarifyAsync_RequestWithNoTopic_LearnsThatItNamesNone()
    {
        var h = new UseCaseHarness();
        var vague = await h.TriageAsync("hi Ana, any news on my message from yesterday?");
        var topical = await h.TriageAsync(SqlToday);
        var emoji = await h.TriageAsync("🔥🔥🔥 🙏");
        Assert.Null(vague.Decision.Decision.Analysis.TopTopic);

        await h.UseCases.ClarifyAsync(T, vague.Request.Id, "ana");
        await h.UseCases.ClarifyAsync(T, topical.Request.Id, "ana");
        await h.UseCases.ClarifyAsync(T, emoji.Request.Id, "ana");

        // Asking what a topical request needs says nothing about its topic; emoji teach nothing.
        var example = Assert.Single(h.LearnedStore.All);
        Assert.Equal((vague.Request.Id, LearnedExample.NoTopic, ExampleSource.Clarify), (example.RequestId, example.TopicId, example.Source));
    }

    [Fact]
    public async Task CorrectTopicAsync_AnotherLeadsRequest_RefusedAndNothingLearned()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(Loyalty);

        await Assert.ThrowsAsync<TriageUserException>(() => h.UseCases.CorrectTopicAsync(T, first.Request.Id, "leo", "causal-inference"));

        Assert.Empty(h.LearnedStore.All);
    }

    [Fact]
    public async Task TakeAndRedirect_TopicOnTheCard_BecomeExamples()
    {
        var h = new UseCaseHarness();
        var taken = await h.TriageAsync("Can you teach me how propensity score matching works? We will reuse it for every launch going forward.");
        var redirected = await h.TriageAsync("Please deploy my churn model to a serving endpoint today");

        await h.UseCases.TakeAsync(T, taken.Request.Id, "ana");
        await h.UseCases.RedirectAsync(T, redirected.Request.Id, "ana");

        Assert.Equal(
            [(taken.Request.Id, "causal-inference", ExampleSource.Take), (redirected.Request.Id, "model-deployment", ExampleSource.Redirect)],
            h.LearnedStore.All.OrderBy(e => e.At).Select(e => (e.RequestId, e.TopicId, e.Source)));
    }

    [Fact]
    public async Task TriageAsync_ExamplesOfAnotherTenant_NotUsed()
    {
        var h = new UseCaseHarness();
        var first = await h.UseCases.TriageAsync(UseCaseHarness.Incoming(Loyalty, tenant: "slack:T2"));
        await h.UseCases.CorrectTopicAsync("slack:T2", first.Request.Id, "ana", "causal-inference");

        var other = await h.TriageAsync(LoyaltyAgain);

        Assert.Equal(DecisionOutcome.Clarify, other.Decision.Decision.Outcome);
    }

    [Fact]
    public async Task LearnAsync_MoreThanTheBound_KeepsTheNewest()
    {
        var options = new UnderstandingOptions { MaxLearnedPerTenant = 10 };
        var h = new UseCaseHarness(understanding: UnderstandingSetup.Lexical with { Options = options });
        var ids = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            var r = await h.TriageAsync($"{Loyalty} ({i})");
            ids.Add(r.Request.Id);
            await h.UseCases.CorrectTopicAsync(T, r.Request.Id, "ana", "causal-inference");
            h.Time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(ids.Skip(2).Order(), h.LearnedStore.All.Select(e => e.RequestId).Order());
    }

    [Fact]
    public async Task ForgetAsync_RequestRemoved_ExampleNoLongerUsed()
    {
        var h = new UseCaseHarness();
        var first = await h.TriageAsync(Loyalty);
        await h.UseCases.CorrectTopicAsync(T, first.Request.Id, "ana", "causal-inference");

        await h.Learned.ForgetAsync(T, first.Request.Id);
        var second = await h.TriageAsync(LoyaltyAgain);

        Assert.Empty(h.LearnedStore.All);
        Assert.Equal(DecisionOutcome.Clarify, second.Decision.Decision.Outcome);
    }

    [Fact]
    public async Task GetAsync_AnotherReplicaLearned_SeenAfterTheRefreshInterval()
    {
        var h = new UseCaseHarness();
        var otherReplica = new LearnedExamples(h.LearnedStore, h.Time);
        Assert.Equal(0, (await otherReplica.GetAsync(T, null)).Count);
        var first = await h.TriageAsync(Loyalty);
        await h.UseCases.CorrectTopicAsync(T, first.Request.Id, "ana", "causal-inference");

        var before = await otherReplica.GetAsync(T, null);
        h.Time.Advance(LearnedExamples.RefreshInterval);
        var after = await otherReplica.GetAsync(T, null);

        Assert.Equal(0, before.Count);
        Assert.Equal(1, after.Count);
    }

    [Fact]
    public async Task GetAsync_NothingChanged_ReadsTheExamplesOnce()
    {
        var h = new UseCaseHarness();
        for (var i = 0; i < 5; i++)
        {
            await h.Learned.GetAsync(T, null);
            h.Time.Advance(LearnedExamples.RefreshInterval);
        }

        Assert.Equal(1, h.LearnedStore.ListCalls);
    }

    [Fact]
    public async Task TriageAsync_SeveralWeakTopics_ClarifyOffersTheTwoBestGuessesAndEveryTopic()
    {
        var h = new UseCaseHarness(understanding: new UnderstandingSetup(null, null, UnderstandingOptions.Default));

        var result = await h.TriageAsync("a join, an uplift and a deploy");

        Assert.Equal(DecisionOutcome.Clarify, result.Decision.Decision.Outcome);
        Assert.Equal(2, result.Card.Guesses.Count);
        Assert.Equal(h.Org.Topics.Count, result.Card.TopicChoices.Count);
        Assert.Contains(CardAction.CorrectTopic, result.Card.Actions);
        Assert.Contains("it might be", result.Card.Summary, StringComparison.Ordinal);
        Assert.Contains(result.Card.Guesses[0].Name, result.Card.Summary, StringComparison.Ordinal);
        Assert.Equal(ClarifyReason.Unsure, result.Decision.Decision.Analysis.ClarifyReason);
    }

    [Fact]
    public async Task TakeAsync_TakenRequest_CardNoLongerOffersACorrection()
    {
        var h = new UseCaseHarness();
        var r = await h.TriageAsync("Can you teach me how propensity score matching works? We will reuse it for every launch going forward.");

        var taken = await h.UseCases.TakeAsync(T, r.Request.Id, "ana");

        Assert.DoesNotContain(CardAction.CorrectTopic, taken.Card.Actions);
        Assert.Empty(taken.Card.TopicChoices);
    }

    [Theory]
    [InlineData("🔥🔥🔥 🙏", ClarifyReason.NoWords, "no words I can read")]
    [InlineData("https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit#gid=0", ClarifyReason.NoSentence, "only a link or a code")]
    [InlineData("3f9a1c0e7b2d4a6f8e0c1b3d5f7a9c1e3f9a1c0e7b2d4a6f8e0c1b3d5f7a9c1e", ClarifyReason.NoSentence, "only a link or a code")]
    [InlineData("   \t  ", null, null)]
    [InlineData("Traceback (most recent call last):\n  File \"/app/x.py\", line 3, in <module>\n    foo()\n  File \"/app/y.py\", line 9, in foo\n    return {\"a\": [1, 2, 3]}[\"b\"]\nKeyError: 'b'\n{\"ts\": 1700000000, \"lvl\": \"E\", \"msg\": \"x=1;y=2;z=[4,5]\"}", ClarifyReason.Paste, "pasted log or code")]
    [InlineData("¿Alguien puede ayudarme con esto? Es urgente, gracias.", ClarifyReason.Unknown, "the tool, dataset or method")]
    public async Task TriageAsync_HardInput_ClarifySaysWhatToSend(string text, ClarifyReason? reason, string? says)
    {
        var h = new UseCaseHarness();
        if (reason is null)
        {
            var e = await Assert.ThrowsAsync<TriageUserException>(() => h.TriageAsync(text));
            Assert.Contains("empty", e.Message, StringComparison.Ordinal);
            return;
        }

        var result = await h.TriageAsync(text);

        Assert.Equal(DecisionOutcome.Clarify, result.Decision.Decision.Outcome);
        Assert.Equal(reason, result.Decision.Decision.Analysis.ClarifyReason);
        Assert.Contains(says!, result.Card.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TriageAsync_ChineseWithAnEnglishTermAgainstIt_ReadsTheTerm()
    {
        var h = new UseCaseHarness();

        var result = await h.TriageAsync("我的SQL查询很慢，怎么优化？");

        Assert.Equal("sql", result.Decision.Decision.Analysis.TopTopic?.TopicId);
        Assert.Contains(result.Card.TopicEvidence, e => e.Contains("'sql'", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task TriageAsync_FortyThousandCharacterPaste_ClarifiesWithoutFailing()
    {
        var h = new UseCaseHarness();
        var paste = string.Concat(Enumerable.Repeat("2026-11-25T10:00:00Z ERROR [worker-7] java.lang.NullPointerException at com.example.Job.run(Job.java:42)\n", 400))[..40_000];

        var result = await h.TriageAsync(paste);

        Assert.Equal(DecisionOutcome.Clarify, result.Decision.Decision.Outcome);
        Assert.Equal(ClarifyReason.Paste, result.Decision.Decision.Analysis.ClarifyReason);
    }

    [Fact]
    public void ModelText_HugeOrMarkedUpInput_TruncatedAndMarkupRemoved()
    {
        var prepared = ModelText.Prepare("<@U123> see <https://x.example/a|the doc> " + new string('a', 50_000), 1_000);

        Assert.True(prepared.Length <= 1_000);
        Assert.StartsWith("see the doc a", prepared, StringComparison.Ordinal);
        Assert.Equal("", ModelText.Prepare("🔥\uD800", 100));
    }

    [Fact]
    public async Task TriageAsync_ReaderNamesATopic_BecomesTheMainTopicWithItsQuotes()
    {
        var reader = new FixedReader(new LlmReading("causal-inference", AskKind.Learn, Horizon.Long, ["come back anyway"]));
        var h = new UseCaseHarness(reader: reader);

        var result = await h.TriageAsync(Loyalty);

        var top = result.Decision.Decision.Analysis.TopTopic!;
        Assert.Equal("causal-inference", top.TopicId);
        Assert.Contains(top.Evidence, e => e.Source == EvidenceSource.Llm && e.Text == "come back anyway");
        Assert.Equal(1, reader.Calls);
    }

    [Fact]
    public async Task TriageAsync_ReaderFails_DecisionAsWithoutIt()
    {
        var without = await new UseCaseHarness().TriageAsync("Please deploy my churn model to a serving endpoint today");
        var with = await new UseCaseHarness(reader: new FixedReader(null)).TriageAsync("Please deploy my churn model to a serving endpoint today");

        Assert.Equal(without.Decision.Decision.Outcome, with.Decision.Decision.Outcome);
        Assert.Equal(without.Decision.Decision.Analysis.TopTopic?.TopicId, with.Decision.Decision.Analysis.TopTopic?.TopicId);
    }

    private sealed class FixedReader(LlmReading? reading) : IRequestReader
    {
        public int Calls { get; private set; }

        public Task<LlmReading?> ReadAsync(string text, IReadOnlyList<Topic> topics, CancellationToken ct = default)
        {
            Calls++;
            return Task.FromResult(reading);
        }
    }
}

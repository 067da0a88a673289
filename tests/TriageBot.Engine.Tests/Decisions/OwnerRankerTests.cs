using TriageBot.Engine.Decisions;
using static TriageBot.Engine.Tests.Decisions.DecisionTestOrg;

namespace TriageBot.Engine.Tests.Decisions;

public class OwnerRankerTests
{
    private static readonly OwnerRanker Ranker = new(TestDirectory, DecisionPolicy.Default);

    private static RankContext Context(
        string? lead = "lead",
        string requester = "req",
        DateTimeOffset? at = null,
        Dictionary<string, double>? hours = null,
        Dictionary<string, int>? redirects = null) =>
        new(lead, requester, DateOnly.FromDateTime((at ?? Present).UtcDateTime), hours ?? [], redirects ?? []);

    private static string[] Rank(RankContext context, string topic = "infra", int minSkill = 1, int max = 3) =>
        Ranker.Rank(topic, minSkill, max, context).Select(r => r.Person.Id).ToArray();

    [Fact]
    public void Rank_HighestLevelFirst()
    {
        Assert.Equal(["away1", "peer", "req"], Rank(Context(requester: "x"), "stats", max: 5).Take(3));
    }

    [Fact]
    public void Rank_TieBrokenBySpareCapacity()
    {
        var ranked = Rank(Context(hours: new() { ["ops1"] = 5.5 }));
        Assert.Equal(["ops2", "opslead", "ops1"], ranked);
    }

    [Fact]
    public void Rank_TieBrokenByGrowthOpportunityBeforeAnotherLead()
    {
        var ranked = Rank(Context());
        Assert.Equal("opslead", ranked[2]);
    }

    [Fact]
    public void Rank_TieBrokenByFewestRecentRedirects()
    {
        var ranked = Rank(Context(redirects: new() { ["ops1"] = 3, ["ops2"] = 1 }));
        Assert.Equal(["ops2", "ops1", "opslead"], ranked);
    }

    [Fact]
    public void Rank_FullTie_IsDecidedByIdForDeterminism()
    {
        Assert.Equal(["ops1", "ops2"], Rank(Context()).Take(2));
    }

    [Fact]
    public void Rank_NeverTheRequesterTheLeadOrSomeoneAway()
    {
        var ranked = Rank(Context(lead: "peer", requester: "ops1", at: AwayDay), "stats", max: 10);

        Assert.DoesNotContain("peer", ranked);
        Assert.DoesNotContain("away1", ranked);
        Assert.Contains("lead", ranked);

        var infra = Rank(Context(lead: "opslead", requester: "ops1"), "infra", max: 10);
        Assert.Equal(["ops2", "peer", "lead"], infra);
    }

    [Fact]
    public void Rank_RespectsMaxAndMinimumSkill()
    {
        Assert.Equal(2, Rank(Context(), max: 2).Length);
        Assert.Empty(Rank(Context(), "art"));
        Assert.Equal(["ops1", "ops2", "opslead"], Rank(Context(), minSkill: 5, max: 10));
        Assert.Empty(Rank(Context(), max: 0));
    }

    [Fact]
    public void Rank_StopsAtTheCutButKeepsEveryoneTiedAtIt()
    {
        // max 1: three people tie at 5, the tie-breaks (not file order) choose.
        Assert.Equal(["ops2"], Rank(Context(hours: new() { ["ops1"] = 1 }), max: 1));
    }

    [Fact]
    public void Why_ExplainsLevelAndCapacity()
    {
        var d = NewEngine().Decide(Input("why does the kubernetes cluster scale like that?", requester: "ops2"));
        Assert.Contains("5/5 on Infrastructure", d.Owners[0].Why, StringComparison.Ordinal);
        Assert.Contains("growth opportunity", d.Owners[0].Why, StringComparison.Ordinal);
    }
}

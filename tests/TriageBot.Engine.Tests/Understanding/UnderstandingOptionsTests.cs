using TriageBot.Engine.Understanding;

namespace TriageBot.Engine.Tests.Understanding;

/// <summary>The settings that move from their untaught to their taught values as a tenant's Leads teach.</summary>
public sealed class UnderstandingOptionsTests
{
    private static readonly UnderstandingOptions Options = new()
    {
        OrgWeight = 3,
        TaughtOrgWeight = 1,
        VocabularyWeight = 4,
        TaughtVocabularyWeight = 2,
        NoneScore = 2,
        TaughtNoneScore = 3,
        ClassifierL2 = 0.01,
        TaughtClassifierL2 = 0.002,
        TaughtWeightsFullAt = 100,
        ClassifierBaseWeight = 10,
        ClassifierWeight = 20,
        ClassifierFullAt = 50,
        ClassifierDenseScale = 1,
        TaughtClassifierDenseScale = 0.5,
    };

    [Fact]
    public void ForTaught_NothingTaught_UntaughtValues()
    {
        Assert.Equal(new TaughtSettings(3, 4, 2, 10, 0.01, 1), Options.ForTaught(0));
    }

    [Fact]
    public void ForTaught_HalfWay_InProportion()
    {
        var s = Options.ForTaught(50);

        Assert.Equal(2, s.OrgWeight, 9);
        Assert.Equal(3, s.VocabularyWeight, 9);
        Assert.Equal(2.5, s.NoneScore, 9);
        Assert.Equal(0.006, s.ClassifierL2, 9);
        Assert.Equal(0.75, s.ClassifierDenseScale, 9);
        // The classifier's own schedule is ClassifierFullAt: fully weighted at 50.
        Assert.Equal(20, s.ClassifierWeight, 9);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(5_000)]
    public void ForTaught_FullAtOrBeyond_TaughtValues(int taught)
    {
        Assert.Equal(new TaughtSettings(1, 2, 3, 20, 0.002, 0.5), Options.ForTaught(taught));
    }

    [Fact]
    public void ForTaught_Defaults_TaughtTenantTrustsItsClassifierMore()
    {
        var options = UnderstandingOptions.Default;
        var untaught = options.ForTaught(0);
        var taught = options.ForTaught(1_000);

        Assert.True(taught.OrgWeight < untaught.OrgWeight);
        Assert.True(taught.VocabularyWeight < untaught.VocabularyWeight);
        Assert.True(taught.ClassifierL2 < untaught.ClassifierL2);
        Assert.True(taught.ClassifierWeight > untaught.ClassifierWeight);
    }
}

using TriageBot.Engine.Org;
using TriageBot.Engine.Understanding;

namespace TriageBot.Engine.Tests.Understanding;

public class VocabularyTests
{
    [Fact]
    public void Instance_EmbeddedFiles_LoadEveryFamilyWithTermsAndExamples()
    {
        var vocabulary = BuiltInVocabulary.Instance;

        Assert.True(vocabulary.Families.Count >= 30, $"only {vocabulary.Families.Count} families");
        Assert.StartsWith("1.", vocabulary.Version, StringComparison.Ordinal);
        foreach (var family in vocabulary.Families)
        {
            Assert.NotEmpty(family.Names);
            Assert.True(family.Terms.Count + family.Tools.Count >= 20, family.Id);
            Assert.NotEmpty(family.Examples);
        }

        Assert.NotNull(vocabulary.Find("experimentation"));
        Assert.Null(vocabulary.Find("no-such-family"));
    }

    [Fact]
    public void Parse_DuplicateFamilyId_Throws()
    {
        const string Yaml = "families:\n  - {id: a, name: A, names: [a]}\n";
        var e = Assert.Throws<InvalidDataException>(() => BuiltInVocabulary.Parse("t", [Yaml, Yaml]));
        Assert.Contains("'a'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BrokenYaml_ThrowsInvalidData()
    {
        Assert.Throws<InvalidDataException>(() => BuiltInVocabulary.Parse("t", ["families: [ {id: a"]));
    }

    [Theory]
    [InlineData("experimentation", "Experimentation", "experimentation")]
    [InlineData("dashboards", "Dashboards and BI", "dashboards-bi")]
    [InlineData("causal-inference", "Causal inference", "causal-inference")]
    [InlineData("cloud-cost", "Cloud cost", "cloud-cost-finops")]
    [InlineData("incidents", "Incidents and on-call", "incidents-on-call")]
    public void Link_TopicNamedLikeAFamily_LinksIt(string id, string name, string family)
    {
        var linked = TopicMatcher.Link(new Topic(id, name, []), BuiltInVocabulary.Instance);

        Assert.Contains(linked, f => f.Id == family);
    }

    [Fact]
    public void Link_ExplicitVocabulary_LinksOnlyThose()
    {
        var topic = new Topic("growth", "Growth analytics", ["lift"]) { Vocabulary = ["experimentation", "product-analytics"] };

        var linked = TopicMatcher.Link(topic, BuiltInVocabulary.Instance);

        Assert.Equal(["experimentation", "product-analytics"], linked.Select(f => f.Id));
    }

    [Fact]
    public void Link_UnrelatedTopic_LinksNothing()
    {
        Assert.Empty(TopicMatcher.Link(new Topic("catering", "Office catering", ["lunch", "menu"]), BuiltInVocabulary.Instance));
    }
}

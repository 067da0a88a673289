using TriageBot.Engine.Tests.Fakes;
using TriageBot.Engine.Understanding;

namespace TriageBot.Engine.Tests.Understanding;

public sealed class CoverageReportTests
{
    [Fact]
    public void Build_OneCorrection_SuggestsItAsAnExampleButNoKeywords()
    {
        // One request's words are its greeting and phrasing: "olá", "como", "faço" are not Experimentation keywords.
        var report = CoverageReport.Build(TestOrg.Build(),
        [
            new("Olá Ana, como faço para calcular o tamanho da amostra para um teste de conversão?", null, "experimentation"),
            new("sql window function please", "sql", "sql"),
        ]);

        var suggestion = Assert.Single(report.Suggestions);
        Assert.Equal("experimentation", suggestion.TopicId);
        Assert.Empty(suggestion.Keywords);
        Assert.Single(suggestion.Examples);
    }

    [Fact]
    public void Build_RecurringWordsAcrossCorrections_SuggestedButPeoplesNamesNever()
    {
        var report = CoverageReport.Build(TestOrg.Build(),
        [
            new("hi Ana, did the loyalty emails make people reorder?", null, "causal-inference"),
            new("Ana - would they have reordered anyway without the loyalty emails?", "sql", "causal-inference"),
            new("ana, quick one on sql joins", "sql", "sql"),
        ]);

        var suggestion = Assert.Single(report.Suggestions);
        Assert.Contains("loyalty", suggestion.Keywords);
        Assert.DoesNotContain(suggestion.Keywords, k => k.Equals("ana", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Build_WordInMostOfAllRequests_NotSuggested()
    {
        // "dashboard" is in five of the six requests: it says nothing about the corrected topic.
        var report = CoverageReport.Build(TestOrg.Build(),
        [
            new("the loyalty dashboard: did the emails make people reorder?", null, "causal-inference"),
            new("loyalty emails on the dashboard, would they have reordered anyway?", null, "causal-inference"),
            new("dashboard broken", "sql", "sql"),
            new("dashboard slow", "sql", "sql"),
            new("dashboard filter missing", "sql", "sql"),
            new("forecast for next quarter", "forecasting", "forecasting"),
        ]);

        var suggestion = Assert.Single(report.Suggestions);
        Assert.Contains("loyalty", suggestion.Keywords);
        Assert.DoesNotContain("dashboard", suggestion.Keywords);
    }

    [Fact]
    public void Build_TopicsOwnWordInMostRequests_StillSuggested()
    {
        // Six of ten requests are the loyalty ones the Leads corrected: "loyalty" is common because of them, not in spite.
        var corrected = Enumerable.Range(0, 6).Select(i => new CoverageRequest($"did the loyalty emails make people reorder, wave {i}?", null, "causal-inference"));
        var others = new[] { "sql join slow", "sql window function", "dashboard broken", "forecast next quarter" }.Select(t => new CoverageRequest(t, "sql", "sql"));

        var report = CoverageReport.Build(TestOrg.Build(), [.. corrected, .. others]);

        Assert.Contains("loyalty", Assert.Single(report.Suggestions).Keywords);
    }
}

using TriageBot.Engine.Analysis;
using TriageBot.Engine.Org;

namespace TriageBot.Engine.Understanding;

/// <summary>One stored request as the coverage report sees it.</summary>
/// <param name="Text">The request text.</param>
/// <param name="FirstTopicId">The topic found when it was triaged (null: the answer was clarify).</param>
/// <param name="LatestTopicId">The topic of its latest decision (after corrections), or null.</param>
public sealed record CoverageRequest(string Text, string? FirstTopicId, string? LatestTopicId);

/// <summary>Keywords and examples worth adding to one topic of the org file, mined from what the Leads corrected.</summary>
/// <param name="TopicId">The topic.</param>
/// <param name="Corrections">How many requests were corrected (or clarified, then picked) to this topic.</param>
/// <param name="Keywords">Words that recur in those requests and are not yet the topic's name, alias or keyword.</param>
/// <param name="Examples">Some of those requests, shortened, ready to paste as <c>examples</c>.</param>
public sealed record TopicSuggestion(string TopicId, int Corrections, IReadOnlyList<string> Keywords, IReadOnlyList<string> Examples);

/// <summary>How well the org file's topics cover what people actually ask.</summary>
/// <param name="Requests">Requests looked at.</param>
/// <param name="Clarified">How many were answered "clarify" (no topic) when triaged.</param>
/// <param name="MatchedPerTopic">Requests per topic (latest decision), every topic of the org included.</param>
/// <param name="CorrectionsPerTopic">Corrections per topic (the topic the Lead chose).</param>
/// <param name="NeverMatched">Topics no request was about.</param>
/// <param name="Suggestions">Per corrected topic: keywords and examples to paste into the org file.</param>
public sealed record CoverageReport(
    int Requests,
    int Clarified,
    IReadOnlyDictionary<string, int> MatchedPerTopic,
    IReadOnlyDictionary<string, int> CorrectionsPerTopic,
    IReadOnlyList<string> NeverMatched,
    IReadOnlyList<TopicSuggestion> Suggestions)
{
    /// <summary>Share of requests answered "clarify" (0 when there were none).</summary>
    public double ClarifyRate => Requests == 0 ? 0 : (double)Clarified / Requests;

    /// <summary>
    /// Builds the report: a request counts as corrected to a topic when its latest topic differs from the first one
    /// (a clarify followed by a pick included). Suggested keywords are the words that recur in a topic's corrected
    /// requests and are rare in the others, so what the Leads taught can become part of the org file.
    /// </summary>
    public static CoverageReport Build(OrgDirectory org, IReadOnlyList<CoverageRequest> requests, int maxKeywords = 8, int maxExamples = 3)
    {
        ArgumentNullException.ThrowIfNull(org);
        ArgumentNullException.ThrowIfNull(requests);
        var matched = org.Topics.ToDictionary(t => t.Id, _ => 0, StringComparer.Ordinal);
        var corrections = new Dictionary<string, List<CoverageRequest>>(StringComparer.Ordinal);
        var clarified = 0;
        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in requests)
        {
            clarified += r.FirstTopicId is null ? 1 : 0;
            if (r.LatestTopicId is { } latest && matched.TryGetValue(latest, out var count))
            {
                matched[latest] = count + 1;
                if (!string.Equals(r.FirstTopicId, latest, StringComparison.Ordinal))
                {
                    (corrections.TryGetValue(latest, out var list) ? list : corrections[latest] = []).Add(r);
                }
            }

            foreach (var stem in ContentStems.Of(r.Text))
            {
                documentFrequency[stem] = documentFrequency.GetValueOrDefault(stem) + 1;
            }
        }

        // People's names and ids say who asked or who was asked, never what about: pasted as keywords, "ana" would
        // route every request that greets Ana to the topic.
        var people = org.People.SelectMany(p => TextTokenizer.StemsOf(p.Name).Concat(TextTokenizer.StemsOf(p.Id)))
            .ToHashSet(StringComparer.Ordinal);
        var suggestions = new List<TopicSuggestion>();
        foreach (var (topicId, corrected) in corrections.OrderByDescending(kv => kv.Value.Count).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var topic = org.FindTopic(topicId)!;
            var known = topic.Keywords.Concat(topic.Aliases).Append(topic.Name).Append(topic.Id.Replace('-', ' '))
                .SelectMany(TextTokenizer.StemsOf).ToHashSet(StringComparer.Ordinal);
            var words = new Dictionary<string, (int Count, string Surface)>(StringComparer.Ordinal);
            foreach (var r in corrected)
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var token in TextTokenizer.Tokenize(r.Text))
                {
                    if (token.Stem.Length < 3 || known.Contains(token.Stem) || people.Contains(token.Stem)
                        || !ContentStems.Of(token.Stem).Contains(token.Stem) || !seen.Add(token.Stem))
                    {
                        continue;
                    }

                    var surface = r.Text.Substring(token.Start, token.End - token.Start).ToLowerInvariant();
                    words[token.Stem] = (words.GetValueOrDefault(token.Stem).Count + 1, words.TryGetValue(token.Stem, out var w) ? w.Surface : surface);
                }
            }

            // Recurring in this topic's corrections (two at least: one request's words are mostly its own greeting and
            // phrasing, in whatever language it was written), rare elsewhere: count × log(N / document frequency); a word
            // in most of the other requests says nothing about this topic.
            var total = Math.Max(1, requests.Count);
            var others = requests.Count - corrected.Count;
            var keywords = words
                .Where(kv => kv.Value.Count >= 2)
                .Where(kv => others < 4 || (documentFrequency.GetValueOrDefault(kv.Key, 1) - kv.Value.Count) * 2 <= others)
                .OrderByDescending(kv => kv.Value.Count * Math.Log(1.0 + ((double)total / documentFrequency.GetValueOrDefault(kv.Key, 1))))
                .ThenBy(kv => kv.Key, StringComparer.Ordinal)
                .Take(maxKeywords)
                .Select(kv => kv.Value.Surface)
                .ToList();
            var examples = corrected.Take(maxExamples).Select(r => DecisionExcerpt(r.Text)).ToList();
            suggestions.Add(new TopicSuggestion(topicId, corrected.Count, keywords, examples));
        }

        return new CoverageReport(
            requests.Count,
            clarified,
            matched,
            corrections.ToDictionary(kv => kv.Key, kv => kv.Value.Count, StringComparer.Ordinal),
            [.. matched.Where(kv => kv.Value == 0).Select(kv => kv.Key)],
            suggestions);
    }

    private static string DecisionExcerpt(string text)
    {
        var oneLine = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= 160 ? oneLine : oneLine[..157] + "…";
    }
}

using TriageBot.Engine.Org;

namespace TriageBot.Engine.Decisions;

/// <summary>Who is asking, for whom, and when: what ranking needs to exclude people and break ties.</summary>
/// <param name="LeadId">The Lead (never suggested); null for self-triage.</param>
/// <param name="RequesterId">The requester (never suggested).</param>
/// <param name="Day">The day of evaluation (people away that day are skipped).</param>
/// <param name="HoursSpent">Help hours spent this week per person.</param>
/// <param name="RecentRedirects">Recent redirects per person.</param>
internal sealed record RankContext(
    string? LeadId,
    string RequesterId,
    DateOnly Day,
    IReadOnlyDictionary<string, double> HoursSpent,
    IReadOnlyDictionary<string, int> RecentRedirects);

/// <summary>A ranked candidate owner with the figures used to rank them.</summary>
internal readonly record struct RankedPerson(Person Person, int Skill, double SpareHours, int Growth, int Redirects);

/// <summary>
/// Ranks people for a topic: highest level first; ties by spare help capacity this week, then a growth opportunity
/// (a senior or mid over another lead), then fewest recent redirects, then id (determinism). Never the requester, the
/// Lead, or someone away. Walks the directory's per-topic list (already sorted by skill) and stops as soon as the
/// remaining people cannot make the cut, so cost depends on the people skilled in the topic, not the org size.
/// </summary>
internal sealed class OwnerRanker(OrgDirectory org, DecisionPolicy policy)
{
    private static readonly Comparison<RankedPerson> Order = (a, b) =>
    {
        var c = b.Skill.CompareTo(a.Skill);
        if (c != 0)
        {
            return c;
        }

        c = b.SpareHours.CompareTo(a.SpareHours);
        if (c != 0)
        {
            return c;
        }

        c = a.Growth.CompareTo(b.Growth);
        if (c != 0)
        {
            return c;
        }

        c = a.Redirects.CompareTo(b.Redirects);
        return c != 0 ? c : string.CompareOrdinal(a.Person.Id, b.Person.Id);
    };

    /// <summary>True when <paramref name="person"/> may be suggested in <paramref name="context"/>.</summary>
    public static bool IsAvailable(Person person, RankContext context) =>
        !string.Equals(person.Id, context.RequesterId, StringComparison.Ordinal)
        && !string.Equals(person.Id, context.LeadId, StringComparison.Ordinal)
        && !person.IsAwayOn(context.Day);

    /// <summary>The first available person with at least <paramref name="minSkill"/> on the topic (highest skill first), or null.</summary>
    public Person? FirstAvailableAtLeast(string topicId, int minSkill, RankContext context)
    {
        foreach (var person in org.PeopleSkilledIn(topicId))
        {
            if (person.SkillOn(topicId) < minSkill)
            {
                break;
            }

            if (IsAvailable(person, context))
            {
                return person;
            }
        }

        return null;
    }

    /// <summary>Up to <paramref name="max"/> available people with at least <paramref name="minSkill"/> on the topic, best first.</summary>
    public List<RankedPerson> Rank(string topicId, int minSkill, int max, RankContext context)
    {
        var picked = new List<RankedPerson>(Math.Max(max, 1) + 2);
        if (max <= 0)
        {
            return picked;
        }

        foreach (var person in org.PeopleSkilledIn(topicId))
        {
            var skill = person.SkillOn(topicId);
            if (skill < minSkill)
            {
                break;
            }

            // Once we hold enough people, only someone tied with the weakest of them could still get in.
            if (picked.Count >= max && skill < picked[max - 1].Skill)
            {
                break;
            }

            if (!IsAvailable(person, context))
            {
                continue;
            }

            picked.Add(new RankedPerson(
                person,
                skill,
                SpareHours(person, context),
                GrowthRank(person.Level),
                context.RecentRedirects.GetValueOrDefault(person.Id)));
        }

        picked.Sort(Order);
        if (picked.Count > max)
        {
            picked.RemoveRange(max, picked.Count - max);
        }

        return picked;
    }

    /// <summary>Spare help hours this week: the person's budget minus what they already spent.</summary>
    public double SpareHours(Person person, RankContext context) =>
        (person.HelpBudgetHours ?? policy.DefaultBudgetHours) - context.HoursSpent.GetValueOrDefault(person.Id);

    /// <summary>0 for a growth opportunity (an individual contributor below lead), 1 for leads and managers.</summary>
    internal static int GrowthRank(Level level) => level is Level.Lead or Level.Staff or Level.Principal or Level.Manager ? 1 : 0;

    /// <summary>The reason shown for a suggested person.</summary>
    public static string Why(in RankedPerson ranked, Topic topic, bool tieOnSkill)
    {
        var person = ranked.Person;
        var why = $"{person.Name} ({LevelName(person.Level)}) is {ranked.Skill}/5 on {topic.Name}";
        if (tieOnSkill)
        {
            why += ranked.Growth == 0
                ? $"; a growth opportunity, {FormatHours(ranked.SpareHours)} h of help time left this week"
                : $"; {FormatHours(ranked.SpareHours)} h of help time left this week";
        }

        return why + ".";
    }

    private static readonly string[] LevelNames = Enum.GetValues<Level>().Select(l => l.ToString().ToLowerInvariant()).ToArray();

    internal static string LevelName(Level level) => (int)level >= 0 && (int)level < LevelNames.Length ? LevelNames[(int)level] : level.ToString();

    internal static string FormatHours(double hours) => Math.Round(hours, 1).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
}

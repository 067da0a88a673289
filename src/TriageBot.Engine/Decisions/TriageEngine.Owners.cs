using System.Globalization;
using TriageBot.Engine.Analysis;
using TriageBot.Engine.Org;

namespace TriageBot.Engine.Decisions;

/// <summary>Better owners (service teams, then people ranked by skill and load) and the suggested way to help.</summary>
public sealed partial class TriageEngine
{
    private HowToHelp SuggestHowToHelp(RequestAnalysis analysis, HelpMode mode, bool timeboxed, int repeatCount)
    {
        // Timeboxed help is capped at half an hour; the wording carries the same number as the estimate.
        static int Cap(int minutes, bool timeboxed) => timeboxed ? Math.Min(minutes, 30) : minutes;
        static string Min(int minutes) => minutes.ToString(CultureInfo.InvariantCulture);

        string suggestion;
        int estimate;
        if (_policy.RepeatThreshold > 0 && repeatCount >= _policy.RepeatThreshold - 1)
        {
            estimate = Cap(60, timeboxed);
            suggestion = $"Write it up for the team: this topic has reached you {RepeatCounting.Times(repeatCount + 1)} times recently, so spend about {Min(estimate)} minutes on a short guide and point to it next time";
        }
        else if (analysis.Kind == AskKind.Review)
        {
            estimate = 30;
            suggestion = "Async review: leave written comments they can keep";
        }
        else if (mode == HelpMode.Teach)
        {
            estimate = Cap(analysis.Horizon == Horizon.Long ? 45 : 20, timeboxed);
            suggestion = analysis.Horizon == Horizon.Long
                ? $"{Min(estimate)}-minute working session on the approach, then send a short summary"
                : $"{Min(estimate)}-minute pairing session";
        }
        else if (analysis.Kind == AskKind.Access)
        {
            estimate = 10;
            suggestion = "Do it directly and tell them what you did";
        }
        else
        {
            estimate = 30;
            suggestion = "Do it, then send a short note on how it was done";
        }

        if (timeboxed)
        {
            suggestion += " (timeboxed)";
        }

        return new HowToHelp(suggestion, estimate, timeboxed);
    }

    private void AddServiceTeams(List<Owner> owners, Topic topic, Person? requester, string requesterId, int max)
    {
        var teams = _org.ServiceTeamsFor(topic.Id);

        // Teams with an intake first: the requester knows exactly where to go.
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var team in teams)
            {
                if (owners.Count >= max)
                {
                    return;
                }

                var hasIntake = !string.IsNullOrWhiteSpace(team.Intake);
                if (hasIntake != (pass == 0) || IsMember(team, requester, requesterId))
                {
                    continue;
                }

                var where = hasIntake ? $"; ask in {team.Intake}" : string.Empty;
                owners.Add(new Owner(OwnerType.Team, team.Id, team.Name, team.Intake, $"{team.Name} is the service team for {topic.Name}{where}."));
            }
        }
    }

    private void AddPeople(List<Owner> owners, Topic topic, RankContext context, int max, bool allowAnySkill)
    {
        var room = max - owners.Count;
        if (room <= 0)
        {
            return;
        }

        var ranked = _ranker.Rank(topic.Id, _policy.MinimumOwnerSkill, room, context);
        if (ranked.Count == 0 && allowAnySkill)
        {
            ranked = _ranker.Rank(topic.Id, 1, room, context);
        }

        owners.AddRange(ToOwners(ranked, topic));
    }

    private static List<Owner> ToOwners(List<RankedPerson> ranked, Topic topic)
    {
        var owners = new List<Owner>(ranked.Count);
        for (var i = 0; i < ranked.Count; i++)
        {
            var tie = (i > 0 && ranked[i - 1].Skill == ranked[i].Skill) || (i + 1 < ranked.Count && ranked[i + 1].Skill == ranked[i].Skill);
            var p = ranked[i];
            owners.Add(new Owner(OwnerType.Person, p.Person.Id, p.Person.Name, null, OwnerRanker.Why(p, topic, tie)));
        }

        return owners;
    }
}

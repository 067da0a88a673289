using System.Globalization;
using TriageBot.Engine.Analysis;
using TriageBot.Engine.Org;

namespace TriageBot.Engine.Decisions;

/// <summary>The four answers (skill, reuse, team, horizon) with their evidence, and the Lead's overrides.</summary>
public sealed partial class TriageEngine
{
    private QuestionAnswer AnswerSkill(Facts facts)
    {
        if (facts.Topic is not { } topic)
        {
            return new QuestionAnswer(Question.Skill, AnswerValue.Unsure, "No topic was recognised, so skill cannot be judged.", []);
        }

        var leadSkill = facts.Lead.SkillOn(topic.Id);
        if (leadSkill < _policy.ExceptionalSkillLevel)
        {
            var why = leadSkill == 0
                ? $"You list no skill on {topic.Name} (exceptional means level {_policy.ExceptionalSkillLevel}+)."
                : $"Your level on {topic.Name} is {leadSkill} (exceptional means level {_policy.ExceptionalSkillLevel}+).";
            return new QuestionAnswer(Question.Skill, AnswerValue.No, why, [$"{facts.Lead.Id}:{leadSkill}"]);
        }

        var peer = _ranker.FirstAvailableAtLeast(topic.Id, leadSkill - _policy.PeerSkillMargin, facts.Context);
        if (peer is not null)
        {
            var peerSkill = peer.SkillOn(topic.Id);
            return new QuestionAnswer(
                Question.Skill,
                AnswerValue.No,
                $"{peer.Name} is also level {peerSkill} on {topic.Name}, within {_policy.PeerSkillMargin} of your {leadSkill}.",
                [$"{facts.Lead.Id}:{leadSkill}", $"{peer.Id}:{peerSkill}"]);
        }

        return new QuestionAnswer(
            Question.Skill,
            AnswerValue.Yes,
            $"You are level {leadSkill} on {topic.Name} and nobody else available comes within {_policy.PeerSkillMargin}.",
            [$"{facts.Lead.Id}:{leadSkill}"]);
    }

    private static QuestionAnswer AnswerReuse(RequestAnalysis analysis)
    {
        if (analysis.Recurs)
        {
            var recurs = analysis.HorizonEvidence.Where(Signals.IsRecursEvidence).ToList();
            var said = recurs.Count > 0 ? $" ({Quote(recurs)})" : string.Empty;
            return new QuestionAnswer(Question.Reuse, AnswerValue.Yes, $"The need recurs{said}, so teaching it pays off again.", recurs);
        }

        switch (analysis.Kind)
        {
            case AskKind.Learn:
                return new QuestionAnswer(Question.Reuse, AnswerValue.Yes, $"They want to learn or understand a method ({Quote(analysis.KindEvidence)}); they will reuse it.", analysis.KindEvidence);
            case AskKind.Review when analysis.KindEvidence.Any(Signals.IsDecideEvidence):
                return new QuestionAnswer(Question.Reuse, AnswerValue.Yes, $"They need to decide on a method ({Quote(analysis.KindEvidence)}); the reasoning carries over.", analysis.KindEvidence);
            case AskKind.Review or AskKind.Unknown when analysis.Horizon == Horizon.Long:
                return new QuestionAnswer(Question.Reuse, AnswerValue.Yes, $"It shapes their plans for a long time ({Quote(analysis.HorizonEvidence)}); the reasoning carries over.", analysis.HorizonEvidence);
            case AskKind.Review:
                return new QuestionAnswer(Question.Reuse, AnswerValue.Unsure, $"A review of one piece of work ({Quote(analysis.KindEvidence)}); reuse depends on what they take from it.", analysis.KindEvidence);
            case AskKind.Task:
            case AskKind.Access:
                return new QuestionAnswer(Question.Reuse, AnswerValue.No, $"A chore to get done ({Quote(analysis.KindEvidence)}); teaching it would not be reused.", analysis.KindEvidence);
            default:
                return new QuestionAnswer(Question.Reuse, AnswerValue.Unsure, "No sign of wanting to learn a method or of a recurring need.", []);
        }
    }

    private QuestionAnswer AnswerTeam(Facts facts)
    {
        if (facts.Topic is not { } topic)
        {
            return new QuestionAnswer(Question.Team, AnswerValue.Unsure, "No topic was recognised, so no team can be matched.", []);
        }

        var teams = _org.ServiceTeamsFor(topic.Id);
        if (teams.Count == 0)
        {
            return new QuestionAnswer(Question.Team, AnswerValue.No, $"No service team owns {topic.Name}.", []);
        }

        var requester = _org.FindPerson(facts.Context.RequesterId);
        Team? serving = null;
        foreach (var team in teams)
        {
            // Prefer a team with an intake: it is where the requester will be sent.
            if (!IsMember(team, requester, facts.Context.RequesterId)
                && (serving is null || (string.IsNullOrWhiteSpace(serving.Intake) && !string.IsNullOrWhiteSpace(team.Intake))))
            {
                serving = team;
            }
        }

        if (serving is not null)
        {
            var intake = string.IsNullOrWhiteSpace(serving.Intake) ? string.Empty : $" ({serving.Intake})";
            var why = IsMember(serving, facts.Lead, facts.Lead.Id)
                ? $"{serving.Name}, your own team, serves {topic.Name}: route it through its intake{intake} so the team can pick it up."
                : $"{serving.Name} is a service team for {topic.Name}{intake}.";
            return new QuestionAnswer(Question.Team, AnswerValue.Yes, why, [serving.Id]);
        }

        return new QuestionAnswer(
            Question.Team,
            AnswerValue.No,
            $"The requester is in {teams[0].Name}, the team that serves {topic.Name}.",
            [teams[0].Id]);
    }

    private static QuestionAnswer AnswerHorizon(RequestAnalysis analysis) => analysis.Horizon switch
    {
        Horizon.Long => new QuestionAnswer(Question.Horizon, AnswerValue.Long, $"It will guide their work for weeks or more ({Quote(analysis.HorizonEvidence)}).", analysis.HorizonEvidence),
        Horizon.Short => new QuestionAnswer(Question.Horizon, AnswerValue.Short, $"A one-off ({Quote(analysis.HorizonEvidence)}).", analysis.HorizonEvidence),
        _ when analysis.HorizonEvidence.Count > 0 => new QuestionAnswer(Question.Horizon, AnswerValue.Unsure, $"Mixed signals ({Quote(analysis.HorizonEvidence)}).", analysis.HorizonEvidence),
        _ => new QuestionAnswer(Question.Horizon, AnswerValue.Unsure, "No sign of how long the answer will matter.", []),
    };

    private static QuestionAnswer ApplyOverride(QuestionAnswer computed, IReadOnlyDictionary<Question, AnswerValue>? overrides)
    {
        if (overrides is null || !overrides.TryGetValue(computed.Question, out var value))
        {
            return computed;
        }

        var valid = computed.Question == Question.Horizon
            ? value is AnswerValue.Long or AnswerValue.Short or AnswerValue.Unsure
            : value is AnswerValue.Yes or AnswerValue.No or AnswerValue.Unsure;
        if (!valid)
        {
            throw new TriageUserException($"'{value}' is not a possible answer to the {computed.Question.ToString().ToLowerInvariant()} question.");
        }

        return computed with
        {
            Value = value,
            Why = $"Set by the Lead (computed: {computed.Value.ToString().ToLowerInvariant()} — {computed.Why})",
            Overridden = true,
        };
    }

    private static bool IsMember(Team team, Person? requester, string requesterId)
    {
        if (requester is not null && string.Equals(requester.TeamId, team.Id, StringComparison.Ordinal))
        {
            return true;
        }

        foreach (var member in team.Members)
        {
            if (string.Equals(member, requesterId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string Quote(IReadOnlyList<string> evidence)
    {
        if (evidence.Count == 0)
        {
            return "no explicit words";
        }

        // The requester's words are quoted; a reading by meaning already says whose words it shows.
        var shown = evidence.Take(3).Select(e => e.StartsWith(RequestAnalyzer.MeaningCue, StringComparison.Ordinal)
            ? e
            : $"\"{(e.Length > 40 ? e[..40] + "…" : e)}\"");
        return string.Join(", ", shown);
    }

    private static string Shorten(string? s) => s is null ? string.Empty : s.Length > 64 ? s[..64] + "…" : s;
}

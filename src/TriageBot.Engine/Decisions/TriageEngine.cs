using System.Globalization;
using TriageBot.Engine.Analysis;
using TriageBot.Engine.Org;

namespace TriageBot.Engine.Decisions;

/// <summary>
/// The pure decision engine: answers the four questions for a request and applies the decision policy
/// (first matching rule wins, every decision names its rule), ranks better owners and suggests how to help.
/// Deterministic, thread-safe and free of I/O; uses the directory's indexes so a decision never scans the whole org.
/// </summary>
public sealed class TriageEngine
{
    private readonly OrgDirectory _org;
    private readonly DecisionPolicy _policy;
    private readonly RequestAnalyzer _analyzer;
    private readonly OwnerRanker _ranker;

    /// <summary>Creates the engine for an org directory and a policy (the default policy when null).</summary>
    /// <param name="org">The org directory.</param>
    /// <param name="policy">The decision policy; <see cref="DecisionPolicy.Default"/> when null.</param>
    public TriageEngine(OrgDirectory org, DecisionPolicy? policy = null)
        : this(org, policy, null)
    {
    }

    /// <summary>Creates the engine with the given understanding layers (vocabulary, sentence model, weights).</summary>
    /// <param name="org">The org directory.</param>
    /// <param name="policy">The decision policy; <see cref="DecisionPolicy.Default"/> when null.</param>
    /// <param name="understanding">The understanding layers; the built-in vocabulary without a sentence model when null.</param>
    public TriageEngine(OrgDirectory org, DecisionPolicy? policy, Understanding.UnderstandingSetup? understanding)
    {
        ArgumentNullException.ThrowIfNull(org);
        _org = org;
        _policy = policy ?? DecisionPolicy.Default;
        _analyzer = new RequestAnalyzer(org, understanding);
        _ranker = new OwnerRanker(org, _policy);
    }

    /// <summary>The policy in use.</summary>
    public DecisionPolicy Policy => _policy;

    /// <summary>Analyses a request text (topics, kind, horizon). Never throws.</summary>
    /// <param name="text">The request text.</param>
    public RequestAnalysis Analyze(string text) => _analyzer.Analyze(text ?? string.Empty);

    /// <summary>Analyses a request text with the tenant's learned examples. Never throws for any text.</summary>
    /// <param name="text">The request text.</param>
    /// <param name="learned">What the tenant's Leads taught, or null.</param>
    /// <param name="ct">Cancellation.</param>
    public RequestAnalysis Analyze(string text, Understanding.LearnedSet? learned, CancellationToken ct = default) =>
        _analyzer.Analyze(text ?? string.Empty, learned, ct);

    /// <summary>The analyser (vocabulary links, the sentence model for learned examples).</summary>
    public RequestAnalyzer Analyzer => _analyzer;

    /// <summary>Decides one request.</summary>
    /// <param name="input">The request, the Lead, the requester and the context figures.</param>
    /// <returns>The decision with the four answers, the rule that fired and suggested owners.</returns>
    /// <exception cref="TriageUserException">The Lead is not in the org, or an override has a value its question cannot take.</exception>
    public Decision Decide(TriageInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var lead = _org.FindPerson(input.LeadId ?? string.Empty)
            ?? throw new TriageUserException($"Unknown lead '{Shorten(input.LeadId)}': no such person in the org file.");

        var analysis = input.Analysis ?? Analyze(input.Text ?? string.Empty);
        var context = new RankContext(
            lead.Id,
            input.RequesterId ?? string.Empty,
            DateOnly.FromDateTime(input.At.UtcDateTime),
            input.HoursSpentByPerson ?? new Dictionary<string, double>(),
            input.RecentRedirectsByPerson ?? new Dictionary<string, int>());
        var topic = analysis.TopTopic is { } top ? _org.FindTopic(top.TopicId) : null;

        var facts = new Facts(lead, topic, context, analysis);
        var answers = new[]
        {
            ApplyOverride(AnswerSkill(facts), input.Overrides),
            ApplyOverride(AnswerReuse(analysis), input.Overrides),
            ApplyOverride(AnswerTeam(facts), input.Overrides),
            ApplyOverride(AnswerHorizon(analysis), input.Overrides),
        };

        if (topic is null)
        {
            return new Decision(
                DecisionOutcome.Clarify, null, RuleIds.NoTopic, RuleTexts.NoTopic(), analysis, answers, [], null, false, _policy.Version);
        }

        return ApplyPolicy(input, facts, answers);
    }

    /// <summary>Self-triage: who should the requester ask (service team with intake first, then the best people), and what to include.</summary>
    /// <param name="input">The request and the requester.</param>
    public WhoResult Who(WhoInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var analysis = Analyze(input.Text ?? string.Empty);
        var topic = analysis.TopTopic is { } top ? _org.FindTopic(top.TopicId) : null;
        if (topic is null)
        {
            return new WhoResult(
                analysis,
                [],
                "I could not tell what this is about. Name the tool, dataset or method (for example \"a/b test sample size\" or "
                + "\"airflow backfill\"), say what you already tried, and your deadline.");
        }

        var context = new RankContext(
            null,
            input.RequesterId ?? string.Empty,
            DateOnly.FromDateTime(input.At.UtcDateTime),
            input.HoursSpentByPerson ?? new Dictionary<string, double>(),
            input.RecentRedirectsByPerson ?? new Dictionary<string, int>());
        var requester = _org.FindPerson(context.RequesterId);
        var owners = new List<Owner>(_policy.MaxOwners);
        AddServiceTeams(owners, topic, requester, context.RequesterId, _policy.MaxOwners);
        AddPeople(owners, topic, context, _policy.MaxOwners, allowAnySkill: true);

        const string Include = "the context (what you are building and why), what you already tried, and your deadline";
        var advice = owners.Count == 0
            ? $"Nobody available lists {topic.Name} as a skill right now. Ask your Lead, and include {Include}."
            : owners[0] switch
            {
                { Type: OwnerType.Team, Intake: { Length: > 0 } intake } first => $"Post in {intake} ({first.Name}) with {Include}.",
                { Type: OwnerType.Team } first => $"Ask {first.Name} with {Include}.",
                var first => $"Message {first.Name} about {topic.Name} with {Include}.",
            };

        return new WhoResult(analysis, owners, advice);
    }

    private Decision ApplyPolicy(TriageInput input, Facts facts, QuestionAnswer[] answers)
    {
        var topic = facts.Topic!;
        var skill = answers[0].Value;
        var reuse = answers[1].Value;
        var team = answers[2].Value;
        var horizon = answers[3].Value;
        var skilledAndLong = skill == AnswerValue.Yes && horizon == AnswerValue.Long;
        var budget = input.LeadBudgetHours ?? facts.Lead.HelpBudgetHours ?? _policy.DefaultBudgetHours;
        var overBudget = _policy.EnforceBudget && input.LeadHoursSpentThisWeek >= budget;

        // Rule 1: a service team exists for this.
        if (team == AnswerValue.Yes && !skilledAndLong)
        {
            var owners = new List<Owner>(_policy.MaxOwners);
            AddServiceTeams(owners, topic, _org.FindPerson(facts.Context.RequesterId), facts.Context.RequesterId, _policy.MaxOwners);
            if (owners.Count > 0)
            {
                AddPeople(owners, topic, facts.Context, _policy.MaxOwners, allowAnySkill: false);
                return Redirect(RuleIds.ServiceTeam, RuleTexts.ServiceTeam(), facts, answers, owners);
            }
        }

        // Rule 2: someone available knows it better than the Lead.
        if (skill == AnswerValue.No)
        {
            var leadSkill = facts.Lead.SkillOn(topic.Id);
            var better = _ranker.Rank(topic.Id, leadSkill + 1, _policy.MaxOwners, facts.Context);
            if (better.Count > 0)
            {
                return Redirect(RuleIds.MoreSkilled, RuleTexts.MoreSkilled(), facts, answers, ToOwners(better, topic));
            }
        }

        // Rule 3: exceptionally skilled, and it will be reused or guide long-term work.
        if (skill == AnswerValue.Yes && (reuse == AnswerValue.Yes || horizon == AnswerValue.Long))
        {
            if (overBudget && !skilledAndLong)
            {
                return BudgetRedirect(input, facts, answers, budget);
            }

            var mode = reuse == AnswerValue.Yes ? HelpMode.Teach : HelpMode.Do;
            return Take(RuleIds.Skilled, RuleTexts.Skilled(), facts, answers, mode, timeboxed: false, input.TopicRepeatCount);
        }

        // Rule 4: teaching that will be reused, on a long horizon.
        if (reuse == AnswerValue.Yes && horizon == AnswerValue.Long)
        {
            if (overBudget)
            {
                return BudgetRedirect(input, facts, answers, budget);
            }

            return Take(RuleIds.TeachTimeboxed, RuleTexts.TeachTimeboxed(), facts, answers, HelpMode.Teach, timeboxed: true, input.TopicRepeatCount);
        }

        // Rule 5: the best available person with enough skill, else the Lead takes it, timeboxed.
        var ranked = _ranker.Rank(topic.Id, _policy.MinimumOwnerSkill, _policy.MaxOwners, facts.Context);
        if (ranked.Count > 0)
        {
            return Redirect(RuleIds.BestPerson, RuleTexts.BestPerson(_policy), facts, answers, ToOwners(ranked, topic));
        }

        var fallbackMode = reuse == AnswerValue.Yes ? HelpMode.Teach : HelpMode.Do;
        return Take(RuleIds.FallbackTake, RuleTexts.FallbackTake(_policy), facts, answers, fallbackMode, timeboxed: true, input.TopicRepeatCount);
    }

    private Decision BudgetRedirect(TriageInput input, Facts facts, QuestionAnswer[] answers, double budget)
    {
        var topic = facts.Topic!;
        var text = RuleTexts.Budget(input.LeadHoursSpentThisWeek, budget);
        var owners = new List<Owner>(_policy.MaxOwners);
        AddServiceTeams(owners, topic, _org.FindPerson(facts.Context.RequesterId), facts.Context.RequesterId, _policy.MaxOwners);
        AddPeople(owners, topic, facts.Context, _policy.MaxOwners, allowAnySkill: true);
        if (owners.Count > 0)
        {
            return Redirect(RuleIds.Budget, text, facts, answers, owners);
        }

        // Nobody else at all: the requester still gets an answer.
        var mode = answers[1].Value == AnswerValue.Yes ? HelpMode.Teach : HelpMode.Do;
        return Take(RuleIds.Budget, text + " Nobody else is available, so take it, timeboxed.", facts, answers, mode, timeboxed: true, input.TopicRepeatCount);
    }

    private Decision Redirect(string rule, string ruleText, Facts facts, QuestionAnswer[] answers, IReadOnlyList<Owner> owners) =>
        new(DecisionOutcome.Redirect, null, rule, ruleText, facts.Analysis, answers, owners, null, false, _policy.Version);

    private Decision Take(string rule, string ruleText, Facts facts, QuestionAnswer[] answers, HelpMode mode, bool timeboxed, int repeatCount)
    {
        // Alternatives, so the Lead can still hand it over from the card.
        var alternatives = new List<Owner>(_policy.MaxOwners);
        AddPeople(alternatives, facts.Topic!, facts.Context, _policy.MaxOwners, allowAnySkill: false);
        var how = SuggestHowToHelp(facts.Analysis, mode, timeboxed, repeatCount);
        return new Decision(DecisionOutcome.Take, mode, rule, ruleText, facts.Analysis, answers, alternatives, how, timeboxed, _policy.Version);
    }

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

        var shown = evidence.Take(3).Select(e => $"\"{(e.Length > 40 ? e[..40] + "…" : e)}\"");
        return string.Join(", ", shown);
    }

    private static string Shorten(string? s) => s is null ? string.Empty : s.Length > 64 ? s[..64] + "…" : s;

    private sealed record Facts(Person Lead, Topic? Topic, RankContext Context, RequestAnalysis Analysis);
}

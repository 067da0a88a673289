using System.Globalization;
using TriageBot.Engine.Analysis;
using TriageBot.Engine.Org;

namespace TriageBot.Engine.Decisions;

/// <summary>
/// The pure decision engine: answers the four questions for a request and applies the decision policy
/// (first matching rule wins, every decision names its rule), ranks better owners and suggests how to help.
/// Deterministic, thread-safe and free of I/O; uses the directory's indexes so a decision never scans the whole org.
/// This file holds the rule chain; the four answers are in <c>TriageEngine.Answers.cs</c>, the better owners and how to
/// help in <c>TriageEngine.Owners.cs</c>.
/// </summary>
public sealed partial class TriageEngine
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

    private sealed record Facts(Person Lead, Topic? Topic, RankContext Context, RequestAnalysis Analysis);
}

using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using TriageBot.Engine.Decisions;
using static TriageBot.Cli.Commands.TriageCommand;

namespace TriageBot.Cli.Commands;

/// <summary>The triage decision as one JSON object or as a readable summary.</summary>
internal static class TriageOutput
{
    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        // Readable non-ASCII names and text; the output goes to a terminal or a file, never into HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static readonly (Question Question, string Key, string Label)[] Questions =
    [
        (Question.Skill, "skill", "Am I exceptionally skilled?"),
        (Question.Reuse, "reuse", "Will teaching it be reused?"),
        (Question.Team, "team", "Is there a team for this?"),
        (Question.Horizon, "horizon", "How long will it guide them?"),
    ];

    internal sealed record TopicJson(string Id, string Name, double Score, IReadOnlyList<string> Matched, double Confidence, IReadOnlyList<string> Evidence);

    internal sealed record AnswerJson(string Answer, string Why, IReadOnlyList<string> Evidence);

    internal sealed record OwnerJson(
        string Type,
        string Id,
        string Name,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Intake,
        string Why);

    internal sealed record HowToHelpJson(string Suggestion, int EstimateMinutes, bool Timeboxed);

    internal sealed record TriageJson(
        string Decision,
        string? Mode,
        string Rule,
        string RuleText,
        IReadOnlyList<TopicJson> Topics,
        IReadOnlyList<TopicJson> Guesses,
        string Kind,
        IReadOnlyDictionary<string, AnswerJson> Answers,
        IReadOnlyList<OwnerJson> Owners,
        HowToHelpJson? HowToHelp,
        bool Timeboxed,
        string Lead,
        string From,
        DateTimeOffset At,
        double HoursSpent,
        double? BudgetHours,
        string PolicyVersion,
        string Tenant,
        bool Recorded,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? RequestId);

    public static string Json(TriageRun run)
    {
        var d = run.Decision;
        var answers = new Dictionary<string, AnswerJson>(StringComparer.Ordinal);
        foreach (var (question, key, _) in Questions)
        {
            var answer = d.Answers.FirstOrDefault(a => a.Question == question);
            answers[key] = answer is null
                ? new AnswerJson("unsure", "not answered", [])
                : new AnswerJson(Lower(answer.Value), answer.Why, answer.Evidence);
        }

        var dto = new TriageJson(
            Decision: Lower(d.Outcome),
            Mode: d.Mode is { } mode ? Lower(mode) : null,
            Rule: d.Rule,
            RuleText: d.RuleText,
            Topics: d.Analysis.Topics.Select(t => Topic(run, t)).ToList(),
            Guesses: d.Analysis.Guesses.Select(t => Topic(run, t)).ToList(),
            Kind: Lower(d.Analysis.Kind),
            Answers: answers,
            Owners: d.Owners.Select(o => new OwnerJson(Lower(o.Type), o.Id, o.Name, o.Intake, o.Why)).ToList(),
            HowToHelp: d.HowToHelp is { } how ? new HowToHelpJson(how.Suggestion, how.EstimateMinutes, how.Timeboxed) : null,
            Timeboxed: d.Timeboxed,
            Lead: run.Request.LeadId,
            From: run.Request.RequesterId,
            At: run.Request.At,
            HoursSpent: Math.Round(run.HoursSpent, 2),
            BudgetHours: run.BudgetHours,
            PolicyVersion: d.PolicyVersion,
            Tenant: run.Tenant,
            Recorded: run.RecordedId is not null,
            RequestId: run.RecordedId);
        return JsonSerializer.Serialize(dto, JsonOptions);
    }

    private static TopicJson Topic(TriageRun run, TriageBot.Engine.Analysis.TopicMatch t) =>
        new(t.TopicId, run.Org.FindTopic(t.TopicId)?.Name ?? t.TopicId, Math.Round(t.Score, 3), t.Matched, Math.Round(t.Confidence, 3), [.. t.Evidence.Select(e => e.Describe())]);

    public static string Text(TriageRun run)
    {
        var d = run.Decision;
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(Headline(d));
        sb.AppendLine(inv, $"Rule:     {d.Rule}: {d.RuleText}");
        var topics = d.Analysis.Topics.Count == 0
            ? "none recognised"
            : string.Join("; ", d.Analysis.Topics.Take(3).Select(t =>
                string.Create(inv, $"{run.Org.FindTopic(t.TopicId)?.Name ?? t.TopicId} (score {t.Score:0.##}: {string.Join(", ", t.Matched)})")));
        sb.AppendLine(inv, $"Topics:   {topics}");
        sb.AppendLine(inv, $"Ask:      {Lower(d.Analysis.Kind)}");
        sb.AppendLine();
        foreach (var (question, _, label) in Questions)
        {
            var answer = d.Answers.FirstOrDefault(a => a.Question == question);
            var value = answer is null ? "-" : Capitalise(Lower(answer.Value));
            sb.AppendLine(inv, $"  {label,-30} {value,-7} {answer?.Why}");
        }

        if (d.Owners.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine(d.Outcome == DecisionOutcome.Redirect ? "Better owners:" : "Alternatives:");
            for (var i = 0; i < d.Owners.Count; i++)
            {
                var o = d.Owners[i];
                var intake = o.Intake is null ? string.Empty : $" via {o.Intake}";
                sb.AppendLine(inv, $"  {i + 1}. {o.Name} ({Lower(o.Type)} {o.Id}){intake}: {o.Why}");
            }
        }

        if (d.HowToHelp is { } how)
        {
            sb.AppendLine();
            sb.AppendLine(inv, $"How to help: {how.Suggestion}, about {how.EstimateMinutes} min{(how.Timeboxed ? ", timeboxed" : string.Empty)}");
        }

        sb.AppendLine();
        var budget = run.BudgetHours is { } b ? string.Create(inv, $" of {b:0.##} h budget") : string.Empty;
        sb.AppendLine(inv, $"Lead's help this week: {run.HoursSpent:0.##} h{budget} ({run.HoursSource})");
        if (run.RecordedId is { } id)
        {
            sb.AppendLine(inv, $"Recorded as request {id} in tenant {run.Tenant}.");
        }
        return sb.ToString();
    }

    private static string Headline(Decision d) => d.Outcome switch
    {
        DecisionOutcome.Take => $"Decision: TAKE{(d.Mode is { } m ? $" ({Lower(m)}{(d.Timeboxed ? ", timeboxed" : "")})" : "")}",
        DecisionOutcome.Redirect => $"Decision: REDIRECT{(d.Owners.Count > 0 ? $" to {d.Owners[0].Name}{(d.Owners[0].Intake is { } intake ? $" ({intake})" : "")}" : "")}",
        _ => "Decision: CLARIFY (ask the requester what it is about)",
    };

    private static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
